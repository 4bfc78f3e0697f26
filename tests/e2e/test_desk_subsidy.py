"""补贴表, 补贴标准 and 跨乡镇支援补偿 on a phone (390x844). The county administrator adds a
version of the rules on its screen, computes last month from check-in records (duty time and a
heavy task capped by the day cap), sees the totals, locks it after confirming (a record that
moved after the review is refused in words and the draft computed again), and the month says
已锁定 with no lock button left. A cross-township claim filed from the screen by the
helper's desk (古田镇, whose member worked on an order in 临城镇's area) is agreed by 临城镇's
desk and marked paid by 古田镇's, each step shown with who did it. Screenshots in /tmp/shots."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from server import create_app

from ..subsidy.helpers import add_time
from .conftest import PHONE
from .helpers import api, close_toasts, no_sideways_scroll

OUT = Path("/tmp/shots")
CHINA = ZoneInfo("Asia/Shanghai")


def _last_month() -> str:
    today = datetime.now(CHINA)
    first = today.replace(day=1)
    return f"{(first - timedelta(days=1)):%Y-%m}"


def _context(browser, server):
    return browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


def _login(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_be_visible()


def _towns_fit(page) -> bool:
    return page.evaluate(
        "(() => { const box = document.querySelector('#subsidy-towns').parentElement;"
        " return box.scrollWidth <= box.clientWidth; })()"
    )


def _shoot(page, name):
    OUT.mkdir(parents=True, exist_ok=True)
    close_toasts(page)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def records(server):
    """Last month: member1's duty time 08:00-11:00 on the 5th (3 h 一般, 60 yuan) and member2's
    heavy task 06:00-18:00 on the 6th (12 h 较重 earn 360, the day cap makes it 200)."""
    base = server["base"]
    duty = api(base, "duty")
    regions = {r["name"]: r["id"] for r in duty("GET", "/api/v1/regions")["items"]}
    member2 = api(base, "member2")("GET", "/api/v1/me")["id"]
    order = duty(
        "POST",
        "/api/v1/dispatches",
        {
            "title": "补贴测试抢险",
            "location": {"lat": 25.05, "lon": 116.43},
            "region_id": regions["临城镇"],
            "member_ids": [member2],
            "weight_class": "heavy",
        },
    )["id"]
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{server['db']}"})
    month = _last_month()
    add_time(app, "member1", f"{month}-05 08:00", f"{month}-05 11:00")
    add_time(app, "member2", f"{month}-06 06:00", f"{month}-06 18:00", order)
    return {"month": month, "app": app, "regions": regions}


def test_the_county_admin_adds_a_rule_computes_and_locks_the_month(browser, server, records):
    month = records["month"]
    ctx = _context(browser, server)
    page = ctx.new_page()
    _login(page, "admin")

    # The rules: none yet; a wrong form is said field by field, then a good one is saved.
    page.goto("/desk/subsidy/rules")
    expect(page.locator("#srules-none")).to_be_visible()
    page.get_by_label("起始月份（如 2026-03）").fill("2026-1")
    page.get_by_label("一般：元/小时（含值班）").fill("20")
    page.get_by_role("button", name="保存新标准").click()
    expect(page.locator("#srule-effective_from-error")).to_have_text("请按 YYYY-MM 写月份，例如 2026-03。")
    expect(page.locator("#srule-rate_heavy-error")).to_have_text("请填写。")
    page.get_by_label("起始月份（如 2026-03）").fill("2026-01")
    page.get_by_label("较重：元/小时").fill("30")
    page.get_by_label("繁重：元/小时").fill("50")
    page.get_by_label("每日上限（元）").fill("200")
    page.get_by_label("每月上限（元）").fill("500")
    expect(page.locator("#srule-kept")).to_have_text("已填的内容保存在本机。")
    _shoot(page, "subsidy-rules-form")
    page.get_by_role("button", name="保存新标准").click()
    expect(page.locator("#srule-said")).to_have_text("新标准已保存，自 2026-01 起生效。")
    expect(page.locator("#srules-now-title")).to_have_text("现行标准（自 2026-01 起）")
    expect(page.locator('#srules-now [data-field="day_cap"]')).to_have_text("200.00 元")
    no_sideways_scroll(page)
    _shoot(page, "subsidy-rules")

    # The month: not computed yet; computed, it shows the lines, the cap and the totals.
    page.goto("/desk/subsidy")
    expect(page.locator("#subsidy-month")).to_have_value(month)
    expect(page.locator("#subsidy-status")).to_have_text("这个月的补贴表还没有计算。")
    expect(page.locator("#subsidy-lock")).to_be_hidden()
    page.get_by_role("button", name="计算本月补贴").click()
    expect(page.locator("#subsidy-state")).to_have_text("草稿：尚未锁定，县里审核后锁定。")
    total = page.locator("#subsidy-towns tbody tr").last
    expect(total).to_contain_text("合计")
    cells = [c.strip() for c in total.locator("th, td").all_inner_texts()]
    assert cells == ["合计", "2", "15.00", "260.00", "0.00"]
    # All five columns on the phone's width: the adjustments were off to the side before.
    assert _towns_fit(page), "the township totals scroll sideways at 390 px"
    heavy = page.locator("#subsidy-lines li").filter(has_text="200.00")
    expect(heavy).to_contain_text("12.00")
    expect(heavy).to_contain_text("200.00（已封顶）")
    expect(page.locator("#subsidy-lines li").filter(has_text="60.00")).not_to_contain_text("已封顶")
    expect(page.get_by_role("button", name="重新计算")).to_be_visible()
    no_sideways_scroll(page)
    _shoot(page, "subsidy-draft")

    # Offline: the two steps stay in place, disabled, and say why; back online they work again.
    ctx.set_offline(True)
    expect(page.locator("#subsidy-lock")).to_be_disabled()
    expect(page.locator("#subsidy-compute")).to_be_disabled()
    expect(page.locator("#subsidy-manage-why")).to_have_text("离线时不能计算或锁定，联网后再操作。")
    _shoot(page, "subsidy-offline")
    ctx.set_offline(False)
    expect(page.locator("#subsidy-lock")).to_be_enabled()

    # Locking asks first; saying no changes nothing.
    page.get_by_role("button", name="锁定本月").click()
    dialog = page.locator("dialog.confirm-dialog")
    expect(dialog).to_contain_text("锁定后本月不再变动")
    _shoot(page, "subsidy-lock-confirm")
    dialog.get_by_role("button", name="取消").click()
    expect(page.locator("#subsidy-state")).to_have_text("草稿：尚未锁定，县里审核后锁定。")

    # A record of the month closed after the review: the lock is refused, said in words, and the
    # draft is computed again (member1's hour on the 7th: 20 yuan more).
    add_time(records["app"], "member1", f"{month}-07 09:00", f"{month}-07 10:00")
    page.get_by_role("button", name="锁定本月").click()
    confirm = page.locator("dialog.confirm-dialog").get_by_role("button", name="确认锁定")
    expect(confirm).to_be_enabled()
    confirm.click()
    expect(page.locator("#subsidy-manage-status")).to_have_text(
        "审核之后有记录变动，已按最新记录重新计算，请再审核一遍后再锁定。"
    )
    expect(page.locator("#subsidy-state")).to_have_text("草稿：尚未锁定，县里审核后锁定。")
    expect(page.locator("#subsidy-towns tbody tr").last).to_contain_text("280.00")

    page.get_by_role("button", name="锁定本月").click()
    confirm = page.locator("dialog.confirm-dialog").get_by_role("button", name="确认锁定")
    expect(confirm).to_be_enabled()
    confirm.click()
    expect(page.locator("#subsidy-state")).to_have_text("已锁定：这个月的补贴不再改动。")
    expect(page.locator("#subsidy-lock")).to_be_hidden()
    expect(page.locator("#subsidy-compute")).to_be_hidden()
    expect(page.get_by_role("button", name="下载 Excel (XLSX)")).to_be_enabled()
    report = api(server["base"], "duty")("GET", f"/api/v1/subsidy/reports/{month}")
    assert (report["state"], report["total"]["amount"]) == ("locked", "280.00")
    _shoot(page, "subsidy-locked")

    # A township's desk reads it, without the administrator's buttons.
    other = _context(browser, server)
    town = other.new_page()
    _login(town, "town1")
    town.goto("/desk/subsidy")
    expect(town.locator("#subsidy-state")).to_have_text("已锁定：这个月的补贴不再改动。")
    expect(town.locator("#subsidy-read-only")).to_be_visible()
    expect(town.locator("#subsidy-compute, #subsidy-lock")).to_have_count(0)
    other.close()
    ctx.close()


def test_a_claim_goes_claimed_agreed_paid_each_step_with_who(browser, server, records):
    base = server["base"]
    duty = api(base, "duty")
    t2member1 = api(base, "t2member1")("GET", "/api/v1/me")["id"]
    order = duty(
        "POST",
        "/api/v1/dispatches",
        {
            "title": "跨乡镇支援测试",
            "location": {"lat": 25.05, "lon": 116.43},
            "region_id": records["regions"]["临城镇"],
            "member_ids": [t2member1],
            "weight_class": "normal",
        },
    )["id"]
    now = datetime.now(CHINA)
    start, end = now - timedelta(hours=3), now - timedelta(hours=1)
    add_time(records["app"], "t2member1", f"{start:%Y-%m-%d %H:%M}", f"{end:%Y-%m-%d %H:%M}", order)

    helper_ctx, helped_ctx = _context(browser, server), _context(browser, server)
    helper, helped = helper_ctx.new_page(), helped_ctx.new_page()
    _login(helper, "town2")
    # Reached from the desk's front page, beside 补贴表.
    helper.goto("/desk")
    helper.locator("#desk-claims").click()
    expect(helper).to_have_url(f"{base}/desk/claims")
    expect(helper.locator("#claims-status")).to_have_text("还没有补偿申请。")
    helper.get_by_role("button", name="申请补偿").click()

    pick = helper.get_by_label("跨乡镇支援测试（古田镇 支援 临城镇，1 人，2.00 小时）")
    expect(pick).to_be_visible()
    helper.get_by_role("button", name="提交申请").click()
    expect(helper.locator("#cnew-pick-error")).to_have_text("请先选一次调度。")
    pick.check()
    helper.get_by_label("类别").select_option("damaged")
    helper.get_by_label("物品与说明").fill("抽水泵（叶轮损坏）")
    helper.get_by_label("金额（元）").fill("1200")
    helper.get_by_role("button", name="再加一行").click()
    helper.get_by_label("物品与说明").nth(1).fill("柴油")
    helper.get_by_label("数量").nth(1).fill("40")
    helper.get_by_label("金额（元）").nth(1).fill("300.5")
    expect(helper.locator("#cnew-total")).to_have_text("合计 1500.50 元")
    no_sideways_scroll(helper)
    _shoot(helper, "claims-new")
    helper.get_by_role("button", name="提交申请").click()

    expect(helper.locator("#claim-state")).to_have_text("已申请")
    expect(helper.locator("#claim-total")).to_have_text("合计 1500.50 元")
    expect(helper.locator("#claim-steps li")).to_have_count(1)
    expect(helper.locator("#claim-steps li").first).to_contain_text("已申请：古田镇值班员")
    # The helper cannot agree for the township helped: no button, the wait said in words.
    expect(helper.locator("#claim-act")).to_be_hidden()
    expect(helper.locator("#claim-wait")).to_have_text("等待临城镇办理下一步。")
    claim_url = helper.url
    _shoot(helper, "claim-claimed")

    _login(helped, "town1")
    helped.goto("/desk/claims")
    card = helped.locator(".claim-card").first
    expect(card).to_contain_text("古田镇 支援 临城镇")
    expect(card).to_contain_text("已申请")
    expect(card).to_contain_text("1500.50 元")
    _shoot(helped, "claims-list")
    card.click()
    helped.get_by_role("button", name="同意补偿").click()
    dialog = helped.locator("dialog.confirm-dialog")
    expect(dialog).to_contain_text("1500.50")
    confirm = dialog.get_by_role("button", name="确认")
    expect(confirm).to_be_enabled()
    confirm.click()
    expect(helped.locator("#claim-state")).to_have_text("已同意")
    expect(helped.locator("#claim-steps li").nth(1)).to_contain_text("已同意：临城镇值班员")
    expect(helped.locator("#claim-act")).to_be_hidden()

    helper.goto(claim_url)
    expect(helper.locator("#claim-state")).to_have_text("已同意")
    helper.get_by_role("button", name="标记已支付").click()
    confirm = helper.locator("dialog.confirm-dialog").get_by_role("button", name="确认")
    expect(confirm).to_be_enabled()
    confirm.click()
    expect(helper.locator("#claim-state")).to_have_text("已支付")
    steps = helper.locator("#claim-steps li")
    expect(steps).to_have_count(3)
    expect(steps.nth(2)).to_contain_text("已支付：古田镇值班员")
    expect(helper.locator("#claim-done")).to_have_text("已支付，这项补偿已结束。")
    expect(helper.locator("#claim-act")).to_be_hidden()
    no_sideways_scroll(helper)
    _shoot(helper, "claim-paid")

    claim = api(base, "duty")("GET", "/api/v1/subsidy/claims")["items"][0]
    assert (claim["state"], claim["total"], [s["state"] for s in claim["steps"]]) == (
        "paid",
        "1500.50",
        ["claimed", "agreed", "paid"],
    )
    helper_ctx.close()
    helped_ctx.close()
