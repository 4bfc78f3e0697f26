"""队员档案 on a phone at 390x844: the captain opens his team, opens a member, edits the profile
(checked on the phone, the draft kept through a reload; a birth date making the member 46 shows
the age flag in words once saved), and moves the member one step after a confirm (a cancel
changes nothing); offline the kept profile shows with its time and the edit is disabled with its
reason. A teammate without rights sees the public part and no edit; the desk reaches the profile
from the admin's team page. The e2e server is shared by the session: the profile and the stage
are put back as they were."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from .conftest import PHONE
from .helpers import api, close_toasts, login, no_sideways_scroll, phone_context

PROFILE_FIELDS = ("birth_date", "education", "background", "skills", "certificates", "emergency_contact")
WHO = "member12"


def _today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _member(call):
    return next(m for m in call("GET", "/api/v1/members?limit=200")["items"] if m["username"] == WHO)


def _start_stage(captain, member_id) -> str:
    """in_training or assessed, which step into each other: the member can be put back."""
    stage = captain("GET", f"/api/v1/members/{member_id}/profile")["stage"]
    if stage is None:
        captain("POST", f"/api/v1/members/{member_id}/path", {"to": "in_training", "note": "e2e 起点"})
        stage = "in_training"
    assert stage in ("in_training", "assessed"), f"{WHO} stands at {stage}: cannot be put back"
    return stage


def test_the_captain_edits_a_members_profile_and_moves_them_one_step(browser, server, screens):
    base = server["base"]
    captain = api(base, "captain1")
    member = _member(captain)
    mid = member["id"]
    before = captain("GET", f"/api/v1/members/{mid}/profile")
    before_profile = {k: before.get(k) for k in PROFILE_FIELDS}
    start = _start_stage(captain, mid)
    target = "assessed" if start == "in_training" else "in_training"
    words = {"in_training": "培训中", "assessed": "已考核"}
    max_age = api(base, "admin")("GET", "/api/v1/teams/rules")["max_age"]
    assert max_age < 46, "the age flag needs the rules' highest age under 46"
    today = _today()
    born = date(today.year - 46, 1, 1)  # 46 whole years on any day of this year
    expires = today + timedelta(days=10)
    context = phone_context(browser, base)
    page = context.new_page()
    try:
        login(page, "captain1", "队长")
        page.locator('[data-tile="team"]').click()
        expect(page).to_have_url(f"{base}/team")
        link = page.locator(f'a.team-member[data-member="{mid}"]')
        expect(link).to_contain_text(member["display_name"])
        assert link.bounding_box()["height"] >= 48
        no_sideways_scroll(page)
        close_toasts(page)
        screens(page, "profile-team-members-390")
        link.click()
        expect(page).to_have_url(f"{base}/members/{mid}")
        expect(page.locator("#pf-name")).to_have_text(member["display_name"])
        expect(page.locator("#pf-stage dd")).to_have_text(words[start])
        expect(page.locator("#pf-personal")).to_be_visible()
        expect(page.locator("#pf-status")).to_contain_text("更新于")

        # 修改档案: checked on the phone first, nothing sent.
        # On a slow line the form waits for the profile: nothing can be typed into it that the
        # answer would then overwrite (the birth date typed first was lost so, now and then).
        def slow_profile(route):
            if route.request.method == "GET":
                page.wait_for_timeout(1500)
            route.continue_()

        page.route(f"**/api/v1/members/{mid}/profile", slow_profile)
        page.locator("#pf-edit").click()
        expect(page).to_have_url(f"{base}/members/{mid}/edit")
        expect(page.locator("#pff-loading")).to_be_visible()
        expect(page.locator("#pff-form")).to_be_hidden()
        expect(page.locator("#pff-birth")).to_be_visible(timeout=10000)
        expect(page.locator("#pff-loading")).to_be_hidden()
        page.unroute(f"**/api/v1/members/{mid}/profile")
        page.locator("#pff-birth").fill((today + timedelta(days=1)).isoformat())
        page.locator("#pff-contact-name").fill("林阿姨")
        page.locator("#pff-contact-phone").fill("12345")
        page.locator("#pff-save").click()
        expect(page.locator("#pff-err-birth_date")).to_have_text("出生日期不能晚于今天")
        expect(page.locator("#pff-err-contact_phone")).to_have_text(
            "请填 11 位手机号（1 开头，第二位 3 到 9）"
        )
        assert captain("GET", f"/api/v1/members/{mid}/profile")["birth_date"] == before["birth_date"]

        page.locator("#pff-birth").fill(born.isoformat())
        page.locator("#pff-contact-phone").fill("13900001234")
        page.locator("#pff-education label", has_text="初中").click()
        page.locator("#pff-background label", has_text="退役军人").click()
        page.locator("#pff-add-skill").click()
        page.locator("#pff-skill-0").fill("绳索救援")
        page.locator("#pff-add-cert").click()
        page.locator("#pff-cert-0-name").fill("红十字救护员证")
        page.locator("#pff-cert-0-expires_on").fill(expires.isoformat())
        # Everything typed is on the phone before the reload (the draft is written 300 ms after).
        expect(page.locator('#pff-draft[data-pending="false"]')).to_contain_text("草稿", timeout=5000)
        assert page.locator("#pff-education .chip-face").first.bounding_box()["height"] >= 48
        # The draft survives a reload.
        page.reload()
        expect(page.locator("#pff-restored")).to_contain_text("已恢复")
        expect(page.locator("#pff-birth")).to_have_value(born.isoformat())
        expect(page.locator("#pff-cert-0-name")).to_have_value("红十字救护员证")
        expect(page.locator("#pff-contact-phone")).to_have_value("13900001234")
        no_sideways_scroll(page)
        close_toasts(page)
        screens(page, "profile-edit-390")
        page.set_viewport_size({"width": 320, "height": 568})
        no_sideways_scroll(page)
        screens(page, "profile-edit-320")
        page.set_viewport_size(PHONE)

        page.locator("#pff-save").click()
        expect(page).to_have_url(f"{base}/members/{mid}")
        age_flag = page.locator('#pf-flags [data-rule="age"]')
        expect(age_flag).to_have_text(f"不符合：年龄 46 岁，超过 {max_age} 岁")
        expect(page.locator("#pf-birth dd")).to_contain_text("（46 岁）")
        expect(page.locator("#pf-education dd")).to_have_text("初中")
        expect(page.locator("#pf-background dd")).to_have_text("退役军人")
        expect(page.locator("#pf-contact dd")).to_have_text("林阿姨 13900001234")
        expect(page.locator(".pf-cert-soon .pf-cert-when")).to_contain_text("10 天后到期")
        saved = captain("GET", f"/api/v1/members/{mid}/profile")
        assert saved["birth_date"] == born.isoformat() and saved["age"] == 46
        assert any(f["rule"] == "age" for f in saved["flags"])

        # 下一步: asked first; a cancel changes nothing.
        steps_before = len(saved["steps"])
        page.locator("#pf-next-note").fill("e2e：考核记录")
        step = page.locator(f'.pf-next-btn[data-to="{target}"]')
        assert step.bounding_box()["height"] >= 48
        step.click()
        dialog = page.locator("dialog.confirm-dialog")
        expect(dialog).to_contain_text(f"从「{words[start]}」改为「{words[target]}」")
        expect(dialog).to_contain_text("不能撤销")
        dialog.locator('[data-confirm="no"]').click()
        expect(dialog).to_have_count(0)
        after_cancel = captain("GET", f"/api/v1/members/{mid}/profile")
        assert after_cancel["stage"] == start and len(after_cancel["steps"]) == steps_before
        expect(page.locator("#pf-stage dd")).to_have_text(words[start])

        step.click()
        page.locator('dialog.confirm-dialog [data-confirm="yes"]').click()
        expect(page.locator("#pf-next-said")).to_have_text(
            f"已记录：{member['display_name']} 现为「{words[target]}」。"
        )
        expect(page.locator("#pf-stage dd")).to_have_text(words[target])
        first = page.locator("#pf-path .pf-step").first
        expect(first).to_contain_text(f"{words[start]} → {words[target]}")
        expect(first).to_contain_text("e2e：考核记录")
        expect(first).to_contain_text("记录人")
        moved = captain("GET", f"/api/v1/members/{mid}/profile")
        assert moved["stage"] == target and len(moved["steps"]) == steps_before + 1

        # Someone else puts the member back first: the step now tapped is no step from there (409
        # member-path), said in words, and the profile read again.
        captain("POST", f"/api/v1/members/{mid}/path", {"to": start, "note": "e2e：另一部手机"})
        stale = "probation" if start == "in_training" else "assessed"
        page.locator(f'.pf-next-btn[data-to="{stale}"]').click()
        expect(dialog).to_contain_text(f"从「{words[target]}」改为")
        page.locator('dialog.confirm-dialog [data-confirm="yes"]').click()
        expect(page.locator("#pf-next-said")).to_contain_text("这一步不能走")
        expect(page.locator("#pf-stage dd")).to_have_text(words[start])
        expect(page.locator("#pf-path .pf-step").first).to_contain_text("e2e：另一部手机")
        assert captain("GET", f"/api/v1/members/{mid}/profile")["stage"] == start
        no_sideways_scroll(page)
        close_toasts(page)
        screens(page, "profile-captain-390")
        page.set_viewport_size({"width": 320, "height": 568})
        no_sideways_scroll(page)
        screens(page, "profile-captain-320")
        page.set_viewport_size(PHONE)

        # Offline: the kept profile with its time; the edit and the steps disabled, saying why.
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
        context.set_offline(True)
        page.reload()
        expect(page.locator("#pf-status")).to_contain_text("离线：显示的是")
        expect(page.locator("#pf-name")).to_have_text(member["display_name"])
        expect(age_flag).to_have_text(f"不符合：年龄 46 岁，超过 {max_age} 岁")
        expect(page.locator("#pf-edit")).to_be_disabled()
        expect(page.locator("#pf-edit-offline")).to_have_text(
            "离线：修改档案需要联网（保存后要立即按招募条件核对）。"
        )
        expect(page.locator(".pf-next-btn").first).to_be_disabled()
        expect(page.locator("#pf-next-offline")).to_be_visible()
        close_toasts(page)
        screens(page, "profile-offline-390")
        page.goto(f"/members/{mid}/edit")
        expect(page.locator("#pff-birth")).to_have_value(born.isoformat())
        expect(page.locator("#pff-save")).to_be_disabled()
        expect(page.locator("#pff-offline")).to_contain_text("离线：保存档案需要联网")
        screens(page, "profile-edit-offline-390")
        context.set_offline(False)
        expect(page.locator("#pff-save")).to_be_enabled()
    finally:
        context.close()
        captain("PUT", f"/api/v1/members/{mid}/profile", before_profile)
        if captain("GET", f"/api/v1/members/{mid}/profile")["stage"] != start:
            captain("POST", f"/api/v1/members/{mid}/path", {"to": start, "note": "e2e 复原"})
    back = captain("GET", f"/api/v1/members/{mid}/profile")
    assert back["stage"] == start and back["birth_date"] == before["birth_date"]


def test_a_teammate_sees_no_edit_and_the_desk_opens_the_profile_from_the_team_page(browser, server, screens):
    base = server["base"]
    desk = api(base, "town1")
    member = _member(desk)
    mid = member["id"]
    context = phone_context(browser, base)
    page = context.new_page()
    try:
        login(page, "member3", "救援队员")
        page.goto(f"/members/{mid}")
        expect(page.locator("#pf-name")).to_have_text(member["display_name"])
        expect(page.locator("#pf-personal-hidden")).to_have_text(
            "出生日期、学历、电话和紧急联系人只有队员本人、本队队长和值班员可以看到。"
        )
        expect(page.locator("#pf-personal")).to_have_count(0)
        expect(page.locator("#pf-edit")).to_have_count(0)
        expect(page.locator(".pf-next-btn")).to_have_count(0)
        no_sideways_scroll(page)
        close_toasts(page)
        screens(page, "profile-teammate-390")
        # The edit's address typed in: the screen is not there for a member.
        page.goto(f"/members/{mid}/edit")
        expect(page.locator("#pff-save")).to_have_count(0)
    finally:
        context.close()

    context = phone_context(browser, base)
    page = context.new_page()
    try:
        login(page, "town1", "值班员")
        page.goto(f"/admin/teams/{member['team_id']}")
        link = page.locator(f'a.adm-profile-link[data-profile="{mid}"]')
        expect(link).to_have_text("档案")
        assert link.bounding_box()["height"] >= 48
        link.click()
        expect(page).to_have_url(f"{base}/members/{mid}")
        expect(page.locator("#pf-personal")).to_be_visible()
        expect(page.locator("#pf-edit")).to_be_enabled()
        no_sideways_scroll(page)
        # In English: the same screen, every word from the English strings.
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", name="Member profile")).to_be_visible()
        expect(page.locator("#pf-edit")).to_have_text("Edit profile")
        expect(page.locator("#pf-next-title")).to_have_text("Next step")
        no_sideways_scroll(page)
        close_toasts(page)
        screens(page, "profile-desk-en-390")
        page.get_by_role("button", name="中文").click()
    finally:
        context.close()


_KEPT_KEYS = """() => new Promise((done, fail) => {
  const open = indexedDB.open("yjt");
  open.onerror = () => fail(open.error);
  open.onsuccess = () => {
    const req = open.result.transaction("meta").objectStore("meta").getAllKeys();
    req.onsuccess = () => { done(req.result.map(String)); open.result.close(); };
    req.onerror = () => fail(req.error);
  };
})"""


def test_signing_out_leaves_no_members_details_on_the_phone(phone, server):
    """A shared phone at the township office: after 退出登录 the profile the captain opened (a
    member's birth date, phone, emergency contact) is no longer kept on it; the device's own
    entries stay."""
    base = server["base"]
    member = _member(api(base, "captain1"))
    login(phone, "captain1", "队长")
    phone.goto(f"/members/{member['id']}")
    expect(phone.locator("#pf-personal")).to_be_visible()
    expect(phone.locator("#pf-status")).to_contain_text("更新于")
    key = f"member_profile:{member['id']}"
    phone.wait_for_function(f"async () => (await ({_KEPT_KEYS})()).includes({key!r})")
    phone.goto("/settings")
    phone.get_by_role("button", name="退出登录").click()
    phone.get_by_role("dialog", name="确认退出登录？").get_by_role("button", name="确认退出").click()
    expect(phone.get_by_role("button", name="登录")).to_be_visible()
    keys = phone.evaluate(_KEPT_KEYS)
    assert key not in keys and not [k for k in keys if k.startswith("team_")], keys
    assert "device_id" in keys
