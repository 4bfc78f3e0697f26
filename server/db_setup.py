"""Database engine settings: SQLite durable and serialised, PostgreSQL as it comes.

SQLite has one writer at a time, and every transaction here takes the write lock at its start
(BEGIN IMMEDIATE). Left to SQLite, the others wait in its busy handler, which sleeps and polls
(up to 100 ms a nap): the lock lies idle while they sleep, and an unlucky one waits for seconds.
So writers queue before BEGIN IMMEDIATE instead: the threads of a process on a lock, the
processes (gunicorn's workers, a `flask` command) on an flock of a file beside the database.
Whoever frees the lock wakes the next at once. The queue is held from BEGIN to the end of the
transaction (commit, rollback, or the connection closing); SQLite's own lock and busy handler
stay behind it, for writers outside the queue and for a wait longer than the busy timeout."""

import fcntl
import os
import sqlite3
import threading
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_S = 15
# An execution option: a connection given it (True) reads in SQLite's autocommit mode, each
# statement alone, and never queues for the write lock. Only for a read that stands alone (the
# request's authentication, accounts/auth.py): what it reads is not held to the transaction
# that follows, and a write on it would not be queued.
READ_ONLY = "emergency_read_only"


@contextmanager
def reading_outside_turn(session):
    """A connection for reads that need no write lock, made before a transaction writes: on
    SQLite one of its own in autocommit mode (READ_ONLY), each statement alone and no writer's
    turn taken, so what a sync batch reads first (its ledger rows) is not read inside the queue
    that every writer waits in; elsewhere the session's own connection. What it reads is not
    held to the transaction that follows: a reader must be right whatever changed since."""
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        yield session.connection()
        return
    with engine.connect() as conn:
        yield conn.execution_options(**{READ_ONLY: True})


class _WriterQueue:
    """One per database file and process: a thread lock, then an flock of `<database>-writers`."""

    def __init__(self, path: str):
        self.path = path
        self.threads = threading.Lock()
        self.fd: int | None = None
        self.pid: int | None = None

    def _file(self) -> int:
        # A forked worker must not share its parent's open file: flock belongs to the open file.
        if self.fd is None or self.pid != os.getpid():
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self.pid = os.getpid()
        return self.fd

    def acquire(self) -> bool:
        """Wait for our turn; False (no turn taken) after the busy timeout: then SQLite's own
        busy handler decides, as it did before there was a queue."""
        if not self.threads.acquire(timeout=BUSY_TIMEOUT_S):
            return False
        try:
            fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            self.threads.release()
            raise
        return True

    def release(self) -> None:
        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self.threads.release()


_QUEUES: dict[str, _WriterQueue] = {}
_QUEUES_LOCK = threading.Lock()


def _queue_for(path: str) -> _WriterQueue:
    with _QUEUES_LOCK:
        if path not in _QUEUES:
            _QUEUES[path] = _WriterQueue(path + "-writers")
        return _QUEUES[path]


class _QueuedConnection(sqlite3.Connection):
    """A SQLite connection that gives up its turn in the writer queue when its transaction
    ends: on commit, on rollback (also the pool's reset on return) and on close."""

    queue: _WriterQueue | None = None
    holds_turn = False

    def take_turn(self) -> None:
        if self.queue is not None and not self.holds_turn:
            self.holds_turn = self.queue.acquire()

    def _give_turn(self) -> None:
        if self.holds_turn:
            self.holds_turn = False
            self.queue.release()

    def commit(self):
        try:
            return super().commit()
        finally:
            # A commit that failed leaves the transaction open (SQLITE_BUSY): its rollback ends it.
            if self.in_transaction is False:
                self._give_turn()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self._give_turn()

    def close(self):
        try:
            return super().close()
        finally:
            self._give_turn()


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    path = engine.url.database
    queue = _queue_for(os.path.abspath(path)) if path and path != ":memory:" else None

    @event.listens_for(engine, "do_connect")
    def _connect_queued(_dialect, _record, _cargs, cparams):
        if queue is not None:
            cparams["factory"] = _QueuedConnection

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        if isinstance(dbapi_conn, _QueuedConnection):
            dbapi_conn.queue = queue
        # Let us issue BEGIN ourselves (pysqlite's own would be DEFERRED).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # The phone deletes its copy once we say "applied": the commit must survive a power cut.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        # Savepoints give every statement a rollback journal; keep it in memory, not a temp file.
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get(READ_ONLY):
            return  # no BEGIN: pysqlite is in autocommit mode (isolation_level None), no turn
        dbapi_conn = conn.connection.dbapi_connection
        if isinstance(dbapi_conn, _QueuedConnection):
            dbapi_conn.take_turn()
        # Take the write lock at the start: a deferred transaction that reads and then writes
        # fails at once with SQLITE_BUSY instead of waiting its turn.
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if isinstance(dbapi_conn, _QueuedConnection):
                dbapi_conn._give_turn()  # noqa: SLF001 - no transaction began: nothing will end it
            raise
