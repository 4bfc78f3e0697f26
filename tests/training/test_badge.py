"""A member's own badge: the code the captain's scanner reads at a roll, and its QR; a badge's
code marks its member through training.attend; nobody outside a team has one."""

import base64
import urllib.parse

import pytest

from .helpers import attend_op, plan, push


def test_a_member_gets_his_own_badge_and_its_code_marks_him(auth, ids):
    member = auth("member2")
    got = member.get("/api/v1/me/badge")
    assert got.status_code == 200, got.json
    me = ids["users"]["member2"]
    assert got.json["member_id"] == me and got.json["code"] == f"member:{me}"
    assert got.headers["Cache-Control"].startswith("no-store")
    head, _, data = got.json["qr"].partition(",")
    assert head.startswith("data:image/svg+xml")
    svg = urllib.parse.unquote(data) if "base64" not in head else base64.b64decode(data).decode()
    assert "<svg" in svg and "<path" in svg
    drill = plan(auth, ids)
    (result,) = push(auth("captain1"), attend_op(drill["id"], badge=got.json["code"], method="badge"))
    assert result["status"] == "applied", result
    assert result["entity"]["member_id"] == me and result["entity"]["method"] == "badge"


@pytest.mark.parametrize(
    ("who", "status"), [("captain1", 200), ("town1", 404), ("duty", 404), ("officer1", 403)]
)
def test_only_a_teams_captain_and_members_have_a_badge(auth, who, status):
    resp = auth(who).get("/api/v1/me/badge")
    assert resp.status_code == status, resp.json
    if status != 200:
        assert resp.headers["Content-Type"].startswith("application/problem+json")
