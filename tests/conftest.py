"""Test fixtures. Every test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.

Each backend gets a brand-new database migrated from empty (so migrations are exercised on
every run); after each test all rows except the shipped classification are removed.
"""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sharing.config import normalise_database_url
from tests.helpers import ApiClient, IsolatedClient

# Browser fixtures (live server, one shared Chromium, a page per test) for every test module.
pytest_plugins = ["tests.browser"]

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
KEEP_TABLES = {"categories", "alembic_version"}


def _create_postgres_database() -> tuple[str, callable]:
    base = make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    name = f"sharing_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def new_database_url(backend: str, tmp_path_factory) -> tuple[str, callable]:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        return f"sqlite:///{path}", lambda: None
    return _create_postgres_database()


def build_app(database_url: str, instance_path, **extra):
    os.environ["INSTANCE_PATH"] = str(instance_path)
    from sharing import create_app

    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": None,
        **extra,
    }
    return create_app(config)


def migrate_to_head(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def app(backend, tmp_path_factory):
    url, drop = new_database_url(backend, tmp_path_factory)
    application = build_app(url, tmp_path_factory.mktemp("instance"))
    application.test_client_class = IsolatedClient
    migrate_to_head(application)
    yield application
    from sharing.extensions import db

    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


def _wipe(app) -> None:
    from sharing.extensions import db, limiter

    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
            conn.execute(text("UPDATE categories SET rated_hours = NULL"))
        limiter.reset()


@pytest.fixture(autouse=True)
def _clean_database(request):
    yield
    if "app" in request.fixturenames:
        _wipe(request.getfixturevalue("app"))


@pytest.fixture
def ctx(app):
    """An app context for calling services and factories directly."""
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def api(app, ctx):
    return ApiClient(app.test_client())
