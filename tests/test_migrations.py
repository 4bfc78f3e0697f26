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


def test_members_imported_before_have_no_password_after_the_upgrade(app):
    """9f3b6c2a1d47: an import batch shared one unknown hash; its members are marked as having
    none, and nobody else is (a password of one's own, or one reset by the desk, is unique)."""
    import uuid

    import sqlalchemy as sa

    from server.accounts.models import User
    from server.core.models import utcnow
    from server.regions.models import Region

    shared = "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
    with app.app_context():
        downgrade(revision="5c1e9a7d3b20")
        users = User.__table__  # the same columns at both revisions
        rows = {
            "imported1": (shared, True),
            "imported2": (shared, True),
            "own": ("$argon2id$v=19$m=8192,t=1,p=1$b3duc2FsdA$b3duaGFzaA", False),
            "reset": ("$argon2id$v=19$m=8192,t=1,p=1$cmVzZXQ$cmVzZXRoYXNo", True),
        }
        with db.engine.begin() as conn:
            conn.execute(
                sa.insert(Region.__table__).values(
                    id=900, code="350823999", name="测试镇", level="township", path="/900/"
                )
            )
            now = utcnow()
            for name, (hashed, must) in rows.items():
                conn.execute(
                    sa.insert(users).values(
                        id=uuid.uuid4(),
                        username=name,
                        display_name=name,
                        role="member",
                        region_id=900,
                        password_hash=hashed,
                        active=True,
                        must_change_password=must,
                        created_at=now,
                        updated_at=now,
                    )
                )
        upgrade()
        got = dict(db.session.execute(sa.select(User.username, User.password_hash)).all())
        db.session.remove()
    assert got["imported1"] == got["imported2"] == "!" + shared
    assert got["own"] == rows["own"][0] and got["reset"] == rows["reset"][0]
