"""Situation reports (灾情报告): the order of 初报 / 续报 / 核报, the checks on the figures, a
lower figure needing a reason, and who may file what; each refusal a problem+json that changes
nothing."""

import uuid

import pytest

from ..dbstate import changed_tables, committed_rows
from .helpers import EVENTS, V1, V1B, V2, figures, file, open_event, report_body


@pytest.fixture(autouse=True)
def _logged_in(tokens):
    """Everyone logs in first: a login writes rows, and the refusals below must write none."""
    for username in ("officer1", "officer2", "town1", "town2", "duty", "member1"):
        tokens(username)


@pytest.fixture()
def event(auth, ids):
    return open_event(auth, ids)


def _refused(app, call, status, problem):
    before = committed_rows(app)
    resp = call()
    assert resp.status_code == status, resp.json
    assert resp.mimetype == "application/problem+json"
    assert resp.json["type"].endswith("/" + problem), resp.json
    assert changed_tables(before, committed_rows(app)) == set()
    return resp.json


def test_an_officer_files_an_initial_report_for_their_village_and_reads_it_back(auth, ids, event):
    officer = auth("officer1")
    resp = file(
        officer,
        event["id"],
        affected=120,
        dead=1,
        injured=3,
        evacuated=300,
        resettled=280,
        houses_collapsed=2,
        crops_affected_ha="35.50",
        loss_10k_yuan="128.25",
        note="村口桥被冲毁",
    )
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["kind"] == "initial" and body["seq"] == 1
    assert body["region_id"] == ids["regions"][V1]
    assert body["figures"] == figures(
        affected=120,
        dead=1,
        injured=3,
        evacuated=300,
        resettled=280,
        houses_collapsed=2,
        crops_affected_ha="35.50",
        loss_10k_yuan="128.25",
    )
    detail = officer.get(f"{EVENTS}/{event['id']}").json
    assert [r["id"] for r in detail["reports"]] == [body["id"]]
    # The same report again (a retry) is the same report, not a second one.
    again = officer.post(
        f"{EVENTS}/{event['id']}/reports", json={**report_body(report_id=body["id"]), **_figures_of(body)}
    )
    assert again.status_code == 200 and again.json["id"] == body["id"]
    assert len(officer.get(f"{EVENTS}/{event['id']}").json["reports"]) == 1


def _figures_of(body):
    return {**body["figures"], "note": body["note"]}


@pytest.mark.parametrize(
    "over, field",
    [
        ({"affected": -1}, "affected"),
        ({"houses_light": -3}, "houses_light"),
        ({"crops_lost_ha": "-0.01"}, "crops_lost_ha"),
        ({"loss_10k_yuan": "1.005"}, "loss_10k_yuan"),
        ({"loss_10k_yuan": "NaN"}, "loss_10k_yuan"),
        ({"affected": 5, "dead": 6}, "dead"),
        ({"affected": 5, "missing": 6}, "missing"),
        ({"affected": 5, "injured": 6}, "injured"),
        ({"crops_affected_ha": "1.00", "crops_lost_ha": "1.01"}, "crops_lost_ha"),
        ({"affected": 1.5}, "affected"),
        ({"affected": "12"}, "affected"),
    ],
)
def test_impossible_figures_are_refused_naming_the_field(app, auth, event, over, field):
    body = _refused(app, lambda: file(auth("officer1"), event["id"], **over), 422, "validation")
    assert field in body["errors"], body


def test_evacuated_and_resettled_may_exceed_the_affected(auth, event):
    # People moved out of harm's way before the typhoon struck are evacuated, not affected.
    resp = file(auth("officer1"), event["id"], affected=10, evacuated=400, resettled=350)
    assert resp.status_code == 201, resp.json


def test_a_missing_figure_is_refused(app, auth, event):
    body = report_body()
    del body["dead"]
    resp = _refused(
        app, lambda: auth("officer1").post(f"{EVENTS}/{event['id']}/reports", json=body), 422, "validation"
    )
    assert "dead" in resp["errors"]


def test_a_follow_up_lower_than_the_last_needs_a_reason_and_is_taken_with_one(app, auth, event):
    officer = auth("officer1")
    assert file(officer, event["id"], affected=100, missing=4, loss_10k_yuan="50.00").status_code == 201
    body = _refused(
        app,
        lambda: file(officer, event["id"], kind="follow_up", affected=120, missing=2, loss_10k_yuan="49.99"),
        422,
        "figure-lowered",
    )
    assert sorted(body["fields"]) == ["loss_10k_yuan", "missing"]
    assert set(body["errors"]) == {"missing", "loss_10k_yuan"}
    assert body["previous"] == {"missing": 4, "loss_10k_yuan": "50.00"}
    # A blank reason is no reason.
    _refused(
        app,
        lambda: file(
            officer,
            event["id"],
            kind="follow_up",
            affected=120,
            missing=2,
            loss_10k_yuan="49.99",
            reason="  ",
        ),
        422,
        "figure-lowered",
    )
    taken = file(
        officer,
        event["id"],
        kind="follow_up",
        affected=120,
        missing=2,
        loss_10k_yuan="49.99",
        reason="两名失踪人员已找到",
    )
    assert taken.status_code == 201, taken.json
    assert taken.json["seq"] == 2 and taken.json["reason"] == "两名失踪人员已找到"
    # Higher or equal figures need none.
    assert (
        file(
            officer, event["id"], kind="follow_up", affected=130, missing=2, loss_10k_yuan="49.99"
        ).status_code
        == 201
    )


