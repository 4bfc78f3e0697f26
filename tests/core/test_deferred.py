"""Rows kept for the commit share the fate of the savepoint they were added in."""

import sqlalchemy as sa

from server.core.audit import AuditEntry, record
from server.extensions import db


def _actions():
    return sorted(db.session.scalars(sa.select(AuditEntry.action)))


def test_rows_of_a_rolled_back_savepoint_are_dropped_and_the_others_kept(ctx):
    record(None, "outer.before", "t", 1, None)
    with db.session.begin_nested():
        record(None, "kept.1", "t", 1, None)
    try:
        with db.session.begin_nested():
            record(None, "dropped", "t", 1, None)
            with db.session.begin_nested():
                record(None, "dropped.inner", "t", 1, None)
            raise ValueError("this op fails")
    except ValueError:
        pass
    with db.session.begin_nested():
        record(None, "kept.2", "t", 1, None)
    db.session.commit()
    assert _actions() == ["kept.1", "kept.2", "outer.before"]


def test_a_rolled_back_transaction_writes_nothing_and_leaves_nothing_for_the_next(ctx):
    record(None, "lost", "t", 1, None)
    db.session.rollback()
    record(None, "next", "t", 1, None)
    db.session.commit()
    assert _actions() == ["next"]
