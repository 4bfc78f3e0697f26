"""One commit point per REST request: after a view that succeeded; a view that fails, or a
commit that fails, leaves nothing behind and is answered as problem+json."""

import uuid

import pytest
import sqlalchemy as sa

from server.core.audit import AuditEntry
from server.core.unit_of_work import CommitInsideRequest
from server.errors import ApiProblem
from server.extensions import db
from server.teams import service as teams
from server.teams.models import Team

from ..dbstate import changed_tables, commit_fails, committed_rows

TEAMS = "/api/v1/teams"


def _team(ids, name="临城镇第二应急分队"):
    return {"name": name, "region_id": ids["regions"]["临城镇"]}


def test_a_successful_request_is_committed_and_seen_from_another_connection(app, auth, ids):
    resp = auth("admin").post(TEAMS, json=_team(ids))
    assert resp.status_code == 201, resp.json
    with app.app_context(), db.engine.connect() as conn:
        name = conn.scalar(sa.select(Team.name).where(Team.id == uuid.UUID(resp.json["id"])))
        # Its audit row went with it, in the same transaction.
        audited = conn.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "team.create", AuditEntry.entity_id == str(resp.json["id"]))
        )
    assert name == "临城镇第二应急分队" and audited == 1


@pytest.mark.parametrize(
    "failure",
    [
        RuntimeError("a bug after the service flushed"),
        ApiProblem(409, "conflict", "Conflict", "refused after the service flushed"),
    ],
    ids=["bug", "refusal"],
)
def test_a_request_whose_view_fails_after_the_service_flushed_leaves_nothing(
    app, auth, ids, monkeypatch, failure
):
    real = teams.create_team
    flushed = []

    def create_then_fail(actor, data):
        team = real(actor, data)
        flushed.append(team.id)  # the row is in the database's transaction by now
        raise failure

    monkeypatch.setattr(teams, "create_team", create_then_fail)
    admin = auth("admin")
    before = committed_rows(app)
    resp = admin.post(TEAMS, json=_team(ids))
    assert flushed, "the service ran and flushed"
    assert resp.status_code == (500 if isinstance(failure, RuntimeError) else 409)
    assert resp.mimetype == "application/problem+json"
    assert changed_tables(before, committed_rows(app)) == set()


@pytest.mark.parametrize(
    ("error", "status", "slug"),
    [
        (
            sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection")),
            503,
            "unavailable",
        ),
        (sa.exc.IntegrityError("COMMIT", {}, Exception("duplicate key")), 409, "conflict"),
    ],
    ids=["database-away", "unique-key-race"],
)
def test_a_commit_that_fails_is_a_problem_answer_and_keeps_nothing(app, auth, ids, error, status, slug):
    admin = auth("admin")
    before = committed_rows(app)
    with commit_fails(app, error):
        resp = admin.post(TEAMS, json=_team(ids))
    assert resp.status_code == status
    assert resp.mimetype == "application/problem+json"
    assert resp.json["type"].endswith("/" + slug)
    assert changed_tables(before, committed_rows(app)) == set()
    # The same request again, once the database answers, goes through.
    assert admin.post(TEAMS, json=_team(ids)).status_code == 201


@pytest.mark.parametrize("testing", [True, False], ids=["under-test", "in-production"])
def test_a_service_that_commits_during_a_request_is_refused_and_keeps_nothing(
    app, auth, ids, monkeypatch, testing
):
    real = teams.create_team

    def create_and_commit(actor, data):
        team = real(actor, data)
        db.session.commit()  # what a service must never do: the request commits once, after
        return team

    monkeypatch.setattr(teams, "create_team", create_and_commit)
    monkeypatch.setitem(app.config, "TESTING", testing)
    admin = auth("admin")
    before = committed_rows(app)
    if testing:
        with pytest.raises(CommitInsideRequest):
            admin.post(TEAMS, json=_team(ids))
    else:
        resp = admin.post(TEAMS, json=_team(ids))
        assert resp.status_code == 500
        assert resp.mimetype == "application/problem+json"
        assert resp.json["type"].endswith("/internal")
    assert changed_tables(before, committed_rows(app)) == set()
