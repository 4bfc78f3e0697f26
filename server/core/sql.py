"""Statements both databases can run but SQLAlchemy spells per dialect."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db


def insert_unless_exists(table: sa.Table, row: dict) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on the primary key; True when the row went in.
    The key decides, so two writers at once cannot both think they were first."""
    dialect = sqlite if db.session.get_bind().dialect.name == "sqlite" else postgresql
    stmt = dialect.insert(table).on_conflict_do_nothing(index_elements=list(table.primary_key.columns))
    return db.session.execute(stmt, row).rowcount == 1
