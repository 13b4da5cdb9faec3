"""The real app plus one bare booking endpoint, the baseline of ``booking_bench.py``.

``gunicorn baseline_wsgi:app`` (with ``bench/`` on the path) serves exactly what ``wsgi:app``
serves — same factory, settings, database, extensions and before-request hooks — and adds

    POST /bench/baseline-booking   {"instrument_id", "start", "end"}   Authorization: Bearer <token>

which does only what any correct booking endpoint must do:

1. authenticate the bearer token with the app's own lookup (``user_for_token``: one SELECT of
   the token joined with its user, as every API request does);
2. parse the JSON body and the two ISO 8601 times (no marshmallow);
3. open the write transaction the same way the service does (``begin_write()``: ``BEGIN
   IMMEDIATE`` on SQLite, nothing on PostgreSQL, where read committed + the exclusion
   constraint apply);
4. ``SELECT`` one overlapping active booking of the instrument; if there is one → 409;
5. ``INSERT`` one row into ``bookings`` (SQLAlchemy Core, so no ORM flush: no audit row, no
   notification) and commit; the database's overlap guard (trigger / exclusion constraint)
   turns a lost race into ``IntegrityError`` → 409.

Answers: 201 ``{"id"}``, 409 ``{"error": {"code": "booking_conflict", "by": "check"|"guard"}}``,
401, 422. It skips
everything else the real endpoint does: rule checks (suspension, availability, window, grid,
duration, opening hours and holidays, qualification, quota, downtimes), the instrument load,
marshmallow validation and serialisation, audit rows, notifications. Not for production.
"""
from __future__ import annotations

from datetime import datetime

from flask import jsonify, request
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from bookings.models import ACTIVE_STATUSES, Booking
from sharing import create_app
from sharing.accounts.services import user_for_token
from sharing.dbtx import begin_write
from sharing.extensions import csrf, db

BOOKINGS = Booking.__table__


def _error(status: int, code: str, by: str | None = None):
    """The API's error envelope; ``by`` says which step refused a conflict ("check" or "guard")."""
    error = {"code": code, "message": code}
    if by:
        error["by"] = by
    return jsonify(error=error), status


def baseline_booking():
    header = request.headers.get("Authorization", "")
    found = user_for_token(header[7:].strip()) if header.lower().startswith("bearer ") else None
    if found is None:
        return _error(401, "unauthorized")
    user = found[0]
    data = request.get_json(silent=True)
    try:
        instrument_id = int(data["instrument_id"])
        start, end = datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"])
        if start.tzinfo is None or end.tzinfo is None or end <= start:
            raise ValueError
    except (TypeError, KeyError, ValueError):
        return _error(422, "validation_error")

    begin_write()  # the service's transaction mode: BEGIN IMMEDIATE on SQLite
    clash = db.session.scalar(select(BOOKINGS.c.id).where(
        BOOKINGS.c.instrument_id == instrument_id, BOOKINGS.c.status.in_(ACTIVE_STATUSES),
        BOOKINGS.c.start < end, BOOKINGS.c.block_end > start).limit(1))
    if clash is not None:
        db.session.rollback()
        return _error(409, "booking_conflict", "check")
    try:
        booking_id = db.session.execute(insert(BOOKINGS).values(
            instrument_id=instrument_id, user_id=user.id, start=start, end=end, block_end=end,
            status="confirmed", mode="self").returning(BOOKINGS.c.id)).scalar_one()
        db.session.commit()
    except IntegrityError:  # the database's overlap guard: a concurrent request won
        db.session.rollback()
        return _error(409, "booking_conflict", "guard")
    return jsonify(id=booking_id), 201


app = create_app()
app.add_url_rule("/bench/baseline-booking", "bench_baseline_booking", csrf.exempt(baseline_booking),
                 methods=["POST"])
