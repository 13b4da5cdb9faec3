"""Write transactions that check and then write as one step, on every database.

PostgreSQL checks concurrent writers itself (constraints, row locks). On SQLite the sqlite3
module starts a transaction only at the first write, so a service's checks would read outside
the write lock and two requests could both pass them. ``begin_write()`` opens the transaction
with ``BEGIN IMMEDIATE``: it takes SQLite's write lock before the checks run, so checks and
insert see the same data and other writers wait their turn (``busy_timeout``).
"""
from __future__ import annotations

from sharing.extensions import db


def begin_write() -> bool:
    """Start the session's write transaction (SQLite: take the write lock now); True on SQLite.

    Ends the open transaction first only if it already wrote something; objects that were only
    read stay loaded, so nothing is reloaded inside the lock.
    """
    if db.engine.dialect.name != "sqlite":
        return False
    session = db.session()
    if session.in_transaction() and session.connection().connection.dbapi_connection.in_transaction:
        session.commit()
    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    return True
