"""The captain plans a drill from his phone (390x844): the form says what is missing, keeps its
draft through a reload, cannot be saved without signal (and says why), and once saved the drill is
in the list and on the roll with the members he ticked. On the roll, with no signal, he scans
badges from photos: a code that is no badge and a member who is not expected are said in words and
mark no one; a teammate's badge marks him 到 (method badge), a second scan adds nothing, and the
mark reaches the server once when the signal returns. Cancelling asks first, and 不取消 keeps it."""

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import segno
from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll

TITLE = f"绳索救援技能训练 {uuid.uuid4().hex[:4]}"


def _qr_png(tmp_path, text, name):
    path = tmp_path / f"{name}.png"
    segno.make_qr(text, error="m").save(str(path), scale=8, border=4)
    return path


def _badge_ops(db_file, _training_id=None):
    """(training.attend ops taken, marks kept): the whole server's, as the roll test counts them."""
    con = sqlite3.connect(db_file)
    try:
        ops = con.execute("SELECT count(*) FROM sync_ops WHERE type = 'training.attend'").fetchone()[0]
        marks = con.execute("SELECT count(*) FROM training_attendance").fetchone()[0]
        return ops, marks
    finally:
        con.close()


def _badge_from_members_phone(phone, server, tmp_path, screens):
    """member2 opens 我的队员证 on his own phone: the QR there is what the captain scans."""
    context = phone.context.browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_label("用户名").fill("member2")
        page.get_by_label("密码").fill("demo12345")
        page.get_by_role("button", name="登录").click()
        page.locator('[data-tile="badge"]').click()
        expect(page.get_by_role("heading", name="我的队员证")).to_be_visible()
        qr = page.locator("#badge-qr")
        expect(qr).to_be_visible()
        page.wait_for_function("document.querySelector('#badge-qr').complete")
        close_toasts(page)
        screens(page, "training-plan-06-members-badge")
        path = tmp_path / "badge-shown.png"
        qr.screenshot(path=str(path))
        return path
    finally:
        context.close()


def _mine(captain_api, team_id):
    items = captain_api("GET", f"/api/v1/teams/{team_id}/trainings?limit=100")["items"]
    return [t for t in items if t["title"] == TITLE]


