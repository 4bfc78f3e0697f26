"""A member logs in on a phone, sees their home screen, and the app opens again offline."""

import re

from playwright.sync_api import expect


def test_login_screen_fits_a_phone_and_logs_a_member_in(phone, shot):
    phone.goto("/")
    expect(phone.get_by_label("用户名")).to_be_visible()
    shot(phone, "login-390")
    # Nothing scrolls sideways at phone width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_label("用户名").fill("member1")
    phone.get_by_label("密码").fill("wrong-password")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("alert")).to_contain_text("用户名或密码错误")

    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_text(re.compile("救援队员"))).to_be_visible()
    expect(phone.get_by_text("临城镇").first).to_be_visible()
    shot(phone, "home-390")

    # No token is readable by scripts: only httpOnly cookies carry it.
    storage = phone.evaluate("JSON.stringify(localStorage) + document.cookie")
    assert "eyJ" not in storage


def test_after_one_visit_the_app_opens_with_no_network(phone, shot):
    phone.goto("/")
    phone.get_by_label("用户名").fill("officer1")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_text(re.compile("灾害信息员"))).to_be_visible()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)

    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_text(re.compile("灾害信息员"))).to_be_visible()
    expect(phone.get_by_text("离线").first).to_be_visible()
    shot(phone, "home-offline-390")


def test_the_manifest_is_installable(phone, server):
    phone.goto("/")
    href = phone.locator("link[rel=manifest]").get_attribute("href")
    manifest = phone.request.get(server["base"] + "/" + href.lstrip("/")).json()
    assert manifest["lang"] == "zh-CN"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes


def test_the_login_screen_fits_the_smallest_phone(browser, server, shot):
    context = browser.new_context(
        viewport={"width": 320, "height": 568}, base_url=server["base"], locale="zh-CN"
    )
    page = context.new_page()
    page.goto("/")
    button = page.get_by_role("button", name="登录")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["height"] >= 48
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot(page, "login-320")
    context.close()
