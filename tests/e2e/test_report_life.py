"""A hazard's life from the phones, at 390x844: an information officer files it with no signal and
it syncs; the duty officer verifies it (a risk colour with its word) and assigns it to a member;
the member, offline, starts and rectifies it with an after-photo (its time and GPS point), and it
reaches the server exactly once; the duty officer closes it (asked first). And a step queued
offline that someone else made impossible meanwhile comes back refused, in words."""

import io
import re
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import expect

from .conftest import PHONE
from .helpers import api, close_toasts, no_sideways_scroll
from .test_report_timeline import _upload_photo
from .test_sizes import CHECK

FINE = {"small": [], "tiny": [], "sideways": False}

GPS = {"latitude": 25.0561, "longitude": 116.4421, "accuracy": 9}
DESCRIPTION = "村后小溪边的挡土墙开裂，雨后向外鼓出。"
SHOTS = Path("/tmp/shots")


def _phone(browser, server):
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.grant_permissions(["geolocation"], origin=server["base"])
    context.set_geolocation(GPS)
    return context.new_page()


def _login(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_be_visible()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)


def _jpeg(tmp_path) -> Path:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (70, 110, 150)).save(out, "JPEG")
    path = tmp_path / "after.jpg"
    path.write_bytes(out.getvalue())
    return path


def _steps(db_file, report_id):
    con = sqlite3.connect(db_file)
    try:
        return con.execute(
            "SELECT kind, (SELECT count(*) FROM report_step_media m WHERE m.step_id = s.id) "
            "FROM report_steps s WHERE replace(report_id, '-', '') = ? ORDER BY seq",
            (report_id.replace("-", ""),),
        ).fetchall()
    finally:
        con.close()


