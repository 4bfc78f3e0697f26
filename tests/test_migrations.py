"""Migrations give exactly the models' schema, and every revision goes up and down."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from server.extensions import db


def _diff(app):
    with app.app_context(), db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, db.metadata)


def test_head_matches_the_models(app):
    assert _diff(app) == []


def test_each_revision_goes_down_and_up_again(app):
    from alembic.script import ScriptDirectory

    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        revisions = list(ScriptDirectory.from_config(config).walk_revisions())
        for _ in revisions:
            downgrade(revision="-1")
        upgrade()
    assert _diff(app) == []
