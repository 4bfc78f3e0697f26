"""User administration: validation, uniqueness, self-lockout, audit without secrets."""

from hypothesis import given
from hypothesis import strategies as st

from server.core.schemas import normalise_phone


def _new_user(ids, **over):
    body = {
        "username": "newmember",
        "password": "long-enough-1",
        "display_name": "张新",
        "role": "member",
        "region_id": ids["regions"]["临城镇"],
        "phone": "138 0013 8000",
        "team_id": ids["teams"][ids["regions"]["临城镇"]],
        "team_role": "member",
    }
    body.update(over)
    return body


def test_admin_creates_a_member_who_can_then_log_in(auth, ids, app):
    resp = auth("admin").post("/api/v1/users", json=_new_user(ids))
    assert resp.status_code == 201, resp.json
    assert resp.json["phone"] == "+8613800138000"
    assert "password" not in resp.json
    login = app.test_client().post(
        "/api/v1/auth/login", json={"username": "newmember", "password": "long-enough-1"}
    )
    assert login.status_code == 200
    members = auth("captain1").get("/api/v1/members?limit=200").json["items"]
    assert "newmember" in {m["username"] for m in members}


def test_bad_user_fields_each_get_a_message_and_nothing_is_created(auth, ids):
    admin = auth("admin")
    before = admin.get("/api/v1/users").json["total"]
    resp = admin.post(
        "/api/v1/users",
        json=_new_user(ids, username="x", password="short", role="king", phone="12345", extra=1),
    )
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    assert {"username", "password", "role", "phone", "extra"} <= set(resp.json["errors"])
    assert admin.get("/api/v1/users").json["total"] == before


def test_a_taken_username_is_a_conflict(auth, ids):
    resp = auth("admin").post("/api/v1/users", json=_new_user(ids, username="member1"))
    assert resp.status_code == 409
    assert "username" in resp.json["errors"]


def test_an_admin_cannot_lock_themselves_out(auth, ids):
    admin = auth("admin")
    me = ids["users"]["admin"]
    assert admin.patch(f"/api/v1/users/{me}", json={"active": False}).status_code == 409
    assert admin.patch(f"/api/v1/users/{me}", json={"role": "member"}).status_code == 409
    assert admin.get("/api/v1/me").json["role"] == "admin"


def test_every_write_is_audited_with_actor_and_device_and_no_password(auth, ids):
    admin = auth("admin")
    resp = admin.post(
        "/api/v1/users", json=_new_user(ids, username="audited"), headers={"X-Device-Id": "desk-pc-1"}
    )
    new_id = resp.json["id"]
    admin.patch(f"/api/v1/users/{new_id}", json={"password": "another-pass-2"})
    entries = admin.get(f"/api/v1/audit?entity_id={new_id}").json["items"]
    actions = [e["action"] for e in entries]
    assert actions == ["user.update", "user.create"]  # newest first
    create = entries[1]
    assert create["actor_id"] == ids["users"]["admin"]
    assert create["device_id"] == "desk-pc-1"
    assert create["changes"]["username"] == "audited"
    text = str(entries)
    assert "long-enough-1" not in text and "another-pass-2" not in text
    assert entries[0]["changes"]["password"] == "***"


def test_township_officers_do_not_see_county_level_audit(auth, ids):
    auth("admin").patch(f"/api/v1/users/{ids['users']['member5']}", json={"display_name": "改"})
    assert auth("town1").get("/api/v1/audit").status_code == 403


def test_lists_page_through_every_user_exactly_once(auth):
    admin = auth("admin")
    seen, cursor = [], None
    while True:
        url = "/api/v1/users?limit=7" + (f"&cursor={cursor}" if cursor else "")
        page = admin.get(url).json
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == page["total"]


def test_a_forged_cursor_is_a_400_problem(auth):
    resp = auth("admin").get("/api/v1/users?cursor=%%%garbage")
    assert resp.status_code == 400
    assert auth("admin").get("/api/v1/users?limit=0").status_code == 422
    assert auth("admin").get("/api/v1/users?limit=abc").status_code == 422


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_any_mainland_mobile_number_normalises_to_e164(number):
    assert normalise_phone(number) == "+86" + number
    assert normalise_phone("+86" + number) == "+86" + number
    assert normalise_phone(f"{number[:3]} {number[3:7]} {number[7:]}") == "+86" + number
