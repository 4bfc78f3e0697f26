"""The change feed: every change a phone may pull, with a monotonic sequence, written in the
same transaction as the change itself (a transactional outbox, read by GET /api/v1/sync)."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, scoped_session

from ..extensions import db
from .deferred import before_writing, defer_insert
from .models import UTCDateTime, utcnow

# One key for every transaction that writes to the feed: on PostgreSQL a sequence value is
# taken when a change row is inserted, before commit, so without it a reader could see seq 11
# committed while 10 is still in flight, and skip 10 for ever. Holding this lock from the first
# change row written to commit makes the order of sequence numbers the order of commits. (SQLite's
# BEGIN IMMEDIATE already does.)
#
# The lock is taken as late as that allows: change rows are kept with the session and written at
# commit (core/deferred.py), and the lock is taken there, after the ORM's last flush and just
# before the first change row goes in. So the work of an op (its reads, its row locks, its
# inserts) runs in parallel with other transactions; only the last inserts and the commit wait
# their turn. The lock order that keeps this free of deadlocks: rows first, the feed lock last.
# A transaction holding the feed lock only inserts rows nobody else can hold (change rows with
# fresh sequence values, audit rows with fresh ids, ledger rows, which are themselves written
# only under this lock) and commits: it never waits for a row lock, so whoever holds rows and
# waits for the feed lock is never waited for in turn.
FEED_LOCK_KEY = 7_270_001
_LOCKED = "feed_locked_tx"


class Change(db.Model):
    __tablename__ = "changes"

    seq: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    entity: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    entity_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    op: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    # Who may pull it: one user (their own records), or everyone whose scope holds region_id.
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    region_id: Mapped[int | None] = mapped_column(sa.Integer)
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("op IN ('upsert','delete')", name="op"),
        sa.CheckConstraint("user_id IS NOT NULL OR region_id IS NOT NULL", name="audience"),
        # A phone's pull reads its two audiences (its own rows, its regions' rows) in seq order:
        # each an index range from the cursor on, not a walk of the whole feed.
        sa.Index("ix_changes_user_seq", "user_id", "seq"),
        sa.Index("ix_changes_region_seq", "region_id", "seq"),
    )


def take_feed_lock(session: Session) -> None:
    """Serialise feed writers until this transaction ends (PostgreSQL; a no-op on SQLite).
    Taken once per transaction: the lock is held to its end anyway. Called just before the first
    change row is inserted; nothing may wait for a row lock after it (see FEED_LOCK_KEY)."""
    if isinstance(session, scoped_session):
        session = session()
    root = session.get_transaction()
    # The transaction itself, not its id(): a later transaction may be given a freed one's id,
    # and would then skip the lock.
    if root is not None and session.info.get(_LOCKED) is root:
        return
    if session.get_bind().dialect.name != "postgresql":
        return
    connection = session.connection()  # begin the transaction the lock belongs to
    root = session.get_transaction()
    connection.exec_driver_sql(_LOCK_SQL)
    session.info[_LOCKED] = root


_LOCK_SQL = f"SELECT pg_advisory_xact_lock({FEED_LOCK_KEY})"


@event.listens_for(Session, "after_transaction_end")
def _unlocked(session, transaction):
    if transaction.parent is None and session.info.get(_LOCKED) is transaction:
        del session.info[_LOCKED]


def emit(entity: str, entity_id, data: dict | None, *, user_id=None, region_id=None, op="upsert"):
    """Add a change row to the current transaction. `data` is the record as a phone sees it;
    a tombstone (op='delete') carries none. The row, and the feed lock, go in at commit."""
    defer_insert(
        db.session,
        Change.__table__,
        {
            "entity": entity,
            "entity_id": str(entity_id),
            "op": op,
            "user_id": user_id,
            "region_id": region_id,
            "data": data if op == "upsert" else None,
            "created_at": utcnow(),
        },
    )


# Every change row goes in under the feed lock, taken just before the kept rows are written.
before_writing(Change.__table__, take_feed_lock)
