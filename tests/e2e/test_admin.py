"""Administration from the screens at 390x844: the county administrator creates a team and a
user in it (a refused field said in words, what was typed kept), names the user captain, resets
their password (asked first, shown once) and the user is made to choose a new one before
anything else; a township's duty officer checks and imports a roster, row by row, asked first."""

import io
import re
import uuid
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import expect

from .helpers import api, no_sideways_scroll

SHOTS = Path("/tmp/shots")


def _shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"admin-{name}.png"))
    page.screenshot(path=str(SHOTS / f"admin-{name}-full.png"), full_page=True)


def _login(page, username, password="demo12345"):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _confirm(page):
    dialog = page.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    button = dialog.locator('[data-confirm="yes"]')
    expect(button).to_be_enabled()
    button.click()
    expect(dialog).to_have_count(0)


def test_the_admin_creates_a_team_and_a_user_from_the_screens(phone, browser, server):
    tag = uuid.uuid4().hex[:4]
    team_name = f"临城镇防汛突击队{tag}"
    username = f"zhang{tag}"
    _login(phone, "admin")
    # The home screen's tile opens the administration.
    tile = phone.get_by_text("人员与队伍", exact=True)
    expect(tile).to_be_visible()
    _shoot(phone, "home")
    tile.click()
    expect(phone.get_by_role("heading", name="用户", exact=True)).to_be_visible()
    expect(phone.locator("#adm-users .card").first).to_be_visible()
    _shoot(phone, "users")

    # A team in a township.
    phone.goto("/admin/teams")
    expect(phone.get_by_role("heading", name="队伍", exact=True)).to_be_visible()
    phone.get_by_role("button", name="创建队伍").click()
    expect(phone.locator("#adm-team-name-err")).to_contain_text("必须填写")
    phone.get_by_label("队伍名称").fill(team_name)
    phone.get_by_label("所属乡镇").select_option(label="临城镇")
    phone.get_by_role("button", name="创建队伍").click()
    expect(phone.get_by_role("link", name=re.compile(team_name))).to_be_visible()
    no_sideways_scroll(phone)
    _shoot(phone, "teams")

    # A user in it: a taken username is said under its field, and the rest stays typed.
    phone.goto("/admin/users/new")
    phone.get_by_label("姓名").fill("张立新")
    phone.get_by_label("用户名").fill("member1")
    phone.get_by_label("电话").fill("139 0000 " + str(1000 + int(tag, 16) % 9000))
    phone.get_by_label("区域").select_option(label="\u3000临城镇")
    phone.get_by_label("队伍", exact=True).select_option(label=team_name)
    phone.get_by_label("初始密码").fill("first-pass-1")
    phone.get_by_role("button", name="创建用户").click()
    expect(phone.locator("#adm-username-err")).to_contain_text("已被使用")
    expect(phone.get_by_label("姓名")).to_have_value("张立新")
    _shoot(phone, "new-user-refused")
    phone.get_by_label("用户名").fill(username)
    phone.get_by_role("button", name="创建用户").click()
    expect(phone.locator("#adm-user-name")).to_have_text("张立新")
    no_sideways_scroll(phone)

    # Named captain of the new team.
    phone.get_by_label("队内职务").select_option(label="队长")
    phone.get_by_role("button", name="保存修改").click()
    expect(phone.get_by_text("已保存")).to_be_visible()
    admin = api(server["base"], "admin")
    users = admin("GET", f"/api/v1/users?q={username}")["items"]
    assert len(users) == 1 and users[0]["team_role"] == "captain"
    team = next(t for t in admin("GET", "/api/v1/teams?limit=200")["items"] if t["name"] == team_name)
    assert users[0]["team_id"] == team["id"] and team["size"] == 1

    # Reset the password: asked first, shown once.
    phone.get_by_role("button", name="重置密码").click()
    _confirm(phone)
    temp = phone.locator("#adm-temp-password").inner_text().strip()
    assert len(temp) >= 8
    _shoot(phone, "user-reset")

    # The user logs in with it and must choose a new password before anything else.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=server["base"], is_mobile=True
    )
    page = context.new_page()
    try:
        _login(page, username, temp)
        expect(page.get_by_role("heading", name="请设置新密码")).to_be_visible()
        page.goto("/report")
        expect(page.get_by_role("heading", name="请设置新密码")).to_be_visible()
        _shoot(page, "must-change")
        page.get_by_label("临时密码").fill(temp)
        page.get_by_label("新密码（至少 8 位）").fill("my-own-pass-9")
        page.get_by_label("再输入一次新密码").fill("my-own-pass-9")
        page.get_by_role("button", name="保存新密码").click()
        expect(page.get_by_role("heading", name="请设置新密码")).to_have_count(0)
    finally:
        context.close()

    # Deactivated from the screen, asked first.
    phone.get_by_role("button", name="停用账号").click()
    _confirm(phone)
    expect(phone.locator("#adm-user-state")).to_have_text("已停用")
    assert admin("GET", f"/api/v1/users?q={username}")["items"][0]["active"] is False

    # Without a signal the screens say that administration needs the network.
    phone.context.set_offline(True)
    phone.get_by_role("link", name="队伍", exact=True).click()
    expect(phone.get_by_text("现在没有网络：管理操作需要联网。")).to_be_visible()
    _shoot(phone, "offline")
    phone.context.set_offline(False)


