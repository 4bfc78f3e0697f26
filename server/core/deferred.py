"""Rows that only ever get inserted (the change feed, the audit log, the sync ledger) are kept
with the session and written at commit with one statement per table: per-row ORM inserts
cost more than the work they record. A savepoint rolled back drops the rows added inside it,
so they share the fate of the change they describe.

On PostgreSQL they go in with COPY: a 500-op sync batch writes 1,500 such rows, and COPY costs
half the client CPU of a pipelined executemany (bench: `make bench`)."""

from collections.abc import Callable

import orjson
import psycopg
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

_ROWS = "deferred_rows"
_MARKS = "deferred_marks"
# What must happen before a table's kept rows are written: the change feed's lock (changes.py).
_BEFORE: dict[sa.Table, Callable[[Session], None]] = {}


def before_writing(table: sa.Table, hook: Callable[[Session], None]) -> None:
    """Call `hook(session)` before the kept rows of `table` are written, after the ORM's last
    flush: a lock taken there is held only for these inserts and the commit."""
    _BEFORE[table] = hook


def defer_insert(session: Session, table: sa.Table, row: dict) -> None:
    # Kept rows belong to a transaction: begin one now, so a rollback before any other
    # statement still drops them.
    if isinstance(session, scoped_session):
        session = session()
    if session.get_transaction() is None:
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
    # The ORM's pending rows first: ours may refer to them, and a lock a table asks for below
    # must not be held while they wait for row locks.
    session.flush()
    for hook in dict.fromkeys(_BEFORE[t] for t in by_table if t in _BEFORE):
        hook(session)
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql" and all(len(r) < COPY_FROM for r in by_table.values()):
        _pipelined(session, dialect, by_table)
        return
    for table, table_rows in by_table.items():
        insert_rows(session, table, table_rows)


def insert_rows(session: Session, table: sa.Table, rows: list[dict]) -> None:
    """Insert many rows with the same keys now: COPY on PostgreSQL, executemany elsewhere."""
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        _copy(session, dialect, table, rows)
    else:
        # Built once per table (its cache key is remembered with it), run on the connection: the
        # ORM's execute would add its own work for rows it does not track.
        insert = _INSERTS.get(table)
        if insert is None:
            insert = _INSERTS[table] = table.insert()
        session.connection().execute(insert, rows)


_INSERTS: dict[sa.Table, sa.Insert] = {}
# Fewer rows than this go in with one INSERT (psycopg sends them as one statement): a COPY's own
# round trips and set-up cost more than a handful of rows (one kiosk check-in writes three
# tables, one row each: bench/shelters.py).
COPY_FROM = 16


def _converters(dialect, table: sa.Table, names: list[str]) -> list:
    """Per column, what turns a value into what the driver is given, as SQLAlchemy would bind it."""
    convert = []
    for name in names:
        column_type = table.c[name].type
        if isinstance(column_type, sa.JSON):
            convert.append(_json_text(column_type.none_as_null))
        else:
            convert.append(column_type._cached_bind_processor(dialect))  # noqa: SLF001 - SQLAlchemy's own
    return convert


def _values(rows: list[dict], names: list[str], convert: list) -> list[list]:
    return [[row[n] if f is None else f(row[n]) for n, f in zip(names, convert, strict=True)] for row in rows]


def _pipelined(session: Session, dialect, by_table: dict[sa.Table, list[dict]]) -> None:
    """A few rows in each table (a kiosk's one check-in writes one audit row, one feed row, one
    ledger row): every table's INSERT sent at once in psycopg's pipeline mode, one round trip
    for all of them instead of one per table. This runs under the feed lock, and a check-in under
    its shelter's row lock too, so each round trip saved is time another check-in waits."""
    quote = dialect.identifier_preparer.quote
    statements = []
    for table, rows in by_table.items():
        names = list(rows[0])
        statement = (
            f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "  # noqa: S608 - our own tables
            f"({', '.join(quote(n) for n in names)}) VALUES ({', '.join(['%s'] * len(names))})"
        )
        statements.append((statement, _values(rows, names, _converters(dialect, table, names))))
    connection = session.connection().connection.driver_connection
    statement = None
    try:
        with connection.pipeline(), connection.cursor() as cursor:
            for statement, values in statements:
                cursor.executemany(statement, values)
    except psycopg.Error as exc:
        # As SQLAlchemy would raise it: callers catch IntegrityError, OperationalError, ...
        raise sa.exc.DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


def _copy(session: Session, dialect, table: sa.Table, rows: list[dict]) -> None:
    """COPY `rows` into `table`, each value converted as SQLAlchemy would bind it."""
    session.flush()  # the ORM's pending rows first: ours may refer to them
    names = list(rows[0])
    convert = _converters(dialect, table, names)
    columns = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({columns}) FROM STDIN"
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in _values(rows, names, convert):
                copy.write_row(row)
    except psycopg.Error as exc:
        # As SQLAlchemy would raise it: callers catch IntegrityError, OperationalError, ...
        raise sa.exc.DBAPIError.instance(statement, None, exc, psycopg.Error) from exc
    finally:
        cursor.close()


def _json_text(none_as_null: bool):
    def convert(value):
        if value is None:
            return None if none_as_null else "null"
        # orjson: several times faster than json, and a batch encodes a thousand entities.
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()

    return convert


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
