"""逾期未保养的装备 on a phone at 390x844: the county desk goes from a township's readiness card
("n 件装备逾期未保养") to the list of its late items, by team, each with its days late in words, its
due date and last maintenance; offline the last list shows with its time."""

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll

SHOT = "/tmp/shots/desk-equipment-overdue-390.png"
# Contains no other test's item name: their filters by text would find this item too.
NAME = "排涝泵逾期核查"


def _china_today():
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def test_the_desk_follows_readiness_to_the_equipment_overdue_in_a_township(phone, server):
    base = server["base"]
    captain = api(base, "captain1")
    team = captain("GET", "/api/v1/me")["team_id"]
    region = captain("GET", f"/api/v1/teams/{team}")["region_id"]
    last = _china_today() - timedelta(days=75)
    item = captain(
        "POST",
        f"/api/v1/teams/{team}/equipment",
        {
            "name": NAME,
            "category": "pump",
            "standard": "GB/T 3216",
            "maintenance_interval_days": 30,
            "last_maintained_on": last.isoformat(),
        },
    )
    page = phone
    context = phone.context
    try:
        page.goto("/")
        page.get_by_label("用户名").fill("duty")
        page.get_by_label("密码").fill("demo12345")
        page.get_by_role("button", name="登录").click()
        expect(page.locator(".role-chip")).to_have_text("值班员")
        page.goto("/desk/readiness")
        link = page.locator(f'.ready-card[data-region="{region}"] .ready-to-equipment')
        expect(link).to_contain_text("件装备逾期未保养")
        assert link.bounding_box()["height"] >= 48
        link.click()
        expect(page).to_have_url(f"{base}/desk/equipment?region_id={region}")
        expect(page.get_by_role("heading", name="逾期未保养的装备")).to_be_visible()
        card = page.locator(f'.eqo-item[data-item="{item["id"]}"]')
        expect(card).to_contain_text(NAME)
        expect(card).to_contain_text("逾期 45 天未保养")
        expect(card).to_contain_text("排涝抽水 · GB/T 3216")
        expect(card).to_contain_text(f"上次保养 {last.year}年{last.month}月{last.day}日")
        due = last + timedelta(days=30)
        expect(card).to_contain_text(f"应于 {due.year}年{due.month}月{due.day}日 保养")
        team_block = page.locator(f'.eqo-team[data-team="{team}"]')
        expect(team_block.get_by_role("heading", level=3)).to_contain_text("救援队")
        # Only this township: no other township's card.
        expect(page.locator("#eqo-list article")).to_have_count(1)
        expect(page.locator("#eqo-count")).to_contain_text("件装备逾期未保养")
        no_sideways_scroll(page)
        close_toasts(page)
        page.screenshot(path=SHOT, full_page=True)

        # No signal: the kept list, with its time, still there.
        context.set_offline(True)
        page.locator("#eqo-refresh").click()
        expect(page.locator("#eqo-status")).to_have_attribute("data-state", "offline")
        expect(page.locator("#eqo-status")).to_contain_text("离线：显示的是")
        expect(card).to_contain_text("逾期 45 天未保养")
        context.set_offline(False)

        # In English the days read in English, the category too.
        page.get_by_role("button", name="English").click()
        page.goto(f"/desk/equipment?region_id={region}")
        expect(page.locator(f'.eqo-item[data-item="{item["id"]}"]')).to_contain_text(
            "Maintenance 45 days overdue"
        )
        no_sideways_scroll(page)
        page.get_by_role("button", name="中文").click()
    finally:
        # Put back for the other tests of the session: retired items are never overdue.
        captain("PATCH", f"/api/v1/equipment/{item['id']}", {"condition": "retired", "note": "E2E 测试用完"})
