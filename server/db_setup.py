"""Database engine settings: SQLite durable and serialised, PostgreSQL as it comes."""

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let us issue BEGIN ourselves (pysqlite's own would be DEFERRED).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # The phone deletes its copy once we say "applied": the commit must survive a power cut.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        # Savepoints give every statement a rollback journal; keep it in memory, not a temp file.
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Take the write lock at the start: a deferred transaction that reads and then writes
        # fails at once with SQLITE_BUSY instead of waiting its turn.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