def test_the_captain_plans_a_drill_scans_badges_offline_and_cancel_asks_first(
    phone, server, screens, tmp_path
):
    base = server["base"]
    captain_api = api(base, "captain1")
    me = captain_api("GET", "/api/v1/me")
    team = captain_api("GET", f"/api/v1/members?team_id={me['team_id']}&limit=200")["items"]
    by_name = {m["username"]: m for m in team}
    left_out = by_name["member6"]
    expected = [m for m in team if m["id"] != left_out["id"]]
    tomorrow = (datetime.now(UTC) + timedelta(hours=8) + timedelta(days=1)).date().isoformat()

    phone.goto("/")
    phone.get_by_label("用户名").fill("captain1")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    phone.locator('[data-tile="trainings"]').click()
    expect(phone.get_by_role("heading", name="培训与演练")).to_be_visible()
    phone.get_by_role("button", name="新建培训").click()
    expect(phone.get_by_role("heading", name="新建培训")).to_be_visible()

    # Nothing filled: each field says what it needs, and nothing is sent.
    phone.get_by_role("button", name="保存培训计划").click()
    expect(phone.locator("#plan-err-kind")).to_have_text("请填写「类别」。")
    expect(phone.locator("#plan-err-title")).to_have_text("请填写「主题」。")
    expect(phone.locator("#plan-err-day")).to_have_text("请填写「日期」。")
    assert _mine(captain_api, me["team_id"]) == []

    for kind in ("理论", "体能", "技能", "模拟演练"):
        box = phone.get_by_role("button", name=kind, exact=True).bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48, (kind, box)
    phone.get_by_role("button", name="技能", exact=True).click()
    expect(phone.get_by_role("button", name="技能", exact=True)).to_have_attribute("aria-pressed", "true")
    phone.get_by_label("主题").fill(TITLE)
    phone.get_by_label("地点").fill("城东村村部广场")
    phone.get_by_label("日期").fill(tomorrow)
    phone.get_by_label("开始时间").fill("09:00")
    phone.get_by_label("结束时间").fill("08:00")
    phone.get_by_role("button", name="保存培训计划").click()
    expect(phone.locator("#plan-err-end")).to_have_text("结束时间要晚于开始时间。")
    phone.get_by_label("结束时间").fill("11:30")
    # The hours follow the times.
    expect(phone.get_by_label("计划学时（小时）")).to_have_value("2.5")
    # Every member is ticked until one is changed.
    boxes = phone.locator("#plan-members input[type=checkbox]")
    expect(boxes).to_have_count(len(team))
    expect(phone.locator("#plan-members-count")).to_have_text(f"已选 {len(team)} 人，共 {len(team)} 人")
    phone.locator(f'#plan-members input[data-member="{left_out["id"]}"]').uncheck()
    expect(phone.locator("#plan-members-count")).to_have_text(f"已选 {len(expected)} 人，共 {len(team)} 人")
    expect(phone.locator("#plan-draft")).to_contain_text("草稿已保存")

    # The app is closed half-way: the draft comes back, tick included.
    phone.reload()
    expect(phone.locator("#plan-restored")).to_contain_text("已恢复")
    expect(phone.get_by_label("主题")).to_have_value(TITLE)
    expect(phone.get_by_role("button", name="技能", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(phone.locator(f'#plan-members input[data-member="{left_out["id"]}"]')).not_to_be_checked()
    expect(phone.locator("#plan-members-count")).to_have_text(f"已选 {len(expected)} 人，共 {len(team)} 人")

    # No signal: the button is disabled and says why; the draft stays.
    phone.context.set_offline(True)
    expect(phone.locator("#plan-offline")).to_be_visible()
    expect(phone.locator("#plan-offline")).to_contain_text("要联网才能保存")
    expect(phone.get_by_role("button", name="保存培训计划")).to_be_disabled()
    close_toasts(phone)
    no_sideways_scroll(phone)
    screens(phone, "training-plan-01-form-offline")
    phone.context.set_offline(False)
    expect(phone.get_by_role("button", name="保存培训计划")).to_be_enabled()
    phone.get_by_role("button", name="保存培训计划").click()

    # Saved once: its roll opens with the members ticked.
    expect(phone.get_by_role("heading", name="点名")).to_be_visible()
    mine = _mine(captain_api, me["team_id"])
    assert len(mine) == 1, mine
    drill = mine[0]
    assert (
        drill["kind"] == "skills" and drill["place"] == "城东村村部广场" and drill["planned_hours"] == "2.5"
    )
    assert sorted(drill["member_ids"]) == sorted(m["id"] for m in expected)
    assert datetime.fromisoformat(drill["starts_at"]) == datetime.fromisoformat(f"{tomorrow}T09:00:00+08:00")
    expect(phone.locator(".tr-row")).to_have_count(len(expected))
    expect(phone.locator(f'.tr-row[data-member="{left_out["id"]}"]')).to_have_count(0)
    expect(phone.locator("#roll-counts")).to_have_text(
        f"应到 {len(expected)} 人 · 到 0 · 缺 0 · 未点 {len(expected)}"
    )

    phone.go_back()
    expect(phone.get_by_role("heading", name="培训与演练")).to_be_visible()
    card = phone.locator(f'[data-training="{drill["id"]}"]')
    expect(card).to_contain_text("技能")
    expect(card).to_contain_text(TITLE)
    close_toasts(phone)
    screens(phone, "training-plan-02-list")
    card.click()
    expect(phone.get_by_role("heading", name="点名")).to_be_visible()
    expect(phone.locator(".tr-row")).to_have_count(len(expected))

    # The badge scanner, with no signal.
    before = _badge_ops(server["db"], drill["id"])
    phone.context.set_offline(True)
    expect(phone.locator("#roll-plan-note")).to_contain_text("修改和取消培训要联网")
    expect(phone.get_by_role("button", name="取消这次培训")).to_be_disabled()
    scan = phone.get_by_role("button", name="扫描队员证")
    box = scan.bounding_box()
    assert box["height"] >= 48, box
    scan.click()
    dialog = phone.locator(".scan-dialog")
    expect(dialog.get_by_role("heading", name="扫描队员证点名")).to_be_visible()
    expect(dialog.locator("#scan-status")).to_contain_text("请拍一张队员证的照片", timeout=10000)
    screens(phone, "training-plan-03-scanner")
    phone.set_input_files("#kiosk-photo", str(_qr_png(tmp_path, "https://example.org/not-a-badge", "text")))
    expect(dialog.locator("#scan-problem")).to_have_text(
        "这个二维码不是队员证。请扫队员证上的二维码。", timeout=10000
    )
    phone.set_input_files("#kiosk-photo", str(_qr_png(tmp_path, f"member:{left_out['id']}", "left-out")))
    expect(dialog.locator("#scan-problem")).to_have_text(
        "这名队员不在这次培训的应到名单里，没有点名。", timeout=10000
    )
    expect(phone.locator(".pending")).to_be_hidden()
    member2 = by_name["member2"]
    # member2 shows his own badge (我的队员证) on his phone; the captain photographs it.
    badge_png = _badge_from_members_phone(phone, server, tmp_path, screens)
    phone.set_input_files("#kiosk-photo", str(badge_png))
    expect(dialog).to_be_hidden(timeout=10000)
    row = phone.locator(f'.tr-row[data-member="{member2["id"]}"]')
    expect(row).to_have_attribute("data-mark", "present")
    expect(row).to_contain_text("已存本机，待发送")
    expect(phone.locator("#roll-scan-result")).to_contain_text("已记「到」")
    # The same badge again (a bare id this time): nothing more is queued.
    scan.click()
    phone.set_input_files("#kiosk-photo", str(_qr_png(tmp_path, member2["id"], "member2-bare")))
    expect(dialog).to_be_hidden(timeout=10000)
    expect(phone.locator("#roll-scan-result")).to_contain_text("已经是「到」")
    expect(phone.locator(".pending")).to_have_text("1 条待发送")
    close_toasts(phone)
    no_sideways_scroll(phone)
    screens(phone, "training-plan-04-roll-scanned-offline")
    assert _badge_ops(server["db"], drill["id"]) == before

    # The signal returns: the mark lands once, as a badge's.
    phone.context.set_offline(False)
    expect(phone.locator(".pending")).to_be_hidden(timeout=20000)
    expect(row).to_contain_text("已发送")
    roll = captain_api("GET", f"/api/v1/trainings/{drill['id']}")
    marks = {r["member_id"]: r["mark"] for r in roll["roll"] if r["mark"]}
    assert list(marks) == [member2["id"]]
    assert marks[member2["id"]]["status"] == "present" and marks[member2["id"]]["method"] == "badge"
    ops, rows = _badge_ops(server["db"], drill["id"])
    assert (ops, rows) == (before[0] + 1, before[1] + 1)

    # A change to the plan: the form opens with the drill as it stands; the place is changed.
    phone.get_by_role("button", name="修改培训计划").click()
    expect(phone.get_by_role("heading", name="修改培训")).to_be_visible()
    expect(phone.get_by_label("地点")).to_have_value("城东村村部广场")
    expect(phone.get_by_label("开始时间")).to_have_value("09:00")
    expect(phone.locator("#plan-members-count")).to_have_text(f"已选 {len(expected)} 人，共 {len(team)} 人")
    phone.get_by_label("地点").fill("城东村小学操场")
    phone.get_by_role("button", name="保存修改").click()
    expect(phone.get_by_role("heading", name="点名")).to_be_visible()
    expect(phone.locator("#roll-facts")).to_contain_text("城东村小学操场")
    changed = captain_api("GET", f"/api/v1/trainings/{drill['id']}")
    assert changed["place"] == "城东村小学操场" and sorted(changed["member_ids"]) == sorted(
        drill["member_ids"]
    )
    assert len(_mine(captain_api, me["team_id"])) == 1

    # Cancelling asks first; 不取消 keeps the drill.
    cancel = phone.get_by_role("button", name="取消这次培训")
    expect(cancel).to_be_enabled()
    cancel.click()
    confirm = phone.locator(".confirm-dialog").filter(has_text="确定取消这次培训？")
    expect(confirm).to_be_visible()
    screens(phone, "training-plan-05-cancel-asks")
    confirm.get_by_role("button", name="不取消").click()
    expect(confirm).to_be_hidden()
    assert captain_api("GET", f"/api/v1/trainings/{drill['id']}")["status"] == "planned"
    cancel.click()
    confirm.get_by_role("button", name="确定取消培训").click()
    expect(phone.locator("#roll-cancelled")).to_be_visible()
    expect(phone.get_by_role("button", name="扫描队员证")).to_be_hidden()
    assert captain_api("GET", f"/api/v1/trainings/{drill['id']}")["status"] == "cancelled"
