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


def _another_writer_is_held_back(app) -> bool:
    """From a second connection: can it write to the feed now?"""
    from server.core.changes import FEED_LOCK_KEY

    engine = db.engines[None]
    if engine.dialect.name == "postgresql":
        with engine.connect() as other:
            got = other.execute(
                sa.text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": FEED_LOCK_KEY}
            ).scalar()
            other.rollback()
            return not got
    import sqlite3

    other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        other.close()


def test_every_transaction_that_writes_the_feed_holds_other_feed_writers_back(app, ctx):
    """Sequence numbers are taken before commit: unless feed writers go one at a time from the
    first change row written to commit, a reader could see seq 11 committed while 10 is in
    flight and skip 10 for ever. The same session's next transactions must take the lock again,
    not believe they still hold it. On PostgreSQL the lock waits for the change row itself: until
    then the transaction's own work runs beside the other writers'."""
    from server.core.changes import emit
    from server.core.deferred import flush_deferred

    postgresql = db.engines[None].dialect.name == "postgresql"
    for round_ in range(20):
        emit("probe", round_, {"n": round_}, region_id=1)
        if postgresql:
            assert not _another_writer_is_held_back(app), round_
        flush_deferred(db.session)  # the change row goes in: its seq is taken now
        assert _another_writer_is_held_back(app), round_
        db.session.commit()
        assert not _another_writer_is_held_back(app), round_
