"""Applying a batch of ops exactly once, in order, each on its own; and the pull feed."""

import hashlib
import json
import logging
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError

from ..core.changes import Change, take_feed_lock
from ..core.deferred import before_writing, defer_insert, flush_deferred
from ..core.models import utcnow
from ..core.permissions import can
from ..core.schemas import UNSTORABLE, unstorable_text
from ..core.unit_of_work import TransactionEndedInsideOp, commit_point, guard_op
from ..db_setup import reading_outside_turn
from ..errors import ApiProblem, validation_problem
from ..extensions import db
from ..regions.service import user_scope
from .handlers import HANDLERS, NOT_YET
from .models import SyncOp
from .schemas import SyncBatchSchema

log = logging.getLogger(__name__)
PULL_LIMIT = 500
# How many times a batch is applied again after another connection wrote the ledger row of one
# of its ops first (see apply_batch). Each rerun needs a new op of the batch to have lost a race.
RERUNS = 3

# Ledger rows go in under the feed lock too, so the lock's holder never waits for one: a ledger
# row in flight is always the lock holder's own (core/changes.py, the lock order).
before_writing(SyncOp.__table__, take_feed_lock)


def content_hash(op: dict) -> str:
    canon = json.dumps(
        {"type": op.get("type"), "at": op.get("at"), "data": op.get("data")},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    # surrogatepass: half a surrogate pair (refused later, in the op's turn) must not fail the
    # batch here; every other text hashes as it always did.
    return hashlib.sha256(canon.encode("utf-8", "surrogatepass")).hexdigest()


_BATCH = SyncBatchSchema()


def _paths(messages, prefix: str = "") -> dict[str, list]:
    """marshmallow's nested messages ({"ops": {3: {"op_id": [...]}}}) as flat names
    ({"ops.3.op_id": [...]}): the `errors` of a problem map a field to its messages."""
    if not isinstance(messages, dict):
        return {prefix or "_schema": messages if isinstance(messages, list) else [messages]}
    flat: dict[str, list] = {}
    for key, value in messages.items():
        flat.update(_paths(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def parse_batch(body) -> tuple[str | None, list[dict]]:
    """Load the envelope with SyncBatchSchema (the one the OpenAPI document shows). A malformed
    batch applies nothing: 400, or 413 over SYNC_MAX_OPS. A bad type, at or data is not
    malformed: it rejects its own op when the op's turn comes (schemas._PerOp)."""
    ops = body.get("ops") if isinstance(body, dict) else None
    if not isinstance(ops, list):
        raise ApiProblem(400, "bad-batch", "Malformed batch", "The body needs an `ops` list.")
    limit = current_app.config["SYNC_MAX_OPS"]
    if len(ops) > limit:
        # Before loading: counting is all a batch of 100,000 ops deserves.
        raise ApiProblem(413, "batch-too-large", "Batch too large", f"At most {limit} ops in one batch.")
    try:
        batch = _BATCH.load(body)
    except ValidationError as exc:
        errors = _paths(exc.messages)
        raise ApiProblem(
            400,
            "bad-batch",
            "Malformed batch",
            "Each op must be an object with a UUID `op_id`; `device_id` a string of at most 64.",
            errors=errors,
        ) from None
    return batch.get("device_id"), batch["ops"]


def _parse_at(raw) -> datetime:
    if not isinstance(raw, str):
        raise validation_problem({"at": ["Missing: when the action was taken, ISO 8601 with offset."]})
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        raise validation_problem({"at": ["Not an ISO 8601 time."]}) from None
    if at.tzinfo is None:
        raise validation_problem({"at": ["Give the offset, e.g. +08:00."]})
    try:
        # A phone whose clock runs ahead must not date a report in the future.
        return min(at, utcnow()).astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+08:00 is before the first instant UTC can hold
        raise validation_problem({"at": ["Not a time we can hold."]}) from None


def _problem_dict(exc) -> tuple[dict, bool]:
    """(problem body, retryable)."""
    if isinstance(exc, ValidationError):
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        exc = validation_problem(messages)
    body = exc.to_dict()
    return body, bool(body.pop("retryable", False))


def _validate(actor, handler, op) -> tuple[dict, datetime]:
    if not can(actor, handler.action):
        raise ApiProblem(403, "forbidden", "Forbidden", "Your role may not do this.")
    if not isinstance(op.get("data"), dict):
        raise validation_problem({"data": ["Expected an object."]})
    # Refused here, in the op's turn: inside the batch's last flush it would fail every op.
    where = unstorable_text(op["data"])
    if where is not None:
        raise validation_problem({where: [UNSTORABLE]})
    return handler.schema.load(op["data"]), _parse_at(op.get("at"))


def _unsupported(op) -> ApiProblem:
    kind = op.get("type")  # a string, or None: missing or not a string (schemas._OpType)
    known = kind in NOT_YET
    named = f"`{kind[:64]}`" if isinstance(kind, str) else "an op without a string `type`"
    return ApiProblem(
        422,
        "op-not-supported" if known else "unknown-op",
        "Not supported yet" if known else "Unknown op type",
        f"The server does not handle {named}" + (" yet." if known else "."),
    )


def _read_ledger(ops) -> dict[uuid.UUID, tuple[str, dict]]:
    """What the ledger knows of the batch's op_ids, in one read, before the batch writes (on
    SQLite outside the writers' queue: db_setup.reading_outside_turn). An op being applied by
    another connection at this moment is missed; the ledger's primary key stays the guard (see
    apply_batch)."""
    ids = list({op["_op_id"] for op in ops})
    with reading_outside_turn(db.session) as conn:
        return {row.op_id: (row.content_hash, row.result) for row in conn.execute(_SEEN, {"ids": ids})}


def _check_all(actor, ops) -> dict[int, tuple]:
    """Each op's content hash and its check (_validate: the role, the data's schema, the time),
    made before the batch's transaction begins: none of it reads the database, and on SQLite all
    of it would otherwise run inside the one writer's turn. -> {id(op): (digest, (data, at) or
    the refusal)}, each used once: a batch applied again checks afresh."""
    checked = {}
    for op in ops:
        handler = HANDLERS.get(op.get("type"))
        if handler is None:
            continue
        try:
            outcome = _validate(actor, handler, op)
        except Exception as exc:  # noqa: BLE001 - raised again in the op's turn, where a bug costs that op alone
            outcome = exc
        checked[id(op)] = (content_hash(op), outcome)
    return checked


class _Batch:
    """One batch being applied: the actor, and what the ledger already knows of its op_ids."""

    def __init__(self, actor, device_id, seen, checked=None):
        self.actor = actor
        self.device_id = device_id
        self.written: set[uuid.UUID] = set()
        self.seen: dict[uuid.UUID, tuple[str, dict]] = seen
        self.checked = checked or {}

    def _digest(self, op) -> str:
        found = self.checked.get(id(op))
        return found[0] if found is not None else content_hash(op)

    def _checked(self, handler, op) -> tuple[dict, datetime]:
        """The op's data and time, as _check_all found them (once), else checked now."""
        found = self.checked.pop(id(op), None)
        if found is None:
            return _validate(self.actor, handler, op)
        if isinstance(found[1], Exception):
            raise found[1]
        return found[1]

    def remember(self, op, digest, status, result) -> None:
        # Written with the batch's commit; its primary key is what makes a second apply fail.
        defer_insert(
            db.session,
            SyncOp.__table__,
            {
                "op_id": op["_op_id"],
                "user_id": self.actor.id,
                "device_id": self.device_id,
                "type": op["type"],
                "content_hash": digest,
                "status": status,
                "result": result,
                "created_at": utcnow(),
            },
        )
        self.seen[op["_op_id"]] = (digest, result)
        self.written.add(op["_op_id"])

    def raced(self) -> bool:
        """After the batch was rolled back: did another connection commit the ledger row of one
        of the ops this batch meant to record?"""
        if not self.written:
            return False
        return (
            db.session.scalar(
                sa.select(sa.literal(True)).where(SyncOp.op_id.in_(list(self.written))).limit(1)
            )
            is not None
        )

    def apply(self, op) -> dict:
        op_id = op["_op_id"]
        digest = self._digest(op)
        if op_id in self.seen:
            return _answer_again(op_id, digest, *self.seen[op_id])
        handler = HANDLERS.get(op.get("type"))
        if handler is None:
            return {"op_id": str(op_id), "status": "rejected", "error": _unsupported(op).to_dict()}
        try:
            with db.session.begin_nested() as savepoint:
                data, at = self._checked(handler, op)
                with guard_op(db.session, op["type"], savepoint):
                    record = handler.apply(self.actor, data, at)
                # A service that already drew the record for the feed left it on the record.
                entity = getattr(record, "feed_entity", None) or handler.dump.dump(record)
                result = {"op_id": str(op_id), "status": "applied", "entity": entity}
                self.remember(op, digest, "applied", result)
                # One flush for the op's effect, its feed row, its audit row and its ledger row.
                db.session.flush()
            return result
        except IntegrityError:
            # Another connection applied this op_id first, or a unique rule of the domain said no.
            first = db.session.execute(
                sa.select(SyncOp.content_hash, SyncOp.result).where(SyncOp.op_id == op_id)
            ).first()
            if first is not None:
                self.seen[op_id] = (first.content_hash, first.result)
                return _answer_again(op_id, digest, first.content_hash, first.result)
            self.seen.pop(op_id, None)
            return self._refuse(
                op, digest, ApiProblem(409, "conflict", "Conflict", "This conflicts with an existing record.")
            )
        except (ApiProblem, ValidationError) as exc:
            self.seen.pop(op_id, None)
            return self._refuse(op, digest, exc)
        except (OperationalError, TransactionEndedInsideOp):
            # The database is away, or a handler ended the batch's transaction: fail the whole
            # batch (rolled back); the phone keeps everything and retries.
            raise
        except Exception as exc:  # noqa: BLE001 - a bug must not cost the ops after it
            self.seen.pop(op_id, None)
            log.error("sync op %s of type %s failed: %s", op_id, op.get("type"), type(exc).__name__)
            problem = ApiProblem(500, "internal", "Internal error", "Not applied; try later.", retryable=True)
            return self._refuse(op, digest, problem)

    def run(self, ops) -> list[dict]:
        """Answers in op order. Consecutive ops of a type that can be applied as a group go
        through `_apply_group`; everything else, and any group that fails, op by op."""
        results: list[dict] = []
        i = 0
        while i < len(ops):
            handler = HANDLERS.get(ops[i].get("type"))
            if handler is None or handler.apply_many is None:
                results.append(self.apply(ops[i]))
                i += 1
                continue
            kind = ops[i]["type"]
            group, op_ids, record_ids = [], set(), set()
            while i < len(ops) and ops[i].get("type") == kind:
                op = ops[i]
                data = op.get("data")
                record_id = data.get("id") if isinstance(data, dict) else None
                # A repeat within the group ends it: the first must be applied before the second.
                if op["_op_id"] in op_ids or (record_id is not None and record_id in record_ids):
                    break
                op_ids.add(op["_op_id"])
                record_ids.add(record_id)
                group.append(op)
                i += 1
            results += self._apply_group(handler, group)
        return results

    def _apply_group(self, handler, ops) -> list[dict]:
        answers: dict[int, dict] = {}
        valid = []
        for index, op in enumerate(ops):
            digest = self._digest(op)
            if op["_op_id"] in self.seen:
                answers[index] = _answer_again(op["_op_id"], digest, *self.seen[op["_op_id"]])
                continue
            try:
                data, at = self._checked(handler, op)
            except (ApiProblem, ValidationError) as exc:
                answers[index] = self._refuse(op, digest, exc)
                continue
            valid.append((index, op, digest, data, at))
        if valid:
            try:
                with db.session.begin_nested() as savepoint:
                    with guard_op(db.session, ops[0]["type"], savepoint):
                        outcomes = handler.apply_many(self.actor, [(data, at) for _, _, _, data, at in valid])
                    for (index, op, digest, _, _), outcome in zip(valid, outcomes, strict=True):
                        if isinstance(outcome, ApiProblem):
                            answers[index] = self._refuse(op, digest, outcome)
                            continue
                        entity = getattr(outcome, "feed_entity", None) or handler.dump.dump(outcome)
                        result = {"op_id": str(op["_op_id"]), "status": "applied", "entity": entity}
                        self.remember(op, digest, "applied", result)
                        answers[index] = result
                    db.session.flush()
            except (OperationalError, TransactionEndedInsideOp):
                raise
            except Exception as exc:  # noqa: BLE001 - the group's savepoint is gone: go op by op
                log.info(
                    "sync group of %d %s fell back to one by one: %s",
                    len(valid),
                    ops[0]["type"],
                    type(exc).__name__,
                )
                for index, op, _, _, _ in valid:
                    self.seen.pop(op["_op_id"], None)
                    answers[index] = self.apply(op)
        return [answers[index] for index in range(len(ops))]

    def _refuse(self, op, digest, exc) -> dict:
        problem, retryable = _problem_dict(exc)
        result = {"op_id": str(op["_op_id"]), "status": "rejected", "error": problem}
        if not retryable:
            # Remembered, so a resend answers the same refusal instead of trying again.
            self.remember(op, digest, "rejected", result)
        return result


def _answer_again(op_id, digest, first_hash, first_result) -> dict:
    if first_hash != digest:
        problem = ApiProblem(
            409,
            "op-conflict",
            "Conflict",
            "This op_id was already used for different content.",
            first=first_result,
        )
        return {"op_id": str(op_id), "status": "rejected", "error": problem.to_dict()}
    answer = {k: v for k, v in first_result.items() if k in ("entity", "error")}
    return {"op_id": str(op_id), "status": "duplicate", **answer}


def apply_batch(actor, device_id, ops: list[dict]) -> dict:
    """Apply `ops` in order, each in its own savepoint, all in one transaction: a crash at any
    instant leaves every op with both its effect and its ledger row, or neither.

    Nothing is locked up front: the ops of different batches run side by side, and the feed lock
    is taken only for the last inserts and the commit (core/changes.py). So the ledger read at the
    start can miss an op that another connection is applying at that moment (a phone that resent
    before the first answer came). The ledger's primary key still refuses the second row: the
    whole batch is rolled back and applied again, and this time the ledger answers `duplicate`
    with the first connection's result, as it would have had the two come one after the other.
    A check-in's own id makes the second connection wait for the first one's commit, so the
    occupancy counts the family once either way."""
    checked = _check_all(actor, ops)
    for attempt in range(RERUNS + 1):
        batch = _Batch(actor, device_id, _read_ledger(ops), checked if attempt == 0 else None)
        try:
            results = batch.run(ops)
            flush_deferred(db.session)  # the ledger rows: a lost race fails here
        except IntegrityError:
            db.session.rollback()
            if attempt == RERUNS or not batch.raced():
                raise
            log.info("sync batch applied again: another connection recorded one of its ops first")
            continue
        break
    # The feed's position after this batch: for monitoring. A phone pulls from its own cursor.
    if not batch.written:
        # Nothing to keep (every op a resend of one answered before, or refused for now): the
        # position is read without a writer's turn on SQLite, so a phone resending after a lost
        # answer does not wait behind the writers.
        with reading_outside_turn(db.session) as conn:
            return {"results": results, "cursor": str(conn.scalar(_MAX_SEQ))}
    position = _max_seq()
    # The batch's one commit point: every op's effect and its ledger row become true together.
    commit_point(db.session)
    return {"results": results, "cursor": str(position)}


# Built once: a statement made anew on every request costs more than running it.
_SEEN = sa.select(SyncOp.op_id, SyncOp.content_hash, SyncOp.result).where(
    SyncOp.op_id.in_(sa.bindparam("ids", expanding=True))
)
_MAX_SEQ = sa.select(sa.func.coalesce(sa.func.max(Change.seq), 0))


def _max_seq() -> int:
    return db.session.connection().scalar(_MAX_SEQ)


def parse_cursor(raw: str | None) -> int:
    if raw in (None, ""):
        return 0
    try:
        value = int(raw)
    except ValueError:
        raise ApiProblem(400, "bad-cursor", "Bad cursor", "The cursor is not one we gave.") from None
    if not 0 <= value < 2**63:  # a seq the database holds (a bigger one overflowed into a 500)
        raise ApiProblem(400, "bad-cursor", "Bad cursor", "The cursor is not one we gave.")
    return value


def pull(actor, cursor: int, limit: int = PULL_LIMIT) -> dict:
    """Changes after `cursor` that the caller may see: their own records, and their region's."""
    # Read the horizon first: every seq up to it is committed (feed writers hold the feed lock
    # until they commit), so reading up to it, and then jumping to it, skips nothing.
    horizon = _max_seq()
    window = sa.and_(Change.seq > cursor, Change.seq <= horizon)
    # The two audiences apart, each the first limit+1 of its own index range (user_id, seq) and
    # (region_id, seq): the same rows as one OR, which at 140,000 reports walked the whole feed
    # for a desk whose own rows are few.
    own = (
        sa.select(Change.seq).where(window, Change.user_id == actor.id).order_by(Change.seq).limit(limit + 1)
    )
    regional = (
        sa.select(Change.seq)
        .where(window, Change.user_id.is_(None), Change.region_id.in_(user_scope(actor)))
        .order_by(Change.seq)
        .limit(limit + 1)
    )
    first = sa.union_all(sa.select(own.subquery()), sa.select(regional.subquery())).subquery()
    # Plain rows, not ORM objects: 500 of them cost more to build than to read.
    rows = db.session.execute(
        sa.select(Change.seq, Change.entity, Change.entity_id, Change.op, Change.data, Change.created_at)
        .where(Change.seq.in_(sa.select(first.c.seq)))
        .order_by(Change.seq)
        .limit(limit + 1)
    ).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1].seq if has_more else max(cursor, horizon)
    changes = [
        {"seq": r.seq, "entity": r.entity, "id": r.entity_id, "op": r.op, "data": r.data, "at": r.created_at}
        for r in rows
    ]
    return {"changes": changes, "cursor": str(next_cursor), "has_more": has_more}
