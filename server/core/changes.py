"""The change feed: every change a phone may pull, with a monotonic sequence, written in the
same transaction as the change itself (a transactional outbox, read by GET /api/v1/sync)."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .deferred import defer_insert
from .models import UTCDateTime, utcnow

# One key for every transaction that writes to the feed: on PostgreSQL a sequence value is
# taken before commit, so without it a reader could see seq 11 committed while 10 is still in
# flight, and skip 10 forever. Holding this lock from the first change to commit makes the
# order of sequence numbers the order of commits. (SQLite's BEGIN IMMEDIATE already does.)
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
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    region_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("op IN ('upsert','delete')", name="op"),
        sa.CheckConstraint("user_id IS NOT NULL OR region_id IS NOT NULL", name="audience"),
    )


def lock_feed() -> None:
    """Serialise feed writers until this transaction ends (PostgreSQL; a no-op on SQLite).
    Taken once per transaction: the lock is held to its end anyway."""
    session = db.session()
    root = session.get_transaction()
    # The transaction itself, not its id(): a later transaction may be given a freed one's id,
    # and would then skip the lock.
    if root is not None and session.info.get(_LOCKED) is root:
        return
    if session.get_bind().dialect.name != "postgresql":
        return
    session.connection()  # begin the transaction the lock belongs to
    root = session.get_transaction()
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK_KEY})
    session.info[_LOCKED] = root


@event.listens_for(Session, "after_transaction_end")
def _unlocked(session, transaction):
    if transaction.parent is None and session.info.get(_LOCKED) is transaction:
        del session.info[_LOCKED]


def emit(entity: str, entity_id, data: dict | None, *, user_id=None, region_id=None, op="upsert"):
    """Add a change row to the current transaction. `data` is the record as a phone sees it;
    a tombstone (op='delete') carries none."""
    lock_feed()
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
