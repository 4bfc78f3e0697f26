"""招募条件 and 不符合条件的队员 on a phone at 390x844: the county administrator lowers the highest
age to 30 on screen (asked first: a cancel changes nothing), and a member of 36 appears on the
township's flagged list with the reason in words; a township desk reads the rules but cannot
change them; offline the save is disabled with the reason. The e2e server is shared by the
session: the rules and the member's profile are put back as they were."""

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from .helpers import api, close_toasts, login, no_sideways_scroll, phone_context

SHOTS = "/tmp/shots-rules"
os.makedirs(SHOTS, exist_ok=True)
RULE_FIELDS = ("max_age", "min_education", "min_team_size", "captain_required")
PROFILE_FIELDS = ("birth_date", "education", "background", "skills", "certificates", "emergency_contact")


def _born_36_years_ago() -> date:
    # 1 January (China time) of 36 years ago: 36 whole years on any day of this year.
    return date(datetime.now(ZoneInfo("Asia/Shanghai")).year - 36, 1, 1)


def test_the_county_lowers_the_age_and_an_older_member_is_flagged_in_words(browser, server):
    base = server["base"]
    admin = api(base, "admin")
    desk = api(base, "town1")
    before_rules = admin("GET", "/api/v1/teams/rules")
    town = desk("GET", "/api/v1/teams/readiness")["townships"][0]["region_id"]
    member = next(
        m for m in desk("GET", "/api/v1/members?limit=200")["items"] if m.get("team_role") == "member"
    )
    profile = desk("GET", f"/api/v1/members/{member['id']}/profile")
    before_profile = {k: profile.get(k) for k in PROFILE_FIELDS}
    born = _born_36_years_ago()
    desk(
        "PUT",
        f"/api/v1/members/{member['id']}/profile",
        {**before_profile, "birth_date": born.isoformat(), "education": "senior_high"},
    )
    context = phone_context(browser, base)
    page = context.new_page()
    try:
        login(page, "admin", "县应急办管理员")
        page.goto("/desk/readiness")
        card = page.locator(f'.ready-card[data-region="{town}"]')
        expect(card).to_be_visible(timeout=15000)
        card.locator(".ready-to-rules").click()
        expect(page).to_have_url(f"{base}/desk/team-rules")
        lines = page.locator("#trules-lines")
        expect(lines).to_contain_text(f"年龄不超过 {before_rules['max_age']} 岁")
        expect(lines).to_contain_text("文化程度至少")
        expect(lines).to_contain_text("每队至少")

        # Checked on the phone first: nothing is sent.
        age = page.get_by_label("最大年龄（岁）")
        expect(age).to_have_value(str(before_rules["max_age"]))
        age.fill("12")
        page.locator("#trules-save").click()
        expect(page.locator("#trules-max_age-error")).to_have_text("请填 16 到 70 之间的整数")
        expect(page.locator("dialog.confirm-dialog")).to_have_count(0)

        # Asked first: a cancel changes nothing.
        age.fill("30")
        page.locator("#trules-save").click()
        dialog = page.locator("dialog.confirm-dialog")
        expect(dialog).to_contain_text("重新核对全县")
        expect(dialog).to_contain_text(f"最大年龄 {before_rules['max_age']} 岁 → 30 岁")
        dialog.locator('[data-confirm="no"]').click()
        expect(dialog).to_have_count(0)
        assert admin("GET", "/api/v1/teams/rules")["max_age"] == before_rules["max_age"]

        page.locator("#trules-save").click()
        page.locator('dialog.confirm-dialog [data-confirm="yes"]').click()
        expect(page.locator("#trules-said")).to_have_text("已保存，全县队员已按新条件重新核对。")
        expect(lines).to_contain_text("年龄不超过 30 岁")
        assert admin("GET", "/api/v1/teams/rules")["max_age"] == 30
        assert page.locator("#trules-save").bounding_box()["height"] >= 48
        no_sideways_scroll(page)
        close_toasts(page)
        page.screenshot(path=f"{SHOTS}/rules-admin-390.png", full_page=True)

        # From the readiness figure to the township's flagged members.
        page.goto("/desk/readiness")
        expect(card.locator(".ready-to-flags")).to_contain_text("人不符合招募条件")
        page.screenshot(path=f"{SHOTS}/readiness-links-390.png")
        card.locator(".ready-to-flags").click()
        expect(page).to_have_url(f"{base}/desk/flags?region_id={town}")
        row = page.locator(f'a.flags-member[data-member="{member["id"]}"]')
        expect(row).to_be_visible(timeout=15000)
        expect(row).to_contain_text(member["display_name"])
        expect(row.locator('[data-rule="age"]')).to_have_text("不符合：年龄 36 岁，超过 30 岁")
        assert row.get_attribute("href") == f"/members/{member['id']}"
        expect(page.locator("#flags-rules")).to_contain_text("年龄不超过 30 岁")
        no_sideways_scroll(page)
        close_toasts(page)
        page.screenshot(path=f"{SHOTS}/flags-390.png", full_page=True)

        # Offline: the save is disabled, and says why.
        page.goto("/desk/team-rules")
        expect(page.locator("#trules-save")).to_be_enabled()
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
        context.set_offline(True)
        expect(page.locator("#trules-save")).to_be_disabled()
        expect(page.locator("#trules-offline")).to_have_text(
            "离线：修改招募条件需要联网（保存后要立即核对全县队员）。"
        )
        page.screenshot(path=f"{SHOTS}/rules-offline-390.png", full_page=True)
        # The township's flagged list, as kept on this phone, with its time.
        page.goto(f"/desk/flags?region_id={town}")
        expect(page.locator("#flags-status")).to_contain_text("离线：显示的是")
        expect(row.locator('[data-rule="age"]')).to_have_text("不符合：年龄 36 岁，超过 30 岁")
        # Back online, the save is enabled again.
        page.locator("#flags-to-rules").click()
        context.set_offline(False)
        expect(page.locator("#trules-save")).to_be_enabled()
    finally:
        context.close()
        admin("PUT", "/api/v1/teams/rules", {k: before_rules[k] for k in RULE_FIELDS})
        desk("PUT", f"/api/v1/members/{member['id']}/profile", before_profile)
    assert not [
        f
        for f in desk("GET", "/api/v1/teams/flags")["items"]
        if f["member_id"] == member["id"] and f["rule"] == "age"
    ]


def test_a_township_desk_reads_the_rules_but_cannot_change_them(browser, server):
    context = phone_context(browser, server["base"])
    page = context.new_page()
    try:
        login(page, "town1", "值班员")
        page.goto("/desk/team-rules")
        expect(page.locator("#trules-lines")).to_contain_text("须有队长")
        expect(page.locator("#trules-readonly")).to_have_text("只有县级管理员可以修改招募条件。")
        expect(page.locator("#trules-save")).to_have_count(0)
        expect(page.locator("#trules-max_age")).to_have_count(0)
        no_sideways_scroll(page)
        close_toasts(page)
        page.screenshot(path=f"{SHOTS}/rules-township-390.png", full_page=True)
    finally:
        context.close()
