"""The sync door refuses an op whose handler commits or rolls back the batch's transaction: a
commit would keep the op's effect without its ledger row (a resend applies it twice), a rollback
would drop the ops before it that were already answered "applied"."""

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from server.core.unit_of_work import TransactionEndedInsideOp
from server.errors import ApiProblem
from server.extensions import db
from server.reports import service as reports
from server.reports.schemas import ReportCreateSchema, ReportSchema
from server.sync.handlers import HANDLERS, OpHandler

from ..dbstate import changed_tables, committed_rows
from .helpers import batch, report_op

SYNC = "/api/v1/sync"


def _commits(actor, data, at):
    report = reports.create_report(actor, data, at)
    db.session.commit()
    return report


def _rolls_back(actor, data, at):
    report = reports.create_report(actor, data, at)
    db.session.rollback()
    return report


def _commits_and_swallows_the_refusal(actor, data, at):
    report = reports.create_report(actor, data, at)
    try:
        db.session.commit()
    except Exception:  # noqa: BLE001, S110 - what a careless handler would do
        pass
    return report


def _rolls_back_then_refuses(actor, data, at):
    reports.create_report(actor, data, at)
    db.session.rollback()
    raise ApiProblem(409, "conflict", "Conflict", "a refusal after the rollback")


def _commits_from_its_own_savepoint(actor, data, at):
    with db.session.begin_nested():
        report = reports.create_report(actor, data, at)
        db.session.commit()
    return report


def _commits_a_group(actor, items):
    outcomes = reports.create_reports(actor, items)
    db.session.commit()
    return outcomes


def _handler(apply, apply_many=None):
    return OpHandler(ReportCreateSchema(), "reports.create", apply, ReportSchema(), apply_many)


BAD = {
    "commits": _handler(_commits),
    "commits-and-swallows-the-refusal": _handler(_commits_and_swallows_the_refusal),
    "rolls-back": _handler(_rolls_back),
    "rolls-back-then-refuses": _handler(_rolls_back_then_refuses),
    "commits-in-a-savepoint-of-its-own": _handler(_commits_from_its_own_savepoint),
    "commits-a-group": _handler(reports.create_report, _commits_a_group),
}


def _bad_op(kind):
    return {**report_op(), "type": f"test.{kind}"}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_handler_that_ends_the_transaction_fails_the_test_and_keeps_nothing(app, auth, monkeypatch, kind):
    monkeypatch.setitem(HANDLERS, f"test.{kind}", BAD[kind])
    member = auth("member1")
    before = committed_rows(app)
    with pytest.raises(TransactionEndedInsideOp) as caught:
        member.post(SYNC, json=batch(report_op(), _bad_op(kind), report_op()))
    assert caught.value.op_type == f"test.{kind}"
    # Not the report before it, not its own, not a ledger row, not a feed or audit row.
    assert changed_tables(before, committed_rows(app)) == set()


@pytest.mark.parametrize("kind", ["commits", "rolls-back"])
def test_in_production_the_batch_is_a_500_problem_with_nothing_applied_and_the_log_names_the_op_type(
    app, auth, monkeypatch, caplog, kind
):
    monkeypatch.setitem(HANDLERS, f"test.{kind}", BAD[kind])
    monkeypatch.setitem(app.config, "TESTING", False)
    member = auth("member1")
    first, bad = report_op(), _bad_op(kind)
    before = committed_rows(app)
    with caplog.at_level(logging.ERROR):
        resp = member.post(SYNC, json=batch(first, bad))
    assert resp.status_code == 500
    assert resp.mimetype == "application/problem+json"
    assert resp.json["type"].endswith("/internal")
    assert changed_tables(before, committed_rows(app)) == set()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"test.{kind}" in logged
    assert first["data"]["description"] not in logged  # what people wrote stays out of the log
    # The phone kept the batch: once the server is fixed, the ops go in exactly once.
    monkeypatch.setitem(HANDLERS, f"test.{kind}", HANDLERS["report.create"])
    results = member.post(SYNC, json=batch(first, bad)).json["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]


def _tries_a_savepoint_that_loses(actor, data, at):
    # A service may try an insert in a savepoint of its own and take the loss (notify_once).
    try:
        with db.session.begin_nested():
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
    except IntegrityError:
        pass
    return reports.create_report(actor, data, at)


def test_a_savepoint_the_handler_opens_and_ends_itself_is_allowed(app, auth, monkeypatch):
    monkeypatch.setitem(HANDLERS, "test.inner-savepoint", _handler(_tries_a_savepoint_that_loses))
    op = {**report_op(), "type": "test.inner-savepoint"}
    before = committed_rows(app)
    (result,) = auth("member1").post(SYNC, json=batch(op)).json["results"]
    assert result["status"] == "applied"
    assert {"reports", "sync_ops", "changes"} <= changed_tables(before, committed_rows(app))
