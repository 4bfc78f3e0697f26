"""The warning SMS's one-tap page `/w/<token>` in WeChat's browser with JavaScript off: the
warning with its level's colour and word, 收到 pressed once, the acknowledged page, and the
desk's count of it through the API; a reload posts nothing."""

import uuid

from flask import Flask
from playwright.sync_api import expect

from server.config import DEFAULT_SECRET
from server.warnings import reach

from .conftest import SHOTS
from .helpers import api, no_sideways_scroll
from .test_public_checkin import WECHAT


def _token(server, user_id, warning_id) -> str:
    # The server signs with its SECRET_KEY (the development default here, as the server runs).
    app = Flask(__name__)
    app.config["SECRET_KEY"] = server["env"].get("SECRET_KEY", DEFAULT_SECRET)
    with app.app_context():
        return reach.link_token(uuid.UUID(user_id), uuid.UUID(warning_id))


def test_the_one_tap_page_acknowledges_once_with_javascript_off(browser, server):
    desk = api(server["base"], "duty")
    town = next(r for r in desk("GET", "/api/v1/regions")["items"] if r["name"] == "临城镇")
    warning = desk(
        "POST",
        "/api/v1/warnings",
        {
            "title": "临城镇暴雨橙色预警",
            "body": "预计未来6小时内降雨量将达50毫米以上，山区可能发生山洪、滑坡。",
            "instructions": "危险区域人员立即转移到安置点；不要涉水过河。",
            "kind": "rainstorm",
            "level": "orange",
            "region_ids": [town["id"]],
        },
    )
    officer = next(u for u in desk("GET", "/api/v1/users?limit=200")["items"] if u["username"] == "officer1")
    token = _token(server, officer["id"], warning["id"])
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        user_agent=WECHAT,
        java_script_enabled=False,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto(f"/w/{token}")
    expect(page.locator(".level-orange")).to_have_text("橙色预警")
    expect(page.locator("h1")).to_have_text("临城镇暴雨橙色预警")
    expect(page.get_by_text("危险区域人员立即转移到安置点")).to_be_visible()
    button = page.get_by_role("button", name="收到")
    box = button.bounding_box()
    assert box["height"] >= 48
    no_sideways_scroll(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "warning-link.png"), full_page=True)
    button.click()
    expect(page.get_by_text("已确认收到")).to_be_visible()
    expect(page.get_by_role("button", name="收到")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "warning-link-acked.png"), full_page=True)
    page.reload()
    expect(page.get_by_text("已确认收到")).to_be_visible()
    counts = desk("GET", f"/api/v1/warnings/{warning['id']}/delivery")["responsible"]
    assert counts["acknowledged"] == 1 and counts["by_channel"]["link"] == 1
    page.goto("/w/not-a-token")
    expect(page.locator("h1")).to_contain_text("链接无效")
    page.screenshot(path=str(SHOTS / "warning-link-invalid.png"), full_page=True)

    # Lifted while a captain's page was still open: the page says 已解除 and has no button; the
    # form posted from the old page counts nothing.
    captain = next(u for u in desk("GET", "/api/v1/users?limit=200")["items"] if u["username"] == "captain1")
    other = _token(server, captain["id"], warning["id"])
    page.goto(f"/w/{other}")
    old_form = page.get_by_role("button", name="收到")
    expect(old_form).to_be_visible()
    desk("POST", f"/api/v1/warnings/{warning['id']}/cancel", {"reason": "降雨减弱"})
    old_form.click()
    expect(page.locator("h1").first).to_contain_text("已解除")
    expect(page.get_by_text("未记录确认")).to_be_visible()
    expect(page.get_by_role("button", name="收到")).to_have_count(0)
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "warning-link-lifted.png"), full_page=True)
    counts = desk("GET", f"/api/v1/warnings/{warning['id']}/delivery")["responsible"]
    assert counts["acknowledged"] == 1
    context.close()
