"""The app on the wire, as a phone receives it: the login page's files come brotli-compressed, a
signed-out open asks the server nothing it cannot answer, and the screens that load with their
own code open offline the first time, after one online visit."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .helpers import close_toasts as _close_toasts


@pytest.fixture(scope="module")
def lazy_chunks(server):
    """The scripts the login page must not load: every chunk outside the entry's static imports
    (from the build's own manifest, so a renamed chunk cannot slip through)."""
    chunks = json.loads((Path(server["env"]["PWA_DIST"]) / ".vite" / "manifest.json").read_text())
    entry = next(k for k, c in chunks.items() if c.get("isEntry"))
    first, todo = set(), [entry]
    while todo:
        key = todo.pop()
        if key not in first:
            first.add(key)
            todo.extend(chunks[key].get("imports", []))
    lazy = {"/" + c["file"] for k, c in chunks.items() if k not in first and c["file"].endswith(".js")}
    assert len(lazy) >= 7, lazy  # desk, map, orders, report, my reports, check-in, outbox at least
    return lazy


@pytest.fixture(scope="module")
def banner_chunks(server):
    """The warning banner's scripts: it loads at sign-in, above every screen (main.ts), so these are
    the lazy chunks a signed-in start may fetch before any screen is opened."""
    chunks = json.loads((Path(server["env"]["PWA_DIST"]) / ".vite" / "manifest.json").read_text())
    found, todo = set(), ["src/features/warning/banner.ts"]
    while todo:
        key = todo.pop()
        if key not in found:
            found.add(key)
            todo.extend(chunks[key].get("imports", []))
    return {"/" + chunks[k]["file"] for k in found}


def _path(url):
    return "/" + url.split("/", 3)[3].split("?")[0]


def test_the_login_pages_html_and_script_arrive_brotli_compressed(phone, lazy_chunks):
    responses = []
    phone.on("response", lambda r: responses.append(r))
    phone.goto("/")
    expect(phone.get_by_label("用户名")).to_be_visible()
    shell = next(r for r in responses if r.request.resource_type == "document")
    assert shell.header_value("content-encoding") == "br"
    assert "accept-encoding" in (shell.header_value("vary") or "").lower()
    scripts = [r for r in responses if r.request.resource_type == "script" and "/assets/" in r.url]
    assert scripts, "the login page loaded no script from /assets/"
    for r in scripts:
        assert r.header_value("content-encoding") == "br", r.url
        assert r.header_value("cache-control") == "public, max-age=31536000, immutable"
    # The login page is the shell alone: no screen that loads when opened came with it.
    assert not [r.url for r in scripts if _path(r.url) in lazy_chunks]


def test_robots_txt_is_plain_text_and_disallows_everything(phone, server):
    resp = phone.request.get(server["base"] + "/robots.txt")
    assert resp.status == 200
    assert resp.headers["content-type"].startswith("text/plain")
    assert "Disallow: /" in resp.text().splitlines()


def test_a_signed_out_cold_open_logs_no_error_and_gets_no_401(phone):
    errors, refused = [], []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.on("response", lambda r: refused.append(r.url) if r.status == 401 else None)
    phone.goto("/")
    expect(phone.get_by_label("用户名")).to_be_visible()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    phone.wait_for_load_state("networkidle")
    assert refused == []
    assert errors == []


def test_screens_opened_for_the_first_time_offline_still_load(phone, lazy_chunks, banner_chunks):
    fetched = []
    screens = lazy_chunks - banner_chunks
    phone.on("request", lambda r: fetched.append(r.url) if _path(r.url) in screens else None)
    phone.goto("/")
    phone.get_by_label("用户名").fill("captain1")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("button", name=re.compile("一张图"))).to_be_visible()
    # Installed (every chunk precached) and in control of the page.
    phone.wait_for_function(
        "navigator.serviceWorker.ready.then(r => !!r.active && !!navigator.serviceWorker.controller)",
        timeout=15000,
    )
    assert fetched == [], "a screen's code was loaded before it was opened"

    phone.context.set_offline(True)
    _close_toasts(phone)
    served = []
    phone.on("response", lambda r: served.append(r) if _path(r.url) in lazy_chunks else None)
    for tile, heading in (("一张图", "一张图"), ("我的任务", "我的任务"), ("上报隐患", "上报隐患")):
        phone.get_by_role("button", name=re.compile(tile)).first.click()
        expect(phone.get_by_role("heading", level=1, name=heading)).to_be_visible()
        phone.go_back()
        expect(phone.get_by_role("button", name=re.compile("一张图"))).to_be_visible()
    # A deep link opened with no signal: the worker answers the shell, and the chunk from its cache.
    phone.goto("/checkin")
    expect(phone.get_by_role("heading", level=1, name=re.compile("签到"))).to_be_visible()
    assert served, "no screen chunk was loaded offline"
    assert all(r.from_service_worker for r in served), [r.url for r in served if not r.from_service_worker]


def test_a_screen_whose_code_cannot_be_had_says_so_and_a_retry_opens_it(browser, server, screens):
    # No worker (nothing cached) and the check-in screen's chunk refused, as on a line that drops.
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        base_url=server["base"],
        service_workers="block",
    )
    page = context.new_page()
    chunks = json.loads((Path(server["env"]["PWA_DIST"]) / ".vite" / "manifest.json").read_text())
    checkin = "/" + chunks["src/features/checkin/checkin.ts"]["file"]
    page.route("**" + checkin, lambda route: route.abort("internetdisconnected"))
    page.goto("/")
    page.get_by_label("用户名").fill("member2")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    page.locator("[data-tile=checkin]").click()
    expect(page.get_by_role("heading", level=1, name="这一页没能打开")).to_be_visible()
    retry = page.get_by_role("button", name="重试")
    assert retry.bounding_box()["height"] >= 48
    screens(page, "delivery-open-failed-390")

    page.unroute("**" + checkin)
    retry.click()
    expect(page.get_by_role("heading", level=1, name="签到/签退")).to_be_visible()
    assert page.url.endswith("/checkin")
    context.close()
