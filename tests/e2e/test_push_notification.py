"""Web push on the member's phone, through the service worker, as far as a headless browser goes.

There is no push service here (Chromium has no Google push service, so PushManager.subscribe
cannot succeed), so the push is handed to the worker through the DevTools protocol
(ServiceWorker.deliverPushMessage) with the JSON the server's delivery worker sends for an order
(server/delivery/service.py `_send`), built from the server's own notification row.

The taps are real. Chromium on Linux shows a web notification through the desktop's notification
server (org.freedesktop.Notifications on the D-Bus session bus) and turns that server's
ActionInvoked signal into the worker's notificationclick: a trusted event, so waitUntil() and
clients.openWindow() work as on a phone. Here a private dbus-daemon and a stand-in notification
server (a few lines of Python/Gio, below) play the phone's notification shade: they record what
Chromium shows and "tap" a button or the body on request. A NotificationEvent made by script would
not do: Chromium throws InvalidStateError from its waitUntil() and refuses openWindow().

The member's Chromium is its own, on a real profile (a persistent context): a tap on a
notification from one of Playwright's throwaway (incognito-like) contexts never reached the
worker here."""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM, PHONE
from .helpers import api as _api
from .helpers import close_toasts as _close_toasts

# Not member1: other browser tests count member1's ops and log it in often (10 logins a minute).
MEMBER = "member4"
DESK = "town1"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, for python3-gi (the test venv has no GLib)

# The notification shade: owns org.freedesktop.Notifications, writes one JSON line per call it
# gets ({"notify": ...} / {"close": id}), and for each "<id> <key>" line read on stdin emits
# ActionInvoked(id, key), which is what a tap on the desktop's notification does.
SHADE = r"""
import json, sys, threading
from gi.repository import Gio, GLib

PATH, NAME = "/org/freedesktop/Notifications", "org.freedesktop.Notifications"
XML = '''<node><interface name="org.freedesktop.Notifications">
 <method name="GetCapabilities"><arg type="as" direction="out"/></method>
 <method name="GetServerInformation"><arg type="s" direction="out"/><arg type="s" direction="out"/>
  <arg type="s" direction="out"/><arg type="s" direction="out"/></method>
 <method name="Notify"><arg type="s" direction="in"/><arg type="u" direction="in"/>
  <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="s" direction="in"/>
  <arg type="as" direction="in"/><arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
  <arg type="u" direction="out"/></method>
 <method name="CloseNotification"><arg type="u" direction="in"/></method>
 <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
 <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
</interface></node>'''
last = [0]


def out(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def on_call(conn, sender, path, iface, method, params, inv):
    if method == "GetCapabilities":
        inv.return_value(GLib.Variant("(as)", (["actions", "body", "persistence"],)))
    elif method == "GetServerInformation":
        inv.return_value(GLib.Variant("(ssss)", ("e2e-shade", "yjt", "1.0", "1.2")))
    elif method == "Notify":
        app, replaces, icon, summary, body, actions, hints, timeout = params.unpack()
        if replaces:
            nid = replaces
        else:
            last[0] += 1
            nid = last[0]
        out({"notify": {"id": nid, "summary": summary, "body": body, "actions": actions}})
        inv.return_value(GLib.Variant("(u)", (nid,)))
    elif method == "CloseNotification":
        (nid,) = params.unpack()
        out({"close": nid})
        inv.return_value(None)
        conn.emit_signal(None, PATH, NAME, "NotificationClosed", GLib.Variant("(uu)", (nid, 3)))


def tap(conn, nid, key):
    conn.emit_signal(None, PATH, NAME, "ActionInvoked", GLib.Variant("(us)", (nid, key)))
    out({"tapped": [nid, key]})
    return False


def read_taps(conn):
    for line in sys.stdin:
        nid, key = line.split()
        GLib.idle_add(tap, conn, int(nid), key)


flags = Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION
conn = Gio.DBusConnection.new_for_address_sync(sys.argv[1], flags, None, None)
conn.register_object(PATH, Gio.DBusNodeInfo.new_for_xml(XML).interfaces[0], on_call, None, None)
got = conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
    "RequestName", GLib.Variant("(su)", (NAME, 4)), GLib.VariantType("(u)"), 0, -1, None)
out({"ready": got.unpack()[0] == 1})
threading.Thread(target=read_taps, args=(conn,), daemon=True).start()
GLib.MainLoop().run()
"""


