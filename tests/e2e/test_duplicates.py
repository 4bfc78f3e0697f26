"""可能重复: the desk, on a report waiting for verification, sees the open reports of the same
kind near it (how far, how long apart, the first photo, what it says) and merges it into one,
offline too (asked first, through the outbox, its state in words); the survivor then shows the
merged report's reporter and photos."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import expect

from .conftest import PHONE
from .helpers import api, close_toasts, no_sideways_scroll
from .test_report_timeline import _upload_photo
from .test_sizes import CHECK

SHOTS = Path("/tmp/shots")


def _file(base, username, lat, hours_ago, description) -> str:
    """A report from a phone (the sync door keeps the phone's time), with one photo."""
    report_id = str(uuid.uuid4())
    at = (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()
    op = {
        "op_id": str(uuid.uuid4()),
        "type": "report.create",
        "at": at,
        "data": {
            "id": report_id,
            "category": "geological",
            "description": description,
            "location": {"lat": lat, "lon": 116.442},
            "media_ids": [_upload_photo(base, username)],
        },
    }
    answer = api(base, username)("POST", "/api/v1/sync", {"device_id": str(uuid.uuid4()), "ops": [op]})
    assert answer["results"][0]["status"] == "applied", answer
    return report_id


def _login(phone, username):
    phone.goto("/")
    phone.get_by_label("用户名").fill(username)
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.locator(".role-chip")).to_be_visible()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)


def test_the_desk_merges_a_near_duplicate_offline_and_the_survivor_keeps_its_photos(phone, browser, server):
    base = server["base"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    survivor = _file(base, "officer1", 25.0560, 3, "村口山体有裂缝，雨后扩大")
    new = _file(base, "member1", 25.0567, 0.2, "村口后山裂缝旁有落石")  # about 78 m north
    _login(phone, "town1")

    phone.goto(f"/reports/{new}")
    expect(phone.get_by_role("heading", name="可能重复")).to_be_visible()
    item = phone.locator(f'.dup-item[data-candidate="{survivor}"]')
    expect(item).to_contain_text("相距 78 米")
    expect(item).to_contain_text("相隔 3 小时")
    expect(item).to_contain_text("村口山体有裂缝")
    expect(item.locator("img.dup-thumb")).to_be_visible()
    phone.wait_for_function("[...document.images].every((i) => i.complete && i.naturalWidth > 0)")
    close_toasts(phone)
    no_sideways_scroll(phone)
    item.scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "duplicates-390.png"))
    assert phone.evaluate(CHECK) == {"small": [], "tiny": [], "sideways": False}

    # Offline: the merge waits on the phone, after asking first; cancelling changes nothing.
    phone.context.set_offline(True)
    button = item.get_by_role("button", name="合并到此")
    button.click()
    dialog = phone.get_by_role("dialog")
    expect(dialog).to_contain_text("把这条上报合并到那一条")
    dialog.get_by_role("button", name="取消").click()
    expect(phone.locator("#dup-state")).to_have_count(0)
    button.click()
    phone.get_by_role("dialog").get_by_role("button", name="合并").click()
    expect(phone.locator("#dup-state")).to_contain_text("已存本机，待发送")
    expect(phone.get_by_role("button", name="合并到此")).to_have_count(0)
    phone.screenshot(path=str(SHOTS / "duplicates-offline-390.png"))

    phone.context.set_offline(False)
    expect(phone.locator("#dup-state")).to_contain_text("已发送", timeout=20000)
    desk = api(base, "town1")
    assert desk("GET", f"/api/v1/reports/{new}")["status"] == "rejected"
    (merged,) = desk("GET", f"/api/v1/reports/{survivor}")["merged"]
    assert merged["id"] == new and len(merged["media_ids"]) == 1

    # The survivor, as the village officer who filed it sees it: the merged report's reporter
    # (a township member the officer could not otherwise see) and photo.
    phone = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=base,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    ).new_page()
    _login(phone, "officer1")
    phone.goto(f"/reports/{survivor}")
    block = phone.locator(".dup-merged")
    expect(block).to_contain_text("已合并进来的重复上报（1 条）")
    expect(block).to_contain_text("村口后山裂缝旁有落石")
    expect(block.locator("img.dup-thumb")).to_be_visible()
    phone.wait_for_function("[...document.images].every((i) => i.complete && i.naturalWidth > 0)")
    expect(phone.get_by_role("heading", name="可能重复")).to_have_count(0)
    close_toasts(phone)
    no_sideways_scroll(phone)
    block.scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "duplicates-merged-390.png"))
    phone.context.close()