def test_the_order_initial_follow_ups_verified_is_kept(app, auth, event):
    officer, desk = auth("officer1"), auth("town1")
    _refused(app, lambda: file(officer, event["id"], kind="follow_up", affected=1), 409, "report-order")
    _refused(app, lambda: file(officer, event["id"], kind="verified", affected=1), 409, "report-order")
    assert file(officer, event["id"], affected=10).status_code == 201
    _refused(app, lambda: file(officer, event["id"], affected=10), 409, "report-order")
    assert file(officer, event["id"], kind="follow_up", affected=12).status_code == 201
    assert file(officer, event["id"], kind="verified", affected=12).status_code == 201
    # After the verified report, only the desk corrects, and a correction is a verified report.
    _refused(app, lambda: file(officer, event["id"], kind="follow_up", affected=13), 403, "report-verified")
    _refused(
        app,
        lambda: file(desk, event["id"], kind="follow_up", affected=13, region_id=officer_village(auth)),
        409,
        "report-order",
    )
    fixed = file(
        desk,
        event["id"],
        kind="verified",
        affected=11,
        reason="核实重复统计1人",
        region_id=officer_village(auth),
    )
    assert fixed.status_code == 201, fixed.json
    assert fixed.json["seq"] == 4


def officer_village(auth):
    return auth("officer1").get("/api/v1/me").json["region_id"]


def test_an_officer_files_only_for_a_village_of_theirs_in_the_event(app, auth, ids):
    event = open_event(auth, ids, regions=(V1B, V2))  # not officer1's 城东村
    officer = auth("officer1")
    # officer1 sees no village of this event: the event itself is not theirs.
    _refused(app, lambda: file(officer, event["id"], affected=1), 404, "not-found")
    both = open_event(auth, ids)
    body = _refused(
        app, lambda: file(officer, both["id"], affected=1, region_id=ids["regions"][V1B]), 422, "validation"
    )
    assert "region_id" in body["errors"]
    _refused(
        app,
        lambda: file(auth("officer2"), both["id"], affected=1, region_id=ids["regions"][V1]),
        422,
        "validation",
    )


def test_the_same_id_with_other_figures_is_a_conflict(app, auth, event):
    officer = auth("officer1")
    first = file(officer, event["id"], affected=10)
    assert first.status_code == 201
    _refused(
        app,
        lambda: file(officer, event["id"], report_id=first.json["id"], kind="follow_up", affected=11),
        409,
        "conflict",
    )


def test_a_closed_event_takes_no_more_reports_from_officers(app, auth, event):
    assert auth("duty").post(f"{EVENTS}/{event['id']}/close").status_code == 200
    _refused(app, lambda: file(auth("officer1"), event["id"], affected=1), 409, "disaster-closed")


def test_roles_other_than_officers_and_the_desk_may_not_file_and_officers_may_not_open(app, auth, ids, event):
    _refused(app, lambda: file(auth("member1"), event["id"], affected=1), 403, "forbidden")
    _refused(
        app,
        lambda: auth("officer1").post(
            EVENTS, json={"kind": "flood", "name": "x", "region_ids": [ids["regions"][V1]]}
        ),
        403,
        "forbidden",
    )
    _refused(app, lambda: auth("officer1").get(f"{EVENTS}/{event['id']}/summary"), 403, "forbidden")


def test_opening_an_event_outside_ones_region_is_refused(app, auth, ids):
    body = _refused(
        app,
        lambda: auth("town1").post(
            EVENTS, json={"kind": "flood", "name": "洪水", "region_ids": [ids["regions"]["古田镇"]]}
        ),
        422,
        "validation",
    )
    assert "region_ids.0" in body["errors"]


def test_an_event_lists_its_villages_and_due_time(auth, ids, app):
    event = open_event(auth, ids, regions=("临城镇", V2), opened_at="2026-12-02T08:00:00+08:00")
    assert sorted(event["village_ids"]) == sorted(
        ids["regions"][v] for v in ("城东村", "紫金村", "浮竹村", V2)
    )
    assert event["initial_due_at"].startswith("2026-12-02T02:00:00")  # 10:00 China time, 2 hours on
    listed = auth("officer2").get(f"{EVENTS}?status=open").json
    assert [e["id"] for e in listed["items"]] == [event["id"]]
    assert auth("officer2").get(f"{EVENTS}?status=closed").json["items"] == []
    assert auth("town2").get(f"{EVENTS}/{uuid.uuid4()}").status_code == 404
