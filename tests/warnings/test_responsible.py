"""Each caller is told whether they are one of a warning's responsible persons (asked for 收到)
and when they acknowledged: in the list, the detail and the feed their phone pulls."""

from .helpers import SYNC, ack_op, issue, pulled


def _listed(client, warning_id):
    items = client.get("/api/v1/warnings?limit=200").json["items"]
    return next(i for i in items if i["id"] == warning_id)


def test_the_responsible_are_told_so_and_the_others_are_not(auth, ids):
    w = issue(auth, ids, who="duty")
    for user in ("town1", "captain1", "officer1"):
        client = auth(user)
        assert _listed(client, w["id"])["responsible"] is True, user
        one = client.get(f"/api/v1/warnings/{w['id']}").json
        assert one["responsible"] is True and one["acked"] is False and one["acked_at"] is None, user
        assert pulled(client, w["id"])[-1]["data"]["responsible"] is True, user
    for user in ("member1", "shelter1"):
        client = auth(user)
        assert _listed(client, w["id"])["responsible"] is False, user
        assert client.get(f"/api/v1/warnings/{w['id']}").json["responsible"] is False, user
        assert pulled(client, w["id"])[-1]["data"]["responsible"] is False, user
    # The desk that issued it is asked nothing.
    assert auth("duty").get(f"/api/v1/warnings/{w['id']}").json["responsible"] is False


def test_acked_at_is_the_callers_own_and_stays_the_first(auth, ids):
    w = issue(auth, ids, who="duty")
    officer = auth("officer1")
    first = officer.post(SYNC, json={"ops": [ack_op(w["id"])]}).json["results"][0]["entity"]
    assert first["acked"] is True and first["acked_at"]
    again = officer.post(f"/api/v1/warnings/{w['id']}/ack").json
    assert again["acked_at"] == first["acked_at"]
    assert _listed(officer, w["id"])["acked_at"] == first["acked_at"]
    assert officer.get(f"/api/v1/warnings/{w['id']}").json["acked_at"] == first["acked_at"]
    # Someone else's list says nothing of it.
    other = _listed(auth("captain1"), w["id"])
    assert other["acked"] is False and other["acked_at"] is None


def test_a_cancel_asks_nobody_to_acknowledge(auth, ids):
    w = issue(auth, ids, who="duty")
    cancel = auth("duty").post(f"/api/v1/warnings/{w['id']}/cancel", json={"reason": "台风已减弱"})
    assert cancel.status_code == 201, cancel.json
    got = auth("captain1").get(f"/api/v1/warnings/{cancel.json['id']}").json
    assert got["msg_type"] == "cancel" and got["responsible"] is False
    # The first message stays theirs to have acknowledged (or not), but it is over.
    first = auth("captain1").get(f"/api/v1/warnings/{w['id']}").json
    assert first["responsible"] is True and first["cancelled"] is True and first["active"] is False
