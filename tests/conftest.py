"""Fixtures: an app on a real database (SQLite file or PostgreSQL), clean tables per test,
demo data, and an `auth` helper that logs a demo account in."""

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings

from server import create_app
from server.config import TestConfig
from server.extensions import db, limiter

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

# No per-example deadline for any property test: these machines are shared and noisy, and a slow
# example is not a wrong one (a pure subsidy hours property failed once in a loaded full run and
# passed alone: most likely Hypothesis's 200 ms deadline). Speed is measured in bench/, never here.
settings.register_profile("project", deadline=None)
settings.load_profile("project")


def _database_url(tmp_root: Path) -> tuple[str, callable]:
    """The URL to test on, and a function that drops what was made for it."""
    target = os.environ.get("TEST_DB", "sqlite")
    if target == "sqlite":
        return f"sqlite:///{tmp_root / 'test.sqlite3'}", lambda: None
    admin_url = os.environ.get("TEST_DATABASE_URL", PG_DEFAULT)
    name = f"emergency_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        pytest.exit(
            f"PostgreSQL is not answering at {admin_url} ({type(exc).__name__}). Start it with "
            "'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start' or set "
            "TEST_DATABASE_URL.",
            returncode=3,
        )

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return admin.url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url, drop = _database_url(tmp_path_factory.mktemp("db"))
    yield url
    drop()


@pytest.fixture(scope="session")
def pwa_dist(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text("<!doctype html><title>应急通</title><div id=app></div>")
    (dist / "manifest.webmanifest").write_text('{"name": "应急通"}')
    return dist


@pytest.fixture(scope="session")
def app(database_url, pwa_dist, tmp_path_factory):
    class Cfg(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        PWA_DIST = pwa_dist
        MEDIA_ROOT = tmp_path_factory.mktemp("media")

    application = create_app(Cfg)
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture()
def make_app():
    """Extra app instances (another worker, another config); their pools are closed after."""
    made = []

    def make(config):
        application = create_app(config)
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def _clear(application) -> None:
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean(request):
    """Real commits, then empty tables: tests of concurrency need real transactions,
    which an outer rolled-back transaction would hide."""
    yield
    if "app" in request.fixturenames:
        application = request.getfixturevalue("app")
        _clear(application)
        with application.app_context():
            limiter.reset()


@pytest.fixture()
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def demo(app):
    from server.demo.load import load_demo

    with app.app_context():
        load_demo(stories=False)
        db.session.remove()


@pytest.fixture()
def tokens(client, demo):
    cache: dict[str, dict] = {}

    def login(username: str) -> dict:
        if username not in cache:
            resp = client.post("/api/v1/auth/login", json={"username": username, "password": "demo12345"})
            assert resp.status_code == 200, resp.json
            cache[username] = resp.json
        return cache[username]

    return login


class ApiClient:
    """A test client that sends one user's Bearer token (and no cookies)."""

    def __init__(self, app, token: str | None):
        self._client = app.test_client(use_cookies=False)
        self.token = token

    def open(self, method: str, path: str, **kw):
        headers = kw.pop("headers", {}) or {}
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self._client.open(path, method=method, headers=headers, **kw)

    def get(self, path, **kw):
        return self.open("GET", path, **kw)

    def post(self, path, **kw):
        return self.open("POST", path, **kw)

    def patch(self, path, **kw):
        return self.open("PATCH", path, **kw)

    def put(self, path, **kw):
        return self.open("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.open("DELETE", path, **kw)


@pytest.fixture()
def auth(app, tokens):
    """auth("town1") -> an ApiClient acting as that demo account."""

    def as_user(username: str) -> ApiClient:
        return ApiClient(app, tokens(username)["access_token"])

    return as_user


@pytest.fixture()
def ids(app, demo):
    """Ids of demo records by a readable name."""
    from server.accounts.models import User
    from server.regions.models import Region
    from server.shelters.models import Shelter
    from server.teams.models import Team

    with app.app_context():
        regions = {r.name: r.id for r in db.session.scalars(sa.select(Region))}
        users = {u.username: str(u.id) for u in db.session.scalars(sa.select(User))}
        shelters = {s.name: str(s.id) for s in db.session.scalars(sa.select(Shelter))}
        teams = {t.region_id: str(t.id) for t in db.session.scalars(sa.select(Team))}
        db.session.remove()
    return {"regions": regions, "users": users, "shelters": shelters, "teams": teams}