def _roster(tag: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机号", "身份/队内职务", "出生日期", "文化程度", "人员类别", "备注"])
    n = int(tag, 16) % 9000 + 1000
    sheet.append(["陈志强", f"1370000{n}", "副队长", "1988-03-01", "高中", "退役军人", ""])
    sheet.append(["林海", f"1370001{n}", "队员", "1995-07-12", "初中", "民兵", ""])
    sheet.append(["", f"1370002{n}", "队员", None, None, None, ""])
    sheet.append(["吴斌", "12345", "队员", None, None, None, ""])
    sheet.append(["郑磊", f"1370001{n}", "队员", None, None, None, ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_township_officer_imports_a_roster_with_its_row_report(phone, browser, server, tmp_path):
    tag = uuid.uuid4().hex[:4]
    town1 = api(server["base"], "town1")
    team = town1("POST", "/api/v1/teams", {"name": f"临城镇第二分队{tag}", "region_id": 2})
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(_roster(tag))
    _login(phone, "town1")
    expect(phone.get_by_text(re.compile("值班员")).first).to_be_visible()
    phone.goto(f"/admin/teams/{team['id']}")
    expect(phone.locator("#adm-team-title-name")).to_have_text(team["name"])
    phone.locator("#adm-roster-file").set_input_files(str(path))
    phone.get_by_role("button", name="检查花名册（不会导入）").click()
    expect(phone.locator("#adm-roster-sum")).to_have_text("可导入 2 行，不能导入 3 行。")
    table = phone.locator("#adm-roster-table")
    expect(table.locator('tr[data-row="4"]')).to_contain_text("姓名为空")
    expect(table.locator('tr[data-row="5"]')).to_contain_text("不是中国大陆手机号")
    expect(table.locator('tr[data-row="6"]')).to_contain_text("与第 3 行重复")
    expect(phone.get_by_text("这些列没有读取：备注")).to_be_visible()
    assert town1("GET", f"/api/v1/teams/{team['id']}")["size"] == 0
    phone.locator("#adm-roster-report").scroll_into_view_if_needed()
    _shoot(phone, "roster-report")
    phone.locator("#adm-roster-table").screenshot(path=str(SHOTS / "admin-roster-table.png"))
    phone.get_by_role("button", name="导入 2 名合格人员").click()
    _confirm(phone)
    expect(phone.locator('[data-user^="m1370"]')).to_have_count(2)
    assert town1("GET", f"/api/v1/teams/{team['id']}")["size"] == 2
    no_sideways_scroll(phone)
    _shoot(phone, "team-after-import")
    # The imported have no password yet: the officer issues first passwords, shown once.
    phone.get_by_role("button", name="为没有密码的队员生成初始密码").click()
    _confirm(phone)
    cards = phone.locator("#adm-first-list li")
    expect(cards).to_have_count(2)
    first = cards.filter(has_text="林海")
    username = first.locator(".adm-first-username").inner_text()
    temporary = first.locator(".adm-first-password").inner_text()
    assert len(temporary) >= 8
    # The whole password is on the phone's screen, not cut by the card.
    box = first.locator(".adm-first-password").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    no_sideways_scroll(phone)
    phone.locator("#adm-first").scroll_into_view_if_needed()
    _shoot(phone, "team-first-passwords")
    # A second press issues none: both have one now.
    phone.reload()
    phone.get_by_role("button", name="为没有密码的队员生成初始密码").click()
    _confirm(phone)
    expect(phone.locator("#adm-first-none")).to_have_text("本队每个人都已有密码，没有生成新的。")
    # 林海 signs in with it on his own phone and must choose his own first.
    member = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=server["base"]
    )
    try:
        mine = member.new_page()
        _login(mine, username, temporary)
        expect(mine.get_by_role("heading", name="请设置新密码")).to_be_visible()
    finally:
        member.close()
    # On a laptop the report is a table with its columns.
    phone.set_viewport_size({"width": 1280, "height": 800})
    phone.goto("/admin/users")
    expect(phone.locator("#adm-users .card").first).to_be_visible()
    no_sideways_scroll(phone)
    _shoot(phone, "laptop-users")
    phone.goto(f"/admin/teams/{team['id']}")
    phone.locator("#adm-roster-file").set_input_files(str(path))
    phone.get_by_role("button", name="检查花名册（不会导入）").click()
    expect(phone.locator("#adm-roster-sum")).to_have_text("可导入 0 行，不能导入 5 行。")
    expect(phone.locator("#adm-roster-table thead")).to_be_visible()
    no_sideways_scroll(phone)
    phone.locator("#adm-roster-report").scroll_into_view_if_needed()
    phone.locator("#adm-roster-table").screenshot(path=str(SHOTS / "admin-laptop-roster-table.png"))
