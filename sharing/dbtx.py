"""Write transactions that check and then write as one step, on every database.

PostgreSQL checks concurrent writers itself (constraints, row locks). On SQLite the sqlite3
module starts a transaction only at the first write, so a service's checks would read outside
the write lock and two requests could both pass them. ``begin_write()`` opens the transaction
with ``BEGIN IMMEDIATE``: it takes SQLite's write lock before the checks run, so checks and
insert see the same data and other writers wait their turn (``busy_timeout``).
"""
from __future__ import annotations

from sharing.extensions import db


def begin_write() -> None:
    """Start the session's next transaction as a writer (SQLite: take the write lock now).

    Ends the open transaction first: nothing is pending in it when a service decides to write.
    """
    if db.engine.dialect.name != "sqlite":
        return
    if db.session().in_transaction():
        db.session.commit()
    db.session.connection().exec_driver_sql("BEGIN IMMEDIATE")
