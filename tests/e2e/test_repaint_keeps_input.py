"""A screen that draws again while it is open (the data changed, a list or the server's copy came
in late, a save elsewhere on the screen) keeps what the person tapped and typed, and the keyboard
with it. One test per screen where the audit found input lost; each fails on the screen as it was.

See tests/e2e/test_equipment.py for the 本队装备 step, the first screen fixed this way."""

import re
import uuid

from playwright.sync_api import expect

from .helpers import api, close_toasts


def _login(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()


def _repaint(page):
    """Says "the data changed" as another tab or the service worker would, and lets the screen
    repaint (each listener reads the outbox first)."""
    page.evaluate("new BroadcastChannel('yjt-data').postMessage({ type: 'changed' })")
    page.wait_for_timeout(500)


def _hold(page, pattern):
    """Holds the answers to `pattern` until released: the slow answer of a phone with one bar.
    Returns release(), which lets them through and stops holding."""
    held = []
    page.route(pattern, lambda route: held.append(route))

    def release():
        page.wait_for_timeout(300)
        assert held, f"nothing asked for {pattern}"
        for route in held:
            route.continue_()
        page.unroute(pattern)

    return release


def test_disaster_figures_typed_before_the_event_arrives_stay(phone, server, shot):
    """The officer opens the form for a follow-up (续报) with one bar of signal: the figures are
    empty until the event (and the village's last report) comes, and she starts typing. When it
    comes, the figures she typed stay, the ones she did not type are prefilled from the last
    report, and the keyboard stays where it was. The old form replaced her 120 with the last
    report's 100: a wrong number sent to the county."""
    duty = api(server["base"], "duty")
    name = f"重绘测试洪水{uuid.uuid4().hex[:4]}"
    event = duty("POST", "/api/v1/disaster-events", {"kind": "flood", "name": name, "region_ids": [2]})
    officer = api(server["base"], "officer1")
    counts = ("affected", "dead", "missing", "injured", "evacuated", "resettled")
    houses = ("houses_collapsed", "houses_severe", "houses_light")
    initial = {f: 0 for f in counts + houses}
    initial.update({"crops_affected_ha": "0", "crops_lost_ha": "0", "loss_10k_yuan": "0"})
    initial.update({"id": str(uuid.uuid4()), "kind": "initial", "affected": 100, "evacuated": 40})
    officer("POST", f"/api/v1/disaster-events/{event['id']}/reports", initial)

    _login(phone, "officer1")
    expect(phone.get_by_text(re.compile("灾害信息员"))).to_be_visible()
    release = _hold(phone, f"**/api/v1/disaster-events/{event['id']}")
    phone.goto(f"/disasters/{event['id']}")
    expect(phone.get_by_role("heading", name="报送灾情")).to_be_visible()
    note = phone.get_by_label("情况说明（选填）")
    note.fill("水位仍在上涨")
    affected = phone.get_by_label("受灾人口（人）")
    affected.fill("120")
    affected.focus()

    release()
    expect(phone.locator(".hint").filter(has_text=name)).to_be_visible()
    phone.wait_for_timeout(500)
    expect(affected).to_have_value("120")
    expect(affected).to_be_focused()
    expect(note).to_have_value("水位仍在上涨")
    # What she did not type comes from the last report, and the kind is the follow-up.
    expect(phone.get_by_label("紧急转移（人）")).to_have_value("40")
    expect(phone.locator("#dz-form-kind")).to_have_text("续报")

    # A repaint (a sync finishing) leaves it all as it is too.
    _repaint(phone)
    expect(affected).to_have_value("120")
    expect(affected).to_be_focused()
    close_toasts(phone)
    shot(phone, "repaint-disaster-typed-kept")


def test_insurance_form_being_typed_outlives_another_members_save(phone, server, shot):
    """The captain opens 添加保单 for two members, saves the first, and goes on typing in the
    second while the save is on its way (one bar of signal). The save's answer reads the list
    again: the second form keeps what was typed and the keyboard. The old screen drew every card
    afresh and the half-typed policy was gone."""
    captain = api(server["base"], "captain1")
    team_id = captain("GET", "/api/v1/me")["team_id"]
    members = captain("GET", f"/api/v1/members?team_id={team_id}&limit=200")["items"]
    assert len(members) >= 2
    a, b = members[0]["id"], members[1]["id"]

    _login(phone, "captain1")
    expect(phone.get_by_text(re.compile("队长")).first).to_be_visible()
    phone.goto(f"/teams/{team_id}/insurance")
    card_a = phone.locator(f'.ins-member[data-member="{a}"]')
    card_b = phone.locator(f'.ins-member[data-member="{b}"]')
    card_b.locator(".ins-add").click()
    b_insurer = phone.locator(f"#ins-{b}-insurer")
    b_insurer.fill("中国平安")
    card_a.locator(".ins-add").click()
    phone.locator(f"#ins-{a}-insurer").fill("中国人寿")
    phone.locator(f"#ins-{a}-number").fill(f"RP-{uuid.uuid4().hex[:8]}")
    phone.locator(f"#ins-{a}-cover_yuan").fill("500000")
    phone.locator(f"#ins-{a}-starts_on").fill("2026-01-01")
    phone.locator(f"#ins-{a}-ends_on").fill("2027-12-31")

    release = _hold(phone, f"**/api/v1/members/{a}/insurance")
    card_a.locator(".ins-save").click()
    b_insurer.focus()
    b_insurer.press_sequentially("财险")
    release()
    expect(card_a.locator(".ins-form")).to_have_count(0, timeout=10000)
    phone.wait_for_timeout(500)
    expect(card_b.locator(".ins-form")).to_be_visible()
    expect(b_insurer).to_have_value("中国平安财险")
    expect(b_insurer).to_be_focused()
    close_toasts(phone)
    shot(phone, "repaint-insurance-other-form-kept")


def test_admin_team_add_pick_outlives_another_members_change(phone, server, shot):
    """On a team's page the admin picks who to add (人员, 队内职务), then changes another member's
    role first. The page reads the team again after the change: the pick stays. The old page drew
    the add box afresh, back to 请选择 and 队员, and 加入队员 then said to pick someone."""
    admin = api(server["base"], "admin")
    team_id = api(server["base"], "captain1")("GET", "/api/v1/me")["team_id"]
    members = admin("GET", f"/api/v1/members?team_id={team_id}&limit=200")["items"]
    other = next(m for m in members if m.get("team_role") == "member")

    _login(phone, "admin")
    expect(phone.get_by_text("人员与队伍", exact=True)).to_be_visible()
    phone.goto(f"/admin/teams/{team_id}")
    who = phone.locator("#adm-add-who")
    expect(who.locator("option").nth(1)).to_be_attached()
    picked = who.locator("option").nth(1).get_attribute("value")
    who.select_option(picked)
    phone.locator("#adm-add-role").select_option("vice_captain")

    try:
        phone.locator(f"#adm-m-role-{other['id']}").select_option("vice_captain")
        expect(phone.locator(".toast").filter(has_text="现为副队长")).to_be_visible()
        phone.wait_for_timeout(800)  # the team read again, the page drawn again
        expect(phone.locator(f"#adm-m-role-{other['id']}")).to_have_value("vice_captain")
        expect(who).to_have_value(picked)
        expect(phone.locator("#adm-add-role")).to_have_value("vice_captain")
    finally:
        admin("PATCH", f"/api/v1/users/{other['id']}", {"team_role": "member"})
    close_toasts(phone)
    shot(phone, "repaint-admin-team-pick-kept")


def test_board_chase_pressed_across_a_refresh_still_chases(phone, server, shot):
    """The duty officer presses 再次通知 for a member who has not answered just as the board
    refreshes (every 5 s). The press still counts: the card under the finger was not changed, so
    it is not drawn again. The old board drew every card afresh on each refresh, and a press
    that spanned one did nothing at all."""
    desk = api(server["base"], "town1")
    team = api(server["base"], "captain1")("GET", "/api/v1/me")["team_id"]
    title = f"重绘测试催促{uuid.uuid4().hex[:4]}"
    body = {"title": title, "location": {"lat": 25.05, "lon": 116.43}, "team_ids": [team]}
    order = desk("POST", "/api/v1/dispatches", body)

    _login(phone, "town1")
    expect(phone.locator(".role-chip")).to_be_visible()
    phone.goto(f"/desk/{order['id']}")
    expect(phone.locator("#board-order-title")).to_have_text(title)
    button = phone.locator(".chase-btn").first
    expect(button).to_be_visible()
    expect(phone.locator("#board-updated")).to_contain_text("最近更新")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    updated = "(t) => document.querySelector('#board-updated').textContent !== t"
    # One refresh first (the first delivery news may change the card); then press across the next.
    phone.wait_for_function(updated, arg=phone.locator("#board-updated").inner_text(), timeout=12000)
    before = phone.locator("#board-updated").inner_text()
    phone.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    phone.mouse.down()
    phone.wait_for_function(updated, arg=before, timeout=12000)
    phone.wait_for_timeout(200)
    phone.mouse.up()
    expect(phone.locator(".toast")).to_be_visible(timeout=10000)
    expect(phone.locator(".chase-note").first).not_to_have_text("")
    shot(phone, "repaint-board-chase-counted")
    close_toasts(phone)


def test_map_layer_toggle_pressed_across_a_refresh_still_toggles(phone, server, shot):
    """On 一张图 the desk presses a layer's toggle just as the map refreshes (every 15 s). The
    press still counts: the toggles say the same as before, so they are not drawn again. The old
    legend drew every toggle afresh on each refresh, and a press that spanned one did nothing."""
    _login(phone, "town1")
    expect(phone.locator(".role-chip")).to_be_visible()
    phone.goto("/desk/map")
    status = phone.locator("#dm-status")
    expect(status).to_contain_text(re.compile(r"更新于 \d\d:\d\d:\d\d"))
    toggle = phone.locator(".dm-toggle").first
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.scroll_into_view_if_needed()
    box = toggle.bounding_box()
    before = status.inner_text()
    phone.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    phone.mouse.down()
    changed = "(t) => document.querySelector('#dm-status').innerText !== t"
    phone.wait_for_function(changed, arg=before, timeout=25000)
    phone.wait_for_timeout(200)
    phone.mouse.up()
    expect(phone.locator(".dm-toggle").first).to_have_attribute("aria-pressed", "false")
    shot(phone, "repaint-map-toggle-counted")
    # As it was, for the other tests: the hidden layers are kept on the phone.
    phone.locator(".dm-toggle").first.click()
    expect(phone.locator(".dm-toggle").first).to_have_attribute("aria-pressed", "true")


_SLOW_DRAFTS = """
(() => {
  // The phone's own copy of the form comes back late, as IndexedDB does on a cheap phone that
  // has just woken: each read of the drafts store answers after window.__draftsDelay ms.
  const get = IDBObjectStore.prototype.get;
  IDBObjectStore.prototype.get = function (key) {
    const req = get.call(this, key);
    const delay = this.name === "drafts" ? window.__draftsDelay || 0 : 0;
    if (delay) {
      const add = req.addEventListener.bind(req);
      req.addEventListener = (type, fn, opts) => add(type, (e) => setTimeout(() => fn(e), delay), opts);
    }
    return req;
  };
})();
"""


def test_report_typed_while_the_kept_draft_is_still_being_read_stays(phone, server, shot):
    """A member starts a report and puts the phone away (the draft is kept: a category, a few
    words). Later she opens the form again and starts typing at once, while the phone is still
    reading its kept copy. When the copy comes, what she typed stays (and the keyboard with it),
    and what she had kept and did not touch now comes back. The old form replaced her new words
    with the kept ones."""
    phone.context.add_init_script(_SLOW_DRAFTS)
    _login(phone, "member1")
    expect(phone.get_by_text(re.compile("救援队员"))).to_be_visible()
    phone.goto("/report")
    expect(phone.get_by_role("heading", name="上报隐患")).to_be_visible()
    phone.get_by_text("地质灾害（滑坡）", exact=True).click()
    phone.get_by_label("情况描述").fill("村后山坡有裂缝")
    phone.wait_for_timeout(600)  # the form keeps its draft 250 ms after the last change
    phone.goto("/")
    expect(phone.get_by_text(re.compile("救援队员"))).to_be_visible()

    phone.evaluate("window.__draftsDelay = 1500")
    phone.get_by_role("button", name="上报隐患").click()
    description = phone.get_by_label("情况描述")
    expect(description).to_be_visible()
    description.fill("裂缝变宽，有落石")
    description.focus()
    phone.get_by_text("较大", exact=True).click()
    description.focus()
    phone.wait_for_timeout(2000)  # the kept copy has come by now

    expect(phone.get_by_text("已恢复")).to_be_visible()
    expect(description).to_have_value("裂缝变宽，有落石")
    expect(description).to_be_focused()
    expect(phone.get_by_label("较大")).to_be_checked()
    # What she kept and did not touch comes back.
    expect(phone.get_by_label("地质灾害（滑坡）")).to_be_checked()
    shot(phone, "repaint-report-typed-while-draft-read")

    # And it is what the phone keeps now: a reload brings back the same.
    phone.evaluate("window.__draftsDelay = 0")
    phone.wait_for_timeout(600)
    phone.reload()
    expect(phone.get_by_label("情况描述")).to_have_value("裂缝变宽，有落石")
    expect(phone.get_by_label("较大")).to_be_checked()
    expect(phone.get_by_label("地质灾害（滑坡）")).to_be_checked()