# A session bus of its own: nothing else on it, and no services started on demand.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class Shade:
    """What the notification shade was asked to show, and a finger to tap it."""

    def __init__(self, proc):
        self.proc = proc
        self.lines: list[dict] = []
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(json.loads(line))
                self.cond.notify_all()

    def mark(self) -> int:
        """Where the record stands now: wait(since=mark) looks only at what came after."""
        with self.cond:
            return len(self.lines)

    def wait(self, test, timeout=15.0, since=0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in reversed(self.lines[since:]):
                    if test(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the shade never got that; it got {self.lines}")
                self.cond.wait(left)

    def shown(self, summary, since=0, timeout=15.0):
        """The newest notification shown with this title (after `since`)."""
        return self.wait(lambda line: line.get("notify", {}).get("summary") == summary, timeout, since)[
            "notify"
        ]

    def closed(self, nid):
        with self.cond:
            return {"close": nid} in self.lines

    def tap(self, note, label=None):
        """Taps a button by its label, or the notification itself (Chromium's "default" key)."""
        keys = dict(zip(note["actions"][1::2], note["actions"][0::2], strict=True))
        key = keys[label] if label else "default"
        since = self.mark()
        self.proc.stdin.write(f"{note['id']} {key}\n")
        self.proc.stdin.flush()
        self.wait(lambda line: line.get("tapped") == [note["id"], key], since=since)


def _stop(proc, reader=None):
    proc.terminate()
    proc.wait(10)
    if reader:
        reader.join(10)
    for pipe in (proc.stdin, proc.stdout):
        if pipe:
            pipe.close()


@pytest.fixture()
def shade(tmp_path):
    """A private D-Bus session bus with the stand-in notification shade on it."""
    dbus = shutil.which("dbus-daemon")
    gi = [SYSTEM_PYTHON, "-c", "from gi.repository import Gio"]
    if not dbus or not os.path.exists(SYSTEM_PYTHON) or subprocess.run(gi, capture_output=True).returncode:
        pytest.fail("the notification tests need a D-Bus session bus: apt-get install dbus-daemon python3-gi")
    config = tmp_path / "bus.conf"
    config.write_text(BUS_CONFIG)
    bus = subprocess.Popen(
        [dbus, f"--config-file={config}", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        address = bus.stdout.readline().strip()
        assert address.startswith("unix:"), address
        proc = subprocess.Popen(
            [SYSTEM_PYTHON, "-c", SHADE, address],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        shade = Shade(proc)
        try:
            assert shade.wait(lambda line: "ready" in line)["ready"] is True
            shade.address = address
            yield shade
        finally:
            _stop(proc, shade.reader)
    finally:
        _stop(bus)


class Phone:
    """The member's own Chromium on a real profile, notifications allowed, its notifications on
    the shade. `blank` is an about:blank tab (no window of the app) holding the DevTools session."""

    def __init__(self, ctx, base):
        self.ctx = ctx
        self.base = base
        self.blank = ctx.pages[0] if ctx.pages else ctx.new_page()
        self._cdp = None
        self._registration = None

    def app_pages(self):
        return [p for p in self.ctx.pages if p.url.startswith(self.base)]

    def worker(self):
        return next(w for w in self.ctx.service_workers if w.url == self.base + "/sw.js")

    def wait(self, ms=200):
        """Lets time pass while Playwright still takes in the browser's events."""
        self.blank.wait_for_timeout(ms)

    def push(self, data: str):
        """A push message to the app's worker, as the browser hands it one from a push service."""
        if self._cdp is None:
            regs = []
            self._cdp = self.ctx.new_cdp_session(self.blank)
            self._cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: regs.extend(e["registrations"]))
            self._cdp.send("ServiceWorker.enable")
            for _ in range(50):
                live = [r for r in regs if r["scopeURL"] == self.base + "/" and not r.get("isDeleted")]
                if live:
                    self._registration = live[-1]["registrationId"]
                    break
                self.wait(100)
            assert self._registration, regs
        self._cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": self.base, "registrationId": self._registration, "data": data},
        )

    def notifications(self, wait_for=None, timeout=10.0):
        """The worker's own list (registration.getNotifications()), read inside the worker; with
        `wait_for`, read again until a notification has that title.

        Read it only once the shade has the notification: a getNotifications() made while a
        showNotification() is still under way can make Chromium drop the new notification from
        its list for good (7 times in 10 here), though the shade shows it. The app never reads
        the list; only this test does."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self._notifications()
            if wait_for is None or any(n["title"] == wait_for for n in shown) or time.monotonic() > deadline:
                return shown
            self.wait(100)

    def _notifications(self):
        return self.worker().evaluate(
            """self.registration.getNotifications().then((list) => list.map((n) => ({
                title: n.title, body: n.body, tag: n.tag, lang: n.lang, data: n.data,
                requireInteraction: n.requireInteraction,
                actions: n.actions.map((a) => [a.action, a.title]) })))"""
        )

    def local_order(self, order_id):
        """The phone's copy of an order (IndexedDB "yjt", store "dispatches"), read by the worker."""
        return self.worker().evaluate(
            """(id) => new Promise((resolve, reject) => {
                const req = indexedDB.open("yjt");
                req.onerror = () => reject(req.error);
                req.onsuccess = () => {
                    const get = req.result.transaction("dispatches").objectStore("dispatches").get(id);
                    get.onsuccess = () => { resolve(get.result ?? null); req.result.close(); };
                    get.onerror = () => reject(get.error);
                };
            })""",
            order_id,
        )

    def watch_taps(self):
        """Notes every notificationclick the worker gets (beside the app's own listener)."""
        self.worker().evaluate(
            """self.__e2eTaps = [];
            self.addEventListener("notificationclick", (e) => self.__e2eTaps.push(
                { action: e.action, trusted: e.isTrusted, tag: e.notification.tag }))"""
        )

    def taps(self):
        return self.worker().evaluate("self.__e2eTaps")

    def window_clients(self):
        """The app's windows as the worker sees them (what its notificationclick looks for)."""
        return self.worker().evaluate(
            "self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((l) => l.length)"
        )


@pytest.fixture()
def member_phone(browser, server, shade, tmp_path):
    ctx = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": shade.address},
        viewport=PHONE,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    ctx.grant_permissions(["notifications"], origin=server["base"])
    try:
        yield Phone(ctx, server["base"])
    finally:
        ctx.close()


def _send_order(server, title):
    """The desk sends an order to the member; answers (order, member, the push payload the
    delivery worker sends for it: server/delivery/service.py `_send`, from the queued row)."""
    desk = _api(server["base"], DESK)
    member = next(m for m in desk("GET", "/api/v1/members?limit=200")["items"] if m["username"] == MEMBER)
    order = desk(
        "POST",
        "/api/v1/dispatches",
        {
            "title": title,
            "location": {"lat": 25.05, "lon": 116.42},
            "member_ids": [member["id"]],
            "muster_point": "村委会门口",
            "bring": "雨衣、手电",
        },
    )
    con = sqlite3.connect(server["db"])
    try:
        kind, ref_id, n_title, n_body = con.execute(
            "SELECT kind, ref_id, title, body FROM notifications WHERE user_id = ? AND ref_id = ?",
            (uuid.UUID(member["id"]).hex, order["id"]),
        ).fetchone()
    finally:
        con.close()
    payload = {"type": kind, "id": ref_id, "title": n_title, "body": n_body}
    assert payload == {
        "type": "dispatch",
        "id": order["id"],
        "title": f"调度任务：{title}",
        "body": "集合：村委会门口；携带：雨衣、手电",
    }
    return order, member, payload


def _login(page):
    page.goto("/")
    page.get_by_label("用户名").fill(MEMBER)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text(re.compile("救援队员"))).to_be_visible()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    assert page.evaluate("Notification.permission") == "granted"


def _order_notification(payload):
    return {
        "title": payload["title"],
        "body": payload["body"],
        "tag": f"dispatch-{payload['id']}",
        "lang": "zh-CN",
        "data": payload,
        "requireInteraction": True,
        "actions": [["accept", "接受"], ["decline", "拒绝"]],
    }


def _server_answer(server, order, member):
    """The member's line of the order as the desk reads it, and how often the server took an
    answer for it: ops through the sync door, audit rows, and the delivery cascade's state."""
    desk = _api(server["base"], DESK)
    line = next(
        t
        for t in desk("GET", f"/api/v1/dispatches/{order['id']}")["targets"]
        if t["member_id"] == member["id"]
    )
    con = sqlite3.connect(server["db"])
    try:
        ops = con.execute(
            "SELECT status FROM sync_ops WHERE user_id = ? AND type = 'dispatch.respond' AND result LIKE ?",
            (uuid.UUID(member["id"]).hex, f"%{order['id']}%"),
        ).fetchall()
        audit = con.execute(
            "SELECT changes FROM audit_entries WHERE action = 'dispatch.respond' AND entity_id = ?",
            (order["id"],),
        ).fetchall()
        (delivery,) = con.execute(
            "SELECT state FROM notifications WHERE kind = 'dispatch' AND ref_id = ? AND user_id = ?",
            (order["id"], uuid.UUID(member["id"]).hex),
        ).fetchone()
    finally:
        con.close()
    return {
        "response": line["response"],
        "status": line["status"],
        "ops": [s for (s,) in ops],
        "audit": [json.loads(c) for (c,) in audit],
        "delivery": delivery,
    }


@pytest.mark.parametrize("seen", [False, True], ids=["order-not-on-phone", "order-on-phone"])
def test_accept_on_the_notification_with_the_app_closed(server, member_phone, shade, screens, seen):
    """接受 on the notification, with no window of the app left. The worker answers from the
    phone's copy of the order when it has one (the app was open when the order came and the
    member looked at 我的任务), else queues the answer alone (the app was closed all along): both
    ways it goes through the outbox and reaches the server once."""
    phone = member_phone
    title = "河堤管涌排查（通知测试）" if seen else "水库巡查（通知测试）"
    page = phone.ctx.new_page()
    _login(page)
    if seen:
        order, member, payload = _send_order(server, title)
        # The push comes while the app is open: the app says so in-app too.
        phone.push(json.dumps(payload, ensure_ascii=False))
        expect(page.get_by_text(f"新任务：{payload['title']}")).to_be_visible(timeout=10000)
        page.goto("/orders")
        expect(page.locator(f'[data-order="{order["id"]}"]')).to_contain_text("待回复", timeout=10000)
        page.close()
    else:
        # The app is closed before the order goes out; the push comes to the worker alone.
        page.close()
        order, member, payload = _send_order(server, title)
        phone.push(json.dumps(payload, ensure_ascii=False))

    # No window of the app is left: only its service worker (and a blank tab holding DevTools).
    assert phone.app_pages() == []
    assert phone.window_clients() == 0
    note = shade.shown(payload["title"])
    assert payload["body"] in note["body"]  # Chromium puts the site's host above it
    assert note["actions"][:4] == ["0", "接受", "1", "拒绝"]
    assert phone.notifications(wait_for=payload["title"]) == [_order_notification(payload)]
    local = phone.local_order(order["id"])
    if seen:
        assert (local["_status"], [t["response"] for t in local["targets"]]) == ("synced", ["pending"])
    else:
        assert local is None

    # 接受 on the notification: Chromium's own click, trusted, with the button's action.
    phone.watch_taps()
    shade.tap(note, "接受")
    done = shade.shown("已接受任务")
    assert phone.taps() == [{"action": "accept", "trusted": True, "tag": f"dispatch-{order['id']}"}]
    assert payload["title"] in done["body"]
    assert shade.closed(note["id"])  # the tapped notification went away
    assert phone.notifications(wait_for="已接受任务") == [
        {
            "title": "已接受任务",
            "body": payload["title"],
            "tag": f"dispatch-{order['id']}",
            "lang": "zh-CN",
            "data": None,
            "requireInteraction": False,
            "actions": [],
        }
    ]
    # "已接受任务" is shown after the flush: the server has the answer, once, and the cascade
    # (SMS, then a call) stopped.
    want = {
        "response": "accepted",
        "status": "accepted",
        "ops": ["applied"],
        "audit": [{"response": "accepted"}],
        "delivery": "answered",
    }
    assert _server_answer(server, order, member) == want
    assert phone.app_pages() == []  # the answer opened nothing
    # The phone's copy now holds the server's answer (stored by the worker's flush).
    local = phone.local_order(order["id"])
    assert (local["_status"], [t["response"] for t in local["targets"]]) == ("synced", ["accepted"])

    # The app opened again shows the answer, sent; opening it sends nothing again.
    page = phone.ctx.new_page()
    page.goto(f"/orders/{order['id']}")
    expect(page.get_by_role("heading", name="任务详情")).to_be_visible()
    expect(page.locator(".order-title")).to_have_text(title)
    expect(page.locator("#order-state")).to_have_text("已接受")
    expect(page.locator("#order-op-state")).to_have_text("已发送")
    expect(page.get_by_role("button", name="出发", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="接受", exact=True)).to_have_count(0)
    expect(page.locator(".pending")).to_be_hidden()
    _close_toasts(page)
    screens(page, f"push-01-accepted-from-notification-{'seen' if seen else 'unseen'}-phone")
    page.goto("/orders")
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()
    card = page.locator(f'[data-order="{order["id"]}"]')
    expect(card).to_contain_text("已接受")
    _close_toasts(page)
    screens(page, f"push-02-orders-after-answer-{'seen' if seen else 'unseen'}-phone")
    page.wait_for_timeout(1500)
    assert _server_answer(server, order, member) == want


def test_a_tap_on_the_notification_opens_the_order(server, member_phone, shade, screens):
    phone = member_phone
    page = phone.ctx.new_page()
    _login(page)
    order, _, payload = _send_order(server, "转移群众（通知测试）")
    path = f"/orders/{order['id']}"

    # With the app open, a tap brings it to the order.
    phone.push(json.dumps(payload, ensure_ascii=False))
    note = shade.shown(payload["title"])
    phone.watch_taps()
    shade.tap(note)
    expect(page).to_have_url(phone.base + path)
    expect(page.locator("#order-state")).to_have_text("待回复")
    assert len(phone.app_pages()) == 1
    assert phone.taps() == [{"action": "", "trusted": True, "tag": f"dispatch-{order['id']}"}]
    assert shade.closed(note["id"])

    # With the app closed, a tap opens it (clients.openWindow) at the order.
    since = shade.mark()
    phone.push(json.dumps(payload, ensure_ascii=False))
    note = shade.shown(payload["title"], since)
    page.close()
    assert phone.app_pages() == []
    with phone.ctx.expect_page(timeout=15000) as opened:
        shade.tap(note)
    page = opened.value
    expect(page).to_have_url(phone.base + path)
    assert shade.closed(note["id"])
    expect(page.get_by_role("heading", name="任务详情")).to_be_visible()
    expect(page.locator(".order-title")).to_have_text("转移群众（通知测试）")
    expect(page.locator("#order-state")).to_have_text("待回复")
    expect(page.get_by_role("button", name="接受", exact=True)).to_be_visible()
    assert [p.url for p in phone.app_pages()] == [phone.base + path]
    _close_toasts(page)
    screens(page, "push-03-order-opened-from-notification-phone")


def test_a_push_that_is_not_json_still_shows_a_notification(server, member_phone, shade):
    phone = member_phone
    page = phone.ctx.new_page()
    _login(page)
    page.close()

    phone.push("明早8点在村委会开会")
    note = shade.shown("应急通")
    assert note["body"].endswith("明早8点在村委会开会")
    assert phone.notifications(wait_for="应急通") == [
        {
            "title": "应急通",
            "body": "明早8点在村委会开会",
            "tag": "yjt",
            "lang": "zh-CN",
            "data": {"body": "明早8点在村委会开会"},
            "requireInteraction": False,
            "actions": [],
        }
    ]

    # Nor does a push with nothing in it: the worker's own words stand in.
    since = shade.mark()
    phone.push("")
    note = shade.shown("应急通", since)
    assert note["body"].endswith("你有新消息。")
    assert [(n["title"], n["body"], n["tag"]) for n in phone.notifications()] == [
        ("应急通", "你有新消息。", "yjt")
    ]
