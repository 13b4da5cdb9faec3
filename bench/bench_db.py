"""What every benchmark needs first: a fresh database of one backend and the app on it."""
from __future__ import annotations

import os
from pathlib import Path


class Database:
    """A fresh database named ``name``: a SQLite file in ``workdir`` or a database on the PostgreSQL
    server of ``postgres_url`` (replacing one of that name); ``drop()`` removes it."""

    def __init__(self, backend: str, workdir: Path, postgres_url: str, name: str):
        self.backend = backend
        self._drop = lambda: None
        if backend == "sqlite":
            self.url = f"sqlite:///{workdir / (name + '.sqlite3')}"
            return
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        from sharing.config import normalise_database_url

        base = make_url(normalise_database_url(postgres_url))
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))

        def drop():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        self._drop = drop
        self.url = base.set(database=name).render_as_string(hide_password=False)

    def drop(self) -> None:
        self._drop()


def build_app(url: str, instance: Path):
    os.environ["INSTANCE_PATH"] = str(instance)
    from sharing import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret"})


def analyze(engine) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL also vacuums, for index-only scans)."""
    from sqlalchemy import text

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE"))
