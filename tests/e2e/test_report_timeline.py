"""上报详情 shows a hazard's life as the server keeps it (处理经过): each step in words, who, when in
China time, the reason or comment, the after-photos' count; the risk colour with its word. Offline
it shows what the phone kept when it last read it, the timeline included."""

import io
import json
import re
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll
from .test_sizes import CHECK


def _token(base, username) -> str:
    req = urllib.request.Request(
        base + "/api/v1/auth/login",
        data=json.dumps({"username": username, "password": "demo12345"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)["access_token"]


def _upload_photo(base, username) -> str:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (60, 140, 60)).save(out, "JPEG")
    media_id = str(uuid.uuid4())
    req = urllib.request.Request(
        f"{base}/api/v1/media/{media_id}",
        method="PUT",
        data=out.getvalue(),
        headers={"Authorization": f"Bearer {_token(base, username)}", "Content-Type": "image/jpeg"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 201
    return media_id


def _life(base) -> str:
    """A report by officer1, verified and assigned by town1, fixed by member2 with a photo,
    closed by the county desk: all over the API, as the desk and the phones would."""
    officer, desk, worker, county = (api(base, u) for u in ("officer1", "town1", "member2", "duty"))
    users = {u["username"]: u["id"] for u in desk("GET", "/api/v1/users?limit=200")["items"]}
    report_id = str(uuid.uuid4())
    officer(
        "POST",
        "/api/v1/reports",
        {
            "id": report_id,
            "category": "geological",
            "description": "村口山体有裂缝，雨后扩大",
            "location": {"lat": 25.056, "lon": 116.442},
        },
    )
    path = f"/api/v1/reports/{report_id}"
    desk("POST", f"{path}/verify", {"severity": "red", "comment": "现场核实属实"})
    deadline = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    desk(
        "POST",
        f"{path}/assign",
        {"responsible_unit": "临城镇国土所", "assignee_id": users["member2"], "deadline_at": deadline},
    )
    worker("POST", f"{path}/start", {})
    photo = {
        "media_id": _upload_photo(base, "member2"),
        "taken_at": datetime.now(UTC).isoformat(),
        "location": {"lat": 25.0561, "lon": 116.4421},
    }
    worker("POST", f"{path}/rectify", {"photos": [photo], "comment": "已清理危石"})
    county("POST", f"{path}/close", {"comment": "复核合格，销号"})
    return report_id


def test_the_report_detail_shows_its_life_online_and_what_it_has_offline(phone, server, screens):
    report_id = _life(server["base"])
    phone.goto("/")
    phone.get_by_label("用户名").fill("officer1")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.locator(".role-chip")).to_be_visible()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)

    phone.goto(f"/reports/{report_id}")
    expect(phone.get_by_role("heading", name="处理经过")).to_be_visible()
    steps = phone.locator("#rd-timeline .tl-step")
    expect(steps).to_have_count(6)
    kinds = [steps.nth(i).get_attribute("data-kind") for i in range(6)]
    assert kinds == ["report", "verify", "assign", "start", "rectify", "close"]
    expect(steps.nth(1)).to_contain_text("核实：重大")
    expect(steps.nth(1)).to_contain_text("现场核实属实")
    expect(steps.nth(2)).to_contain_text("临城镇国土所")
    expect(steps.nth(2)).to_contain_text("限")
    expect(steps.nth(4)).to_contain_text("照片 1 张")
    expect(steps.nth(5)).to_contain_text("复核销号")
    # Times read as China's (年月日 时:分).
    expect(steps.nth(5).locator(".tl-meta")).to_have_text(
        re.compile(r"\d{4}年\d{1,2}月\d{1,2}日.*\d{2}:\d{2}")
    )
    expect(phone.locator("#rd-server-state")).to_contain_text("已办结")
    # The risk colour always with its word.
    expect(phone.locator(".sev-word")).to_contain_text("重大")
    close_toasts(phone)
    no_sideways_scroll(phone)
    screens(phone, "report-timeline-390")
    assert phone.evaluate(CHECK) == {"small": [], "tiny": [], "sideways": False}

    # Offline: the phone's copy still says where it stands, with the timeline it read last time
    # (kept on the phone when the detail was read online), and says so.
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_role("heading", name="处理经过")).to_be_visible()
    expect(phone.locator("#rd-server-state")).to_contain_text("已办结")
    expect(phone.locator("#rd-timeline .tl-step")).to_have_count(6)
    expect(phone.locator("#rd-timeline .tl-cached")).to_contain_text("上次联网时存下")
    close_toasts(phone)
    no_sideways_scroll(phone)
    screens(phone, "report-timeline-offline-390")
    phone.context.set_offline(False)
