"""The captain takes a drill's roll call with no signal: he opens the drill once online, loses
the signal, marks two members (到 and 缺), and the marks wait on the phone; the signal returns and
both reach the server exactly once; a second tap on the same word sends nothing."""

import re
import sqlite3
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll


def _marks(db_file):
    con = sqlite3.connect(db_file)
    try:
        return {
            "marks": con.execute("SELECT count(*) FROM training_attendance").fetchone()[0],
            "ops": con.execute("SELECT count(*) FROM sync_ops WHERE type = 'training.attend'").fetchone()[0],
        }
    finally:
        con.close()


def test_the_captain_takes_drill_attendance_offline_and_it_lands_once(phone, server, screens):
    shot = screens
    base = server["base"]
    captain_api = api(base, "captain1")
    me = captain_api("GET", "/api/v1/me")
    members = {
        m["username"]: m
        for m in api(base, "town1")("GET", f"/api/v1/members?team_id={me['team_id']}&limit=50")["items"]
    }
    now = datetime.now(UTC).replace(microsecond=0)
    drill = captain_api(
        "POST",
        f"/api/v1/teams/{me['team_id']}/trainings",
        {
            "kind": "exercise",
            "title": "山洪转移群众实战演练",
            "place": "城东村村部广场",
            "starts_at": (now - timedelta(minutes=30)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
            "planned_hours": "2.5",
            "member_ids": [members[n]["id"] for n in ("member2", "member3", "member4")],
        },
    )
    before = _marks(server["db"])

    sync_posts = []
    phone.context.on(
        "request",
        lambda r: sync_posts.append(r.url) if r.method == "POST" and r.url.endswith("/api/v1/sync") else None,
    )
    phone.goto("/")
    phone.get_by_label("用户名").fill("captain1")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    phone.locator('[data-tile="trainings"]').click()
    expect(phone.get_by_role("heading", name="培训与演练")).to_be_visible()
    card = phone.locator(f'[data-training="{drill["id"]}"]')
    expect(card).to_contain_text("模拟演练")
    expect(card).to_contain_text("山洪转移群众实战演练")
    card.click()
    expect(phone.get_by_role("heading", name="点名")).to_be_visible()
    rows = phone.locator(".tr-row")
    expect(rows).to_have_count(3)
    expect(phone.locator("#roll-counts")).to_have_text("应到 3 人 · 到 0 · 缺 0 · 未点 3")

    # No signal: the roll still opens (from this phone), and the marks are taken.
    phone.context.set_offline(True)
    expect(phone.get_by_text("离线").first).to_be_visible()
    phone.reload()
    expect(phone.get_by_role("heading", name="点名")).to_be_visible()
    expect(phone.locator("#roll-status")).to_have_attribute("data-state", "kept")
    expect(phone.locator("#roll-status")).to_contain_text("没有信号")
    m2 = phone.locator(f'.tr-row[data-member="{members["member2"]["id"]}"]')
    m3 = phone.locator(f'.tr-row[data-member="{members["member3"]["id"]}"]')
    m2.get_by_role("button", name="到").click()
    expect(m2).to_contain_text("已存本机，待发送")
    m3.get_by_role("button", name="缺").click()
    expect(m3).to_contain_text("已存本机，待发送")
    # A second tap on the word already shown is the same intent: nothing more is queued.
    m2.get_by_role("button", name="到").click()
    expect(phone.locator(".pending")).to_have_text("2 条待发送")
    expect(phone.locator("#roll-counts")).to_have_text("应到 3 人 · 到 1 · 缺 1 · 未点 1")
    for button in phone.locator(".tr-buttons .btn").all():
        box = button.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48, box
    no_sideways_scroll(phone)
    close_toasts(phone)
    shot(phone, "training-01-roll-offline")
    assert sync_posts == []
    assert _marks(server["db"]) == before

    # The signal returns: both marks go by themselves, once.
    phone.context.set_offline(False)
    expect(phone.locator(".pending")).to_be_hidden(timeout=20000)
    expect(m2).to_contain_text("已发送")
    expect(m3).to_contain_text("已发送")
    # With signal the roll is the server's again: it no longer says it is this phone's copy.
    expect(phone.locator("#roll-status")).to_have_attribute("data-state", "server")
    expect(phone.locator("#roll-status")).not_to_contain_text("存在本机的名单")
    shot(phone, "training-02-roll-sent")
    after = _marks(server["db"])
    assert after == {"marks": before["marks"] + 2, "ops": before["ops"] + 2}
    roll = captain_api("GET", f"/api/v1/trainings/{drill['id']}")
    got = {r["member_id"]: (r["mark"] or {}).get("status") for r in roll["roll"]}
    assert got == {
        members["member2"]["id"]: "present",
        members["member3"]["id"]: "absent",
        members["member4"]["id"]: None,
    }
    assert roll["counts"] == {"expected": 3, "present": 1, "late": 0, "absent": 1, "unmarked": 1}
    span = f"from={(now - timedelta(days=1)).date()}&to={(now + timedelta(days=1)).date()}"
    hours = captain_api("GET", f"/api/v1/members/{members['member2']['id']}/training-hours?{span}")
    assert hours["hours"] == "2.5"

    # Opened again online: nothing more is sent, and the server holds the same.
    posts = len(sync_posts)
    phone.reload()
    expect(phone.get_by_role("heading", name="点名")).to_be_visible()
    expect(phone.locator("#roll-counts")).to_have_text(re.compile("到 1 · 缺 1"))
    phone.wait_for_timeout(1500)
    assert len(sync_posts) == posts
    assert _marks(server["db"]) == after