def _shot(page, name, at="#rd-tl-head"):
    """What the phone shows (a full-page capture would draw the sticky bar mid-page), from `at`
    down, once the step buttons that just appeared are armed (they are dimmed for a moment)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(800)
    page.locator(at).evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - 70)")
    page.screenshot(path=str(SHOTS / name))


def test_a_hazard_goes_from_an_offline_report_to_closed_through_the_phones(browser, server, tmp_path):
    base = server["base"]
    duty_api = api(base, "duty")

    # 1. The information officer, no signal, files it; the signal comes back and it syncs.
    officer = _phone(browser, server)
    _login(officer, "officer1")
    officer.context.set_offline(True)
    officer.get_by_role("button", name="上报隐患").click()
    officer.get_by_text("地质灾害（滑坡）", exact=True).click()
    officer.get_by_label("情况描述").fill(DESCRIPTION)
    expect(officer.locator("#report-location")).to_contain_text("25.05610")
    officer.get_by_role("button", name="上报", exact=True).click()
    card = officer.locator(".card").filter(has_text=DESCRIPTION)
    expect(card).to_contain_text("已存本机，待发送")
    officer.context.set_offline(False)
    expect(card).to_contain_text("已发送", timeout=20000)
    report_id = card.get_attribute("data-id")
    mine = [r for r in duty_api("GET", "/api/v1/reports?limit=50")["items"] if r["id"] == report_id]
    assert len(mine) == 1 and mine[0]["status"] == "reported"

    # 2. The duty officer finds it among the area's reports, verifies it (red, 重大) and assigns it.
    desk = _phone(browser, server)
    _login(desk, "duty")
    desk.goto("/reports")
    desk.locator("#area-reports .card").filter(has_text=DESCRIPTION).locator(".card-open").click()
    expect(desk.get_by_role("heading", name="处理经过")).to_be_visible()
    expect(desk.locator("#life-buttons button")).to_have_text(["核实并定风险等级", "不予采纳"])
    desk.get_by_role("button", name="核实并定风险等级", exact=True).click()
    form = desk.locator("#step-form-verify")
    # Four big buttons, each with its word beside its colour.
    expect(form.locator(".sev-pick .chip-face")).to_have_text(["重大", "较大", "一般", "低"])
    expect(form.locator(".sev-pick .swatch")).to_have_count(4)
    # Sending without a colour is refused on the phone, under the field, and nothing is queued.
    form.get_by_role("button", name="确认核实").click()
    expect(form.locator("#err-step-severity")).to_have_text("请选一个风险等级。")
    form.get_by_text("重大", exact=True).click()
    form.get_by_label("说明（可不填）").fill("现场核实属实")
    no_sideways_scroll(desk)
    _shot(desk, "verify-form-390.png", at="#step-form-verify")
    assert desk.evaluate(CHECK) == FINE
    form.get_by_role("button", name="确认核实").click()
    expect(desk.locator("#rd-timeline .tl-step[data-kind=verify]")).to_contain_text("核实：重大")
    expect(desk.locator("#rd-timeline .tl-phone")).to_have_count(0, timeout=20000)
    expect(desk.locator("#rd-server-state")).to_contain_text("已核实")
    expect(desk.locator(".rd-details .sev-word")).to_contain_text("重大")

    desk.get_by_role("button", name="交办", exact=True).click()
    form = desk.locator("#step-form-assign")
    form.get_by_label("责任单位").fill("临城镇国土所")
    person = form.get_by_label("责任人")
    expect(person.locator("option").filter(has_text="救援队员")).not_to_have_count(0)
    member1 = next(
        u for u in duty_api("GET", "/api/v1/users?limit=200")["items"] if u["username"] == "member1"
    )
    person.select_option(member1["id"])
    assert desk.evaluate(CHECK) == FINE
    form.get_by_role("button", name="确认交办").click()
    expect(desk.locator("#rd-server-state")).to_contain_text("已派人处理", timeout=20000)
    assign = desk.locator("#rd-timeline .tl-step[data-kind=assign]")
    expect(assign).to_contain_text("临城镇国土所")
    expect(assign).to_contain_text(member1["display_name"])
    # The desk does not fix it itself here: only "assign again" and "start for them" are offered.
    expect(desk.locator("#life-buttons button")).to_have_text(["交办", "开始整改"])

    # 3. The assignee finds it among their reports, loses the signal, starts and rectifies it.
    worker = _phone(browser, server)
    _login(worker, "member1")
    worker.goto("/reports")
    mine_card = worker.locator(".card").filter(has_text=DESCRIPTION)
    expect(mine_card).to_contain_text("交给我整改", timeout=20000)
    expect(mine_card).to_contain_text("重大")
    mine_card.locator(".card-open").click()
    expect(worker.locator("#rd-server-state")).to_contain_text("已派人处理")
    expect(worker.locator("#rd-timeline .tl-step")).to_have_count(3)
    worker.context.set_offline(True)
    # Every POST to the sync door that reached it from now on (tries that fail for want of a
    # signal are fine: none may arrive while there is none).
    posts = []
    worker.context.on(
        "requestfinished",
        lambda r: posts.append(r) if r.method == "POST" and r.url.endswith("/api/v1/sync") else None,
    )
    worker.reload()  # the detail opens from the phone's memory, timeline included
    expect(worker.locator("#rd-timeline .tl-step")).to_have_count(3)
    expect(worker.locator("#rd-timeline .tl-cached")).to_be_visible()
    worker.get_by_role("button", name="开始整改", exact=True).click()
    worker.locator("#step-form-start").get_by_role("button", name="确认开始整改").dblclick()
    start = worker.locator("#rd-timeline .tl-phone[data-kind=start]")
    expect(start).to_have_count(1)
    expect(start).to_contain_text("已存本机，待发送")

    worker.get_by_role("button", name="整改完成，拍照上报", exact=True).click()
    form = worker.locator("#step-form-rectify")
    form.get_by_role("button", name="提交整改结果").click()
    expect(form.locator("#err-step-photo")).to_have_text("至少要一张整改后照片。")
    with worker.expect_file_chooser() as chooser:
        form.get_by_text("拍整改后照片").click()
    chooser.value.set_files(str(_jpeg(tmp_path)))
    expect(form.locator("#step-photos img")).to_have_count(1)
    expect(form.locator("#step-photo-status")).to_contain_text("25.05610, 116.44210")
    form.get_by_label("说明（可不填）").fill("已加固挡土墙")
    assert worker.evaluate(CHECK) == FINE
    # The app is killed half-way (a call comes in): the form comes back as it was, photo and all.
    worker.wait_for_timeout(400)
    worker.reload()
    form = worker.locator("#step-form-rectify")
    expect(form.locator("#step-photos img")).to_have_count(1)
    expect(form.get_by_label("说明（可不填）")).to_have_value("已加固挡土墙")
    form.get_by_role("button", name="提交整改结果").click()
    rectify = worker.locator("#rd-timeline .tl-phone[data-kind=rectify]")
    expect(rectify).to_contain_text("已存本机，待发送")
    expect(rectify).to_contain_text("照片 1 张")
    expect(worker.locator(".pending")).to_have_text("2 条待发送")
    assert posts == []
    assert [k for k, _ in _steps(server["db"], report_id)] == ["verify", "assign"]
    close_toasts(worker)
    no_sideways_scroll(worker)
    _shot(worker, "rectify-offline-390.png")

    # The signal returns: both steps go once, with the photo; the timeline is the server's again.
    worker.context.set_offline(False)
    expect(worker.locator(".pending")).to_be_hidden(timeout=20000)
    expect(worker.locator("#rd-server-state")).to_contain_text("已整改", timeout=20000)
    expect(worker.locator("#rd-timeline .tl-phone")).to_have_count(0)
    steps = _steps(server["db"], report_id)
    assert steps == [("verify", 0), ("assign", 0), ("start", 0), ("rectify", 1)]
    detail = duty_api("GET", f"/api/v1/reports/{report_id}")
    (rect,) = [s for s in detail["steps"] if s["kind"] == "rectify"]
    assert abs(rect["photos"][0]["location"]["lat"] - GPS["latitude"]) < 1e-6
    assert rect["photos"][0]["taken_at"]
    # A second sync with nothing new changes nothing.
    worker.reload()
    expect(worker.locator("#rd-server-state")).to_contain_text("已整改")
    worker.wait_for_timeout(1000)
    assert _steps(server["db"], report_id) == steps
    # The one who fixed it is offered no way to close it.
    expect(worker.get_by_role("button", name="复核销号", exact=True)).to_have_count(0)

    # 4. The duty officer closes it, asked first.
    desk.reload()
    expect(desk.locator("#rd-server-state")).to_contain_text("已整改")
    desk.get_by_role("button", name="复核销号", exact=True).click()
    desk.locator("#step-form-close").get_by_role("button", name="确认销号").click()
    dialog = desk.locator("dialog.confirm-dialog")
    expect(dialog).to_contain_text("确认销号？")
    dialog.get_by_role("button", name="取消").click()
    assert [k for k, _ in _steps(server["db"], report_id)][-1] == "rectify"
    desk.locator("#step-form-close").get_by_role("button", name="确认销号").click()
    desk.wait_for_timeout(800)  # the dialog's confirm is inert for a moment after it opens
    dialog.get_by_role("button", name="确认销号").click()
    expect(desk.locator("#rd-server-state")).to_contain_text("已办结", timeout=20000)
    kinds = desk.locator("#rd-timeline .tl-step")
    expect(kinds).to_have_count(6)
    assert [kinds.nth(i).get_attribute("data-kind") for i in range(6)] == [
        "report",
        "verify",
        "assign",
        "start",
        "rectify",
        "close",
    ]
    expect(desk.locator("#life-buttons button")).to_have_text(["重新打开"])
    close_toasts(desk)
    no_sideways_scroll(desk)
    _shot(desk, "timeline-390.png")
    assert [k for k, _ in _steps(server["db"], report_id)] == [
        "verify",
        "assign",
        "start",
        "rectify",
        "close",
    ]
    for page in (officer, desk, worker):
        page.context.close()


def test_a_step_made_impossible_meanwhile_comes_back_refused_in_words(browser, server):
    base = server["base"]
    officer, town, worker = (api(base, u) for u in ("officer1", "town1", "member2"))
    users = {u["username"]: u["id"] for u in town("GET", "/api/v1/users?limit=200")["items"]}
    report_id = str(uuid.uuid4())
    officer(
        "POST",
        "/api/v1/reports",
        {
            "id": report_id,
            "category": "flood",
            "description": "桥下涵洞堵塞",
            "location": {"lat": 25.05, "lon": 116.42},
        },
    )
    path = f"/api/v1/reports/{report_id}"
    town("POST", f"{path}/verify", {"severity": "orange"})
    deadline = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    town("POST", f"{path}/assign", {"assignee_id": users["member2"], "deadline_at": deadline})
    worker("POST", f"{path}/start", {})
    photo = {
        "media_id": _upload_photo(base, "member2"),
        "taken_at": datetime.now(UTC).isoformat(),
        "location": {"lat": 25.05, "lon": 116.42},
    }
    worker("POST", f"{path}/rectify", {"photos": [photo]})

    # The county desk reads it, loses the signal, and sends it back (assigns it again) offline.
    desk = _phone(browser, server)
    _login(desk, "duty")
    desk.goto(f"/reports/{report_id}")
    expect(desk.locator("#rd-server-state")).to_contain_text("已整改")
    expect(desk.locator(".rd-details .sev-word")).to_contain_text("较大")
    desk.context.set_offline(True)
    desk.get_by_role("button", name="交办", exact=True).click()
    form = desk.locator("#step-form-assign")
    expect(form.locator("#step-person-hint")).to_have_text(re.compile("离线时选不了人|^$"))
    form.get_by_label("责任单位").fill("县水利局")
    # The smallest phones too: nothing scrolls sideways, every target and text still its size.
    desk.set_viewport_size({"width": 320, "height": 568})
    assert desk.evaluate(CHECK) == FINE
    _shot(desk, "assign-form-320.png", at="#step-form-assign")
    desk.set_viewport_size(PHONE)
    form.get_by_role("button", name="确认交办").click()
    queued = desk.locator("#rd-timeline .tl-phone[data-kind=assign]")
    expect(queued).to_contain_text("已存本机，待发送")

    # Meanwhile the township desk closes it.
    town("POST", f"{path}/close", {"comment": "复核合格"})

    desk.context.set_offline(False)
    expect(queued).to_contain_text("被退回", timeout=20000)
    refusal = queued.locator(".refusal")
    expect(refusal).to_have_attribute("data-problem", "report-state")
    expect(refusal).to_contain_text("有人已经先处理了这条隐患")
    expect(refusal).to_contain_text("复核销号")
    expect(refusal).to_contain_text("现在是「已办结」")
    # The record is refreshed from the problem: the server's state and its close step show.
    expect(desk.locator("#rd-server-state")).to_contain_text("已办结")
    expect(desk.locator("#rd-timeline .tl-step[data-kind=close]")).to_have_count(1)
    expect(desk.locator("#life-buttons button")).to_have_text(["重新打开"])
    # Nothing was written by the refused step.
    assert [s["kind"] for s in town("GET", path)["steps"]] == [
        "verify",
        "assign",
        "start",
        "rectify",
        "close",
    ]
    close_toasts(desk)
    no_sideways_scroll(desk)
    _shot(desk, "refused-390.png", at="#rd-timeline .tl-step[data-kind=close]")
    assert desk.evaluate(CHECK) == FINE
    desk.set_viewport_size({"width": 320, "height": 568})
    assert desk.evaluate(CHECK) == FINE
    _shot(desk, "refused-320.png", at="#rd-timeline .tl-phone")
    desk.set_viewport_size(PHONE)
    desk.get_by_role("button", name="知道了，移除").click()
    expect(desk.locator("#rd-timeline .tl-phone")).to_have_count(0)
    desk.context.close()
