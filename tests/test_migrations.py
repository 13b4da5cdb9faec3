"""The schema comes only from migrations: migrating an empty database gives exactly the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from sharing.dbschema import include_object
from sharing.extensions import db


def test_migrated_database_matches_models(app, ctx):
    # The session's database was created empty and migrated to head by the `app` fixture.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrations_ship_the_national_classification(app, ctx):
    from instruments.models import Category

    assert db.session.scalar(select(func.count(Category.code))) == 739
    assert db.session.get(Category, "010101").name == "透射电镜"
    assert db.session.get(Category, "010101").parent_code == "010100"


def test_sqlite_runs_with_wal_and_foreign_keys(app, ctx, backend):
    import pytest
    from sqlalchemy import text

    if backend != "sqlite":
        pytest.skip("SQLite pragmas")

    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
