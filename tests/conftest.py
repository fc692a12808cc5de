"""Test set-up: one app per test session (per xdist worker) on a freshly migrated database.

The database comes from TEST_DATABASE_URL: unset means a SQLite file in a temporary folder; a
PostgreSQL URL (e.g. postgresql://postgres@127.0.0.1:5432/test) gets one database per xdist worker,
created empty and dropped afterwards. The data is the deterministic demo seed, whose users cover
every role (see app/demo.py).
"""
import os
import re

import pytest
import sqlalchemy as sa

import app.models  # noqa: F401  (every table mapped before a test module defines a view on one)

from tests.helpers import Client, DEMO_PASSWORD, seed_test_data, app_config


def _database_url(tmp_path_factory, worker):
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    url = re.sub(r"^postgresql(\+\w+)?://", "postgresql+psycopg://", url)
    base, _, name = url.rpartition("/")
    worker_db = f"{name}_{worker}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{worker_db}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{worker_db}"'))
    admin.dispose()
    return f"{base}/{worker_db}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    return _database_url(tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from app import create_app

    instance = tmp_path_factory.mktemp("instance")
    # bulk UPDATE/DELETE of audited data bypasses the audit trail: refused in tests
    app = create_app(app_config(database_url, instance, AUDIT_FORBID_BULK=True))
    with app.app_context():
        from tests.security.test_fab_holes import register_probes

        register_probes(app.appbuilder)
        seed_test_data(app)
    yield app


@pytest.fixture(scope="session")
def audit_watcher(app):
    from app.extensions import db
    from tests.audit_invariant import AuditWatcher

    with app.app_context():
        return AuditWatcher(db.engine)


@pytest.fixture(autouse=True)
def audit_invariant(request):
    """Every test that uses the app: each committed change of an audited record has exactly one audit
    row (tests/audit_invariant.py), checked after the test."""
    if "app" not in request.fixturenames or request.node.get_closest_marker("browser"):
        yield
        return
    watcher = request.getfixturevalue("audit_watcher")
    watcher.start()
    yield
    unlogged, unexplained = watcher.differences()
    assert not unlogged, f"changed without an audit row: {dict(unlogged)}"
    assert not unexplained, f"audit rows without a change: {dict(unexplained)}"


@pytest.fixture()
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture(scope="session")
def clients(app):
    """A logged-in test client per demo user, created once."""
    cache = {}

    def get(local_part):
        if local_part not in cache:
            cache[local_part] = Client.logged_in(app, f"{local_part}@demo.fondsportaal.nl", DEMO_PASSWORD)
            cache[local_part].shared = True
        return cache[local_part]

    return get


@pytest.fixture(scope="session")
def world(app):
    """Ids of rows each role does and does not own, read from the seeded data."""
    from tests.helpers import World

    with app.app_context():
        return World.read()
