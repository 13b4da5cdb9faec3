"""Downtimes (maintenance, repairs): the instrument cannot be booked; bookings in the way are
cancelled and their users told why."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from bookings import people
from bookings.models import ACTIVE_STATUSES, Booking, Downtime
from sharing import roles as policy
from sharing.audit import set_reason
from sharing.dbtx import begin_write
from sharing.errors import forbidden, not_found
from sharing.extensions import db
from sharing.timeutil import utcnow


def list_downtimes(instrument, start=None, end=None) -> list[Downtime]:
    query = select(Downtime).where(Downtime.instrument_id == instrument.id)
    if start is not None:
        query = query.where(Downtime.end > start)
    if end is not None:
        query = query.where(Downtime.start < end)
    return db.session.scalars(query.order_by(Downtime.start, Downtime.id)).all()


def create_downtime(user, instrument, data: dict) -> Downtime:
    """Schedule a downtime and cancel the pending and confirmed bookings it overlaps."""
    if not policy.can_manage_instruments_of(user, instrument.unit_id):
        raise forbidden()
    begin_write()
    downtime = Downtime(instrument_id=instrument.id, start=data["start"], end=data["end"],
                        reason=data["reason"], created_by=user.id)
    db.session.add(downtime)
    overlapping = db.session.scalars(select(Booking).where(
        Booking.instrument_id == instrument.id, Booking.status.in_(ACTIVE_STATUSES),
        Booking.start < downtime.end, Booking.end > downtime.start).order_by(Booking.start)).all()
    reason = _("Downtime: %(reason)s", reason=data["reason"])
    set_reason(reason)
    for booking in overlapping:
        booking.status, booking.reason = "cancelled", reason
        booking.decided_by, booking.decided_at = user.id, utcnow()
        people.tell_user(booking, "booking_cancelled", reason=data["reason"])
    db.session.flush()
    cancelled_ids = [b.id for b in overlapping]
    db.session.commit()
    downtime.cancelled_booking_ids = cancelled_ids
    return downtime


def delete_downtime(user, instrument, downtime_id: int) -> None:
    if not policy.can_manage_instruments_of(user, instrument.unit_id):
        raise forbidden()
    downtime = db.session.get(Downtime, downtime_id)
    if downtime is None or downtime.instrument_id != instrument.id:
        raise not_found()
    db.session.delete(downtime)
    db.session.commit()
