"""When can an instrument be booked? (API.md, "Availability")

``free`` is exactly where a new booking could lie under the opening hours, holidays, downtimes,
pending and confirmed bookings and the buffer (before the slot and length rules); ``busy`` lists
each active booking and downtime as stored, clipped to the window, never saying who booked.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bookings.calendar import clip, open_intervals, subtract
from bookings.models import ACTIVE_STATUSES, Booking, Downtime
from bookings.rules import merged_rules
from instruments.models import Instrument
from sharing.extensions import db

MAX_WINDOW = timedelta(days=31)


def availability(instrument: Instrument, start: datetime, end: datetime) -> dict:
    rules = merged_rules(instrument.booking_rules, None)
    buffer = timedelta(minutes=rules["buffer_minutes"])
    bookings = db.session.execute(
        select(Booking.start, Booking.end, Booking.block_end).where(
            Booking.instrument_id == instrument.id, Booking.status.in_(ACTIVE_STATUSES),
            Booking.start < end + buffer, Booking.block_end > start - buffer)
        .order_by(Booking.start)
    ).all()
    downtimes = db.session.execute(
        select(Downtime.start, Downtime.end).where(
            Downtime.instrument_id == instrument.id, Downtime.start < end, Downtime.end > start)
        .order_by(Downtime.start)
    ).all()
    # A new [s, e) conflicts with a booking when s < its block_end and its start < e + buffer.
    held = [(b.start - buffer, b.block_end) for b in bookings] + [(d.start, d.end) for d in downtimes]
    free = subtract(open_intervals(rules, start, end), held)
    busy = sorted(
        [{"start": s, "end": e, "kind": "booking"} for s, e in clip([(b.start, b.end) for b in bookings], start, end)]
        + [{"start": s, "end": e, "kind": "downtime"} for s, e in clip([(d.start, d.end) for d in downtimes],
                                                                       start, end)],
        key=lambda item: (item["start"], item["end"]),
    )
    return {"instrument_id": instrument.id, "free": [{"start": s, "end": e} for s, e in free], "busy": busy}
