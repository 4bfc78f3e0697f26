"""Rows that only ever get inserted (the change feed, the audit log, the sync ledger) are kept
with the session and written at commit with one executemany per table: per-row ORM inserts
cost more than the work they record. A savepoint rolled back drops the rows added inside it,
so they share the fate of the change they describe."""

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

_ROWS = "deferred_rows"
_MARKS = "deferred_marks"


def defer_insert(session: Session, table: sa.Table, row: dict) -> None:
    # Kept rows belong to a transaction: begin one now, so a rollback before any other
    # statement still drops them.
    session.connection()
    session.info.setdefault(_ROWS, []).append((table, row))


def flush_deferred(session: Session) -> None:
    """Write the kept rows now, table by table in the order they were first added."""
    rows = session.info.get(_ROWS)
    if not rows:
        return
    session.info[_ROWS] = []
    by_table: dict[sa.Table, list[dict]] = {}
    for table, row in rows:
        by_table.setdefault(table, []).append(row)
    for table, table_rows in by_table.items():
        session.execute(table.insert(), table_rows)


@event.listens_for(Session, "after_transaction_create")
def _mark(session, transaction):
    session.info.setdefault(_MARKS, {})[id(transaction)] = len(session.info.get(_ROWS, ()))


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session, previous_transaction):
    marks = session.info.get(_MARKS, {})
    rows = session.info.get(_ROWS)
    if rows is None:
        return
    if previous_transaction.parent is None:
        rows.clear()
    elif id(previous_transaction) in marks:
        del rows[marks[id(previous_transaction)] :]


@event.listens_for(Session, "before_commit")
def _write_on_commit(session):
    # Fired for a savepoint's release too; the rows wait for the real commit.
    if not session.in_nested_transaction():
        flush_deferred(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    # SQLAlchemy ends a savepoint before it reports the rollback, so a savepoint's mark stays
    # until its id is reused by a new transaction (which overwrites it) or the root ends.
    if transaction.parent is None:
        session.info.pop(_ROWS, None)
        session.info.pop(_MARKS, None)
