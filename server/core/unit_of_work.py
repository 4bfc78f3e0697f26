"""Where a transaction ends: once per REST request, after its view, and once per sync batch; and
the guard that refuses a sync op whose handler ends the batch's transaction itself.

Services only flush. A REST request commits in `UnitOfWorkFlask.dispatch_request`: after a view
that answered below 400, and before the answer leaves, so a commit that fails (a unique key
lost a race, the database went away) goes through the error handlers like any other error and is
answered 409 or 503 as problem+json. A view that raises, or answers 400 and above, leaves nothing:
the session is rolled back. The one exception is a refusal that is itself a decision to keep (a
reused refresh token ends its session): `ApiProblem(..., keep_changes=True)` commits, then answers.
A commit while the view runs is refused (CommitInsideRequest), except at a declared
`commit_point`: the sync door's one commit per batch.

Inside the sync door each op runs in a savepoint, and its ledger row is written only at the
batch's commit (core/deferred.py). A handler that commits would make its effect permanent without
its ledger row (a resend applies it again); one that rolls back would silently drop the ops before
it that were already answered "applied". `guard_op` watches the op's savepoint with session
events and refuses both."""

from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

_GUARD = "unit_of_work_guard"
_IN_VIEW = "unit_of_work_in_view"


class TransactionEndedInsideOp(RuntimeError):
    """A sync op's handler committed, rolled back or closed the batch's transaction. A bug in the
    server, never in the phone's input: the whole batch is refused and nothing of it stays."""

    def __init__(self, op_type: str, what: str):
        super().__init__(f"the handler of `{op_type}` {what} the session inside its op")
        self.op_type = op_type
        self.what = what


class CommitInsideRequest(RuntimeError):
    """Something committed while a view ran, before the request's own commit: a service that
    forgot it only flushes. Refused before anything reaches the database."""


def _real(session) -> Session:
    return session() if isinstance(session, scoped_session) else session  # db.session is scoped


def commit_point(session) -> None:
    """Commit now, as a declared commit point inside a view: the sync door's one commit per
    batch. Any other commit while a view runs is refused."""
    real = _real(session)
    in_view = real.info.pop(_IN_VIEW, False)
    try:
        real.commit()
    finally:
        if in_view:
            real.info[_IN_VIEW] = True


class _Watch:
    def __init__(self, op_type: str, savepoint: SessionTransaction):
        self.op_type = op_type
        self.savepoint = savepoint
        self.broken: TransactionEndedInsideOp | None = None


def _reaches(transaction: SessionTransaction | None, savepoint: SessionTransaction) -> bool:
    """True when `transaction` is the op's savepoint or encloses it. A savepoint a service opens
    inside the op (to try an insert that may lose a race) ends freely."""
    node = savepoint
    while node is not None:
        if node is transaction:
            return True
        node = node.parent
    return False


@contextmanager
def guard_op(session, op_type: str, savepoint: SessionTransaction):
    """Run an op's handler under watch: ending `savepoint` or anything around it raises
    TransactionEndedInsideOp (at once for a commit, before anything reaches the database; on the
    way out for a rollback, which cannot be undone)."""
    real = _real(session)
    watch = _Watch(op_type, savepoint)
    outer = real.info.get(_GUARD)
    real.info[_GUARD] = watch
    try:
        yield
    except Exception as exc:
        # A handler that rolled back and then failed must not pass for an op that failed alone:
        # the ops before it are gone from the transaction too.
        if watch.broken is not None:
            raise watch.broken from exc
        raise
    finally:
        real.info[_GUARD] = outer
    if watch.broken is not None:
        raise watch.broken


@event.listens_for(Session, "before_commit", insert=True)
def _refuse_commit(session):
    watch = session.info.get(_GUARD)
    # The transaction being committed is the innermost one (a savepoint inside the op may be
    # released freely); the op's savepoint or the batch's transaction may not be.
    if watch is not None and _reaches(session._transaction, watch.savepoint):  # noqa: SLF001
        watch.broken = watch.broken or TransactionEndedInsideOp(watch.op_type, "committed")
        # Raised before the savepoint is released and before anything is committed.
        raise watch.broken
    if session.info.get(_IN_VIEW) and session._transaction.parent is None:  # noqa: SLF001
        raise CommitInsideRequest("a commit while the view ran; services only flush")


@event.listens_for(Session, "after_transaction_end")
def _note_end(session, transaction):
    watch = session.info.get(_GUARD)
    if watch is None or watch.broken is not None:
        return
    if _reaches(transaction, watch.savepoint):
        watch.broken = TransactionEndedInsideOp(watch.op_type, "rolled back or closed")


class UnitOfWorkFlask(Flask):
    """Flask with one commit point per request (Indico's request handler commits the same way)."""

    def dispatch_request(self):
        from ..errors import ApiProblem
        from ..extensions import db

        try:
            response = self._run_view(db.session)
        except ApiProblem as problem:
            if problem.keep_changes:
                db.session.commit()
            else:
                db.session.rollback()
            raise
        except BaseException:
            db.session.rollback()
            raise
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    def _run_view(self, session):
        real = _real(session)
        real.info[_IN_VIEW] = True  # until the view has answered, nothing may commit
        try:
            return self.make_response(super().dispatch_request())
        finally:
            real.info.pop(_IN_VIEW, None)
