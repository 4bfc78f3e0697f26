"""What the database holds, read on a connection of its own (so only committed rows are seen),
and a commit that fails at the database: the shared tools of the unit-of-work tests."""

from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event

from server.extensions import db


def committed_rows(app) -> dict[str, list[tuple]]:
    """Every table's committed rows, in a stable order, read outside the app's session."""
    with app.app_context(), db.engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(sa.select(table))), key=repr)
            for table in db.metadata.sorted_tables
        }


def changed_tables(before: dict, after: dict) -> set[str]:
    return {name for name in after if before.get(name) != after[name]}


@contextmanager
def commit_fails(app, error: Exception):
    """The next COMMIT raises `error` before it reaches the database: the crash at the worst
    instant, after every statement of the unit of work ran."""

    def refuse(_conn):
        raise error

    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", refuse)
    try:
        yield
    finally:
        event.remove(engine, "commit", refuse)
