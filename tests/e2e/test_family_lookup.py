"""寻亲查询 on a phone, as the desk: a family checked in through the public JSON door is found by
part of its name and by its phone's last four digits, with its shelter, household size, needs and
a masked phone (never the full number); a query the server would refuse is refused at once in
words, and one the server refuses anyway is said in words, not in the server's text; another
township's desk does not find it; offline, the screen says the lookup needs the network and keeps
nothing to send later; and nothing found is left in IndexedDB, localStorage or the worker's
caches, nor in the page's address."""

import json
import random
import re
import urllib.request
import uuid

import pytest
from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll

SCHOOL = "临城镇中心小学避灾安置点"  # township 1, open
WULONG = "五龙村村部"  # township 2, closed in the demo data: opened here
DIGITS = "零一二三四五六七八九"
PHONE = {"width": 390, "height": 844}


def _public_checkin(base, code, body):
    req = urllib.request.Request(
        f"{base}/api/v1/public/shelters/{code}/checkins",
        data=json.dumps({"id": str(uuid.uuid4()), **body}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 201
        return json.load(resp)


@pytest.fixture(scope="module")
def families(server):
    """One family in a township 1 shelter, one in a township 2 shelter, each with a name and a
    phone's last four that nobody else in the demo data has."""
    base = server["base"]
    admin = api(base, "admin")
    shelters = {s["name"]: s for s in admin("GET", "/api/v1/shelters?limit=200")["items"]}
    if shelters[WULONG]["status"] != "open":
        admin("POST", f"/api/v1/shelters/{shelters[WULONG]['id']}/open")
    tag = random.Random().randrange(1000, 10000)
    marks = "".join(DIGITS[int(c)] for c in str(tag))
    ours = {
        "name": f"司徒{marks}兰",
        "phone": f"1380013{tag}",
        "household_size": 3,
        "needs": ["elderly", "children"],
    }
    theirs = {"name": f"钟离{marks}梅", "phone": f"1390026{tag}", "household_size": 2}
    ours["receipt"] = _public_checkin(
        base, shelters[SCHOOL]["code"], {k: ours[k] for k in ("name", "phone", "household_size", "needs")}
    )
    theirs["receipt"] = _public_checkin(
        base, shelters[WULONG]["code"], {k: theirs[k] for k in ("name", "phone", "household_size")}
    )
    return {"tag": str(tag), "marks": marks, "ours": ours, "theirs": theirs}


def _login(page, username, role):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)


def _open_lookup(page):
    page.get_by_role("button", name="调度台").click()
    page.get_by_role("button", name="寻亲查询").click()
    expect(page.get_by_role("heading", name="寻亲查询")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/desk/people$"))


def _search(page, text, enter=True):
    field = page.get_by_label("找谁")
    field.fill(text)
    if enter:
        field.press("Enter")
    else:
        page.get_by_role("button", name="查询", exact=True).click()


# Everything the phone keeps: every IndexedDB database and store, localStorage, sessionStorage,
# and the URLs and bodies of whatever the worker's caches hold besides the precached app.
EVERYTHING_KEPT = """async () => {
  const out = {
    idb: {}, caches: [],
    local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }),
  };
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((ok, err) => {
      const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = err;
    });
    for (const store of db.objectStoreNames) {
      out.idb[`${info.name}/${store}`] = await new Promise((ok) => {
        const r = db.transaction(store).objectStore(store).getAll();
        r.onsuccess = () => ok(JSON.stringify(r.result));
      });
    }
    db.close();
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const req of await cache.keys()) {
      if (!req.url.includes('/api/')) continue;
      const res = await cache.match(req);
      out.caches.push(req.url + ' ' + (res ? await res.text() : ''));
    }
  }
  return out;
}"""


def test_the_desk_finds_a_family_by_part_of_the_name_or_the_last_four_and_keeps_nothing(
    phone, server, families, screens
):
    ours = families["ours"]
    page = phone
    lookups = []
    page.on("request", lambda r: lookups.append(r.url) if "/api/v1/shelters/people" in r.url else None)
    _login(page, "town1", "值班员")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    close_toasts(page)
    _open_lookup(page)
    expect(page.get_by_text("姓名中的字，或手机号后四位")).to_be_visible()
    assert page.get_by_label("找谁").get_attribute("inputmode") == "text"

    # Part of the name (the middle of it), with Enter.
    _search(page, families["marks"])
    card = page.locator(f'.lookup-person[data-checkin="{ours["receipt"]["id"]}"]')
    expect(card).to_be_visible()
    expect(card.locator(".lookup-name")).to_have_text(ours["name"])
    expect(card.locator(".lookup-shelter")).to_have_text(SCHOOL)
    expect(card).to_contain_text("一户 3 人")
    expect(card).to_contain_text(f"手机 138****{families['tag']}")
    expect(card).to_contain_text("需要照顾：老人、儿童")
    expect(card.locator('[data-state="inside"]')).to_have_text("在安置点")
    expect(card.locator(".lookup-when")).to_have_text(
        re.compile(r"^\d{1,2}月\d{1,2}日 \d{2}:\d{2} 入住 · 一户 3 人$")
    )
    expect(page.locator("#lookup-status")).to_have_text("找到 1 户。")
    assert ours["phone"] not in page.locator("main").inner_text()
    assert page.url.endswith("/desk/people"), page.url
    no_sideways_scroll(page)
    screens(page, "lookup-found-390")

    # The phone's last four, with the button. The township 2 family with the same last four is not here.
    _search(page, families["tag"], enter=False)
    expect(card).to_be_visible()
    expect(page.locator(f'[data-checkin="{families["theirs"]["receipt"]["id"]}"]')).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(families["theirs"]["name"])
    assert ours["phone"] not in page.locator("main").inner_text()
    assert page.url.endswith("/desk/people"), page.url
    sent = len(lookups)
    assert sent == 2 and all("q=" in u for u in lookups), lookups

    # Refused here with the server's own rule, in words, and nothing sent.
    for typed, words in (
        ("123", "手机号只输入后四位数字"),
        ("13800135678", "手机号只输入后四位数字"),
        ("   ", "请输入姓名中的字"),
    ):
        _search(page, typed)
        expect(page.locator("#err-lookup-q")).to_contain_text(words)
        expect(page.get_by_label("找谁")).to_have_attribute("aria-invalid", "true")
    assert len(lookups) == sent
    expect(page.locator(".lookup-person")).to_have_count(1)  # the last answer stays until a new search
    screens(page, "lookup-refused-here-390")

    # Ethiopic digits pass the phone's rule (they are no decimal digits) but the server's isdigit
    # counts them: its 422 is said in words, never in its own English.
    _search(page, "፩፪፫")
    expect(page.locator("#lookup-refused [data-problem]")).to_contain_text("有几项需要改一下")
    expect(page.locator("#err-lookup-q")).to_have_text("查询内容：填写有误")
    expect(page.locator("main")).not_to_contain_text("last four digits")
    assert len(lookups) == sent + 1
    screens(page, "lookup-refused-by-server-390")

    # Nobody by that name: said in words.
    _search(page, f"查无{families['marks']}")
    expect(page.locator("#lookup-status")).to_contain_text(f"没有找到“查无{families['marks']}”")
    expect(page.locator(".lookup-person")).to_have_count(0)

    # At 320 px wide.
    _search(page, families["marks"])
    expect(card).to_be_visible()
    page.set_viewport_size({"width": 320, "height": 568})
    no_sideways_scroll(page)
    screens(page, "lookup-found-320")
    page.set_viewport_size({"width": 390, "height": 844})

    # Nothing of it on the phone, in the address or in any cache.
    kept = json.dumps(page.evaluate(EVERYTHING_KEPT), ensure_ascii=False)
    assert "yjt/outbox" in kept  # the stores were read
    for secret in (
        ours["name"],
        families["marks"],
        f"138****{families['tag']}",
        ours["phone"],
        ours["receipt"]["id"],
    ):
        assert secret not in kept, secret

    # Leaving the screen clears it: back to the desk and in again, empty.
    page.get_by_role("button", name="返回").click()
    expect(page.get_by_role("heading", name="调度台")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(ours["name"])
    page.get_by_role("button", name="寻亲查询").click()
    expect(page.get_by_label("找谁")).to_have_value("")
    expect(page.locator(".lookup-person")).to_have_count(0)
    # And Back from there does not bring it back either.
    page.go_back()
    expect(page.get_by_role("heading", name="调度台")).to_be_visible()
    page.go_forward()
    expect(page.get_by_role("heading", name="寻亲查询")).to_be_visible()
    expect(page.locator(".lookup-person")).to_have_count(0)
    expect(page.get_by_label("找谁")).to_have_value("")


def test_offline_the_lookup_says_it_needs_the_network_and_queues_nothing(phone, server, families, screens):
    page = phone
    lookups = []
    page.on("request", lambda r: lookups.append(r.url) if "/api/v1/shelters/people" in r.url else None)
    _login(page, "town1", "值班员")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    close_toasts(page)
    _open_lookup(page)
    outbox_before = page.evaluate(EVERYTHING_KEPT)["idb"]["yjt/outbox"]

    page.context.set_offline(True)
    expect(page.locator("#lookup-offline")).to_be_visible()
    expect(page.locator("#lookup-offline")).to_have_text(re.compile("寻亲查询需要联网"))
    _search(page, families["marks"])
    expect(page.locator("#lookup-status")).to_have_text("这次没有查询，也不会存到手机上稍后再查。")
    expect(page.locator(".lookup-person")).to_have_count(0)
    close_toasts(page)
    no_sideways_scroll(page)
    screens(page, "lookup-offline-390")
    assert page.evaluate(EVERYTHING_KEPT)["idb"]["yjt/outbox"] == outbox_before

    # Back online: nothing is sent by itself; the next tap searches.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#lookup-offline")).to_be_hidden()
    tried = len(lookups)
    page.wait_for_timeout(500)
    assert len(lookups) == tried
    _search(page, families["marks"])
    expect(page.locator(f'[data-checkin="{families["ours"]["receipt"]["id"]}"]')).to_be_visible()


def test_another_townships_desk_does_not_find_the_family(phone, server, families):
    page = phone
    _login(page, "town2", "值班员")
    _open_lookup(page)
    _search(page, families["marks"])
    # Its own township's family, yes (the search works); township 1's, no.
    expect(page.locator(f'[data-checkin="{families["theirs"]["receipt"]["id"]}"]')).to_contain_text(WULONG)
    expect(page.locator(f'[data-checkin="{families["ours"]["receipt"]["id"]}"]')).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(families["ours"]["name"])
    _search(page, families["tag"])
    expect(page.locator(f'[data-checkin="{families["theirs"]["receipt"]["id"]}"]')).to_contain_text(
        f"139****{families['tag']}"
    )
    expect(page.locator(f'[data-checkin="{families["ours"]["receipt"]["id"]}"]')).to_have_count(0)


def test_a_member_cannot_open_the_lookup(browser, server):
    ctx = browser.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
    )
    page = ctx.new_page()
    try:
        _login(page, "member1", "救援队员")
        page.goto("/desk/people")
        # The shell answers, and sends a member home: no field, no heading of the lookup.
        expect(page.locator("main h1")).to_be_visible()
        expect(page.get_by_role("heading", name="寻亲查询")).to_have_count(0)
        expect(page.get_by_label("找谁")).to_have_count(0)
    finally:
        ctx.close()


def test_more_than_a_page_of_families_comes_in_pages_with_more(phone, server, families, screens):
    """Twenty a page; 更多 brings the rest once per tap, and the count says how many of how many."""
    base = server["base"]
    desk = api(base, "town1")
    school = next(s for s in desk("GET", "/api/v1/shelters?limit=200")["items"] if s["name"] == SCHOOL)
    surname = f"公孙{families['marks']}"
    for i in range(22):
        desk(
            "POST",
            f"/api/v1/shelters/{school['id']}/checkins",
            {
                "id": str(uuid.uuid4()),
                "name": f"{surname}{DIGITS[i % 10]}{DIGITS[i // 10]}",
                "household_size": 1,
            },
        )
    page = phone
    pages = []
    page.on("request", lambda r: pages.append(r.url) if "/api/v1/shelters/people" in r.url else None)
    _login(page, "town1", "值班员")
    _open_lookup(page)
    _search(page, surname)
    expect(page.locator(".lookup-person")).to_have_count(20)
    expect(page.locator("#lookup-status")).to_have_text("找到 22 户，已显示 20 户。")
    more = page.get_by_role("button", name="更多")
    expect(more).to_be_visible()
    expect(page.locator(".lookup-person").first).to_contain_text("没有留手机号")
    more.dblclick()
    expect(page.locator(".lookup-person")).to_have_count(22)
    expect(page.locator("#lookup-status")).to_have_text("找到 22 户。")
    expect(more).to_be_hidden()
    assert len(pages) == 2 and "cursor=" in pages[1], pages
    names = page.locator(".lookup-name").all_inner_texts()
    assert len(set(names)) == 22, names
    close_toasts(page)
    no_sideways_scroll(page)
    screens(page, "lookup-paged-390")
