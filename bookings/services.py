"""The booking life cycle: request, approve or reject, cancel, check in and out.

``pending → confirmed | rejected | cancelled``; ``confirmed → completed | no_show | cancelled``.
Every transition is audited (who, when, why) and tells the people concerned. Pages and the
JSON API both call these functions, so a rule is enforced the same way everywhere.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bookings import people
from bookings.checks import active_suspension, booking_problems, conflicts, writer_problems
from bookings.fees import default_fee
from bookings.models import Booking, UsageLog
from bookings.rules import merged_rules
from bookings.usage import claim_ledger_time
from bookings.schemas import BookingInput
from instruments.models import Instrument
from instruments.services import admits
from sharing import roles as policy
from sharing.audit import set_reason
from sharing.dbtx import begin_write
from sharing.errors import ApiError, forbidden, not_found, validation_error
from sharing.extensions import db
from sharing.timeutil import utcnow

TRANSITIONS = {"pending": {"confirmed", "rejected", "cancelled"},
               "confirmed": {"completed", "no_show", "cancelled"}}


def conflict_error() -> ApiError:
    return ApiError(409, "booking_conflict", _("This time overlaps another booking or a downtime."))


def may_see(user, booking: Booking) -> bool:
    return policy.sees_record(user, booking.user_id, booking.instrument.unit_id)


def get_booking(user, booking_id: int, for_update: bool = False) -> Booking:
    """The booking if the user may see it; another unit's booking is a 404 (API.md, scoping).

    ``for_update`` locks the row (PostgreSQL) so that a status change cannot race with another
    request or a scheduled job (expiry, no-shows) deciding on the same booking.
    """
    booking = db.session.get(Booking, booking_id)
    if booking is None or not may_see(user, booking):
        raise not_found()
    if for_update:
        db.session.refresh(booking, with_for_update={"key_share": True, "of": Booking})
    return booking


def bookings_query(user, filters: dict):
    query = select(Booking).join(Instrument, Instrument.id == Booking.instrument_id)
    visible = policy.records_visible_to(user, Booking.user_id, Instrument.unit_id)
    if visible is not None:
        query = query.where(visible)
    if "instrument_id" in filters:
        query = query.where(Booking.instrument_id == filters["instrument_id"])
    if "user_id" in filters:
        query = query.where(Booking.user_id == filters["user_id"])
    if "status" in filters:
        query = query.where(Booking.status == filters["status"])
    if filters.get("from_") is not None:
        query = query.where(Booking.end > filters["from_"])
    if filters.get("to") is not None:
        query = query.where(Booking.start < filters["to"])
    return query.order_by(Booking.id)


def _refuse(problems) -> ApiError:
    first = problems[0]
    return ApiError(first.status, first.code, first.message,
                    extra={"problems": [{"code": p.code, "message": p.message} for p in problems]})


def create_booking(user, payload, now: datetime | None = None) -> Booking:
    """Book an instrument: confirmed at once or pending approval, or refused with every problem."""
    now = now or utcnow()
    if active_suspension(user.id, now):
        raise ApiError(403, "user_suspended", _("You are suspended from booking after repeated no-shows."))
    schema = BookingInput()
    errors = schema.validate(payload if isinstance(payload, dict) else {})
    instrument_id = payload.get("instrument_id") if isinstance(payload, dict) else None
    instrument = None
    if "instrument_id" not in errors and isinstance(instrument_id, int):
        instrument = db.session.get(Instrument, instrument_id)
        if instrument is None:
            errors["instrument_id"] = [_("No such instrument.")]
        elif instrument.status != "normal" or not admits(instrument, user.unit_id):
            raise ApiError(409, "instrument_unavailable", _("The instrument is not open for booking."))
    if errors or not isinstance(payload, dict):
        raise validation_error(errors or {"_schema": [_("Send a JSON object.")]})
    data = schema.load(payload)

    # Every rule first, outside the write transaction: a refused request never waits for the lock.
    problems = booking_problems(user, instrument, data["start"], data["end"], data["mode"], now, suspended=False)
    if problems:
        db.session.rollback()
        raise _refuse(problems)
    if begin_write():  # SQLite, under the write lock: again what concurrent writers may have changed
        problems = writer_problems(user, instrument, data["start"], data["end"], now)
        if problems:
            db.session.rollback()
            raise _refuse(problems)
    rules = merged_rules(instrument.booking_rules, None)
    booking = Booking(
        instrument_id=instrument.id, user_id=user.id, start=data["start"], end=data["end"],
        block_end=data["end"] + timedelta(minutes=rules["buffer_minutes"]), mode=data["mode"],
        purpose=data["purpose"], sample_count=data["sample_count"],
        status="pending" if rules["approval"] == "manager" else "confirmed",
    )
    db.session.add(booking)
    try:
        db.session.flush()
    except IntegrityError:  # the database's overlap guard: a concurrent request won
        db.session.rollback()
        raise conflict_error() from None
    if booking.status == "confirmed":
        people.tell_user(booking, "booking_confirmed")
    else:
        people.tell_user(booking, "booking_pending")
        people.tell_managers(booking, "booking_requested")
    session = db.session()
    session.expire_on_commit = False  # the answer shows what was just written: no reload after commit
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    return booking


def _managed(user, booking: Booking) -> None:
    if not policy.can_manage_instruments_of(user, booking.instrument.unit_id):
        raise forbidden()


def _check_transition(booking: Booking, status: str) -> None:
    if status not in TRANSITIONS.get(booking.status, ()):
        raise ApiError(409, "invalid_status", _("This booking is %(status)s; that is no longer possible.",
                                                status=_status_label(booking.status)))


def _move(booking: Booking, status: str, by=None, reason: str | None = None) -> None:
    """Change the status; a decision (confirm, reject, cancel) records who made it and why."""
    _check_transition(booking, status)
    booking.status = status
    if status in ("confirmed", "rejected", "cancelled"):
        booking.decided_by = by.id if by is not None else None
        booking.decided_at = utcnow()
        booking.reason = reason
    set_reason(reason)


def complete_by_usage(booking: Booking, by=None) -> None:
    """A use recorded for a confirmed booking completes it, as check-out does (same move, same trail).

    The caller (``bookings.usage.create_log``) holds the write transaction and commits.
    """
    _move(booking, "completed", by)


def _status_label(status: str) -> str:
    from bookings.display import STATUS_LABELS

    return str(STATUS_LABELS.get(status, status))


def approve(user, booking_id: int) -> Booking:
    """Confirm a pending request after checking again that its time is still free."""
    begin_write()
    booking = get_booking(user, booking_id, for_update=True)
    _managed(user, booking)
    _check_transition(booking, "confirmed")
    if booking.status != "pending":
        raise ApiError(409, "invalid_status", _("Only a pending request can be approved."))
    if booking.start <= utcnow():
        raise ApiError(409, "invalid_status", _("This request has already begun; it can no longer be approved."))
    rules = merged_rules(booking.instrument.booking_rules, None)
    if conflicts(booking.instrument_id, booking.start, booking.end, rules["buffer_minutes"], booking.id):
        db.session.rollback()
        raise conflict_error()
    booking.block_end = booking.end + timedelta(minutes=rules["buffer_minutes"])
    _move(booking, "confirmed", user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise conflict_error() from None
    people.tell_user(booking, "booking_confirmed")
    db.session.commit()
    return booking


def reject(user, booking_id: int, reason: str) -> Booking:
    begin_write()
    booking = get_booking(user, booking_id, for_update=True)
    _managed(user, booking)
    if booking.status != "pending":
        raise ApiError(409, "invalid_status", _("Only a pending request can be rejected."))
    _move(booking, "rejected", user, reason)
    people.tell_user(booking, "booking_rejected", reason=reason)
    db.session.commit()
    return booking


def cancel_deadline(booking: Booking) -> datetime:
    rules = merged_rules(booking.instrument.booking_rules, None)
    return booking.start - timedelta(minutes=rules["cancel_deadline_minutes"])


def cancel(user, booking_id: int, reason: str | None, now: datetime | None = None) -> Booking:
    """The owner cancels until the deadline; managers of the instrument any time, with a reason."""
    now = now or utcnow()
    begin_write()
    booking = get_booking(user, booking_id, for_update=True)
    manages = policy.can_manage_instruments_of(user, booking.instrument.unit_id)
    if booking.user_id != user.id:
        if not manages:
            raise forbidden()
        if not reason:
            raise validation_error({"reason": [_("Give the user a reason for cancelling their booking.")]})
    _check_transition(booking, "cancelled")
    if not manages and now > cancel_deadline(booking):
        raise ApiError(422, "cancel_deadline_passed",
                       _("Bookings of this instrument can be cancelled until %(minutes)d minutes before they start.",
                         minutes=merged_rules(booking.instrument.booking_rules, None)["cancel_deadline_minutes"]))
    _move(booking, "cancelled", user, reason)
    if booking.user_id == user.id:
        people.tell_managers(booking, "booking_withdrawn")
    else:
        people.tell_user(booking, "booking_cancelled", reason=reason)
    db.session.commit()
    return booking


def _own(user, booking: Booking) -> None:
    if booking.user_id != user.id:
        raise forbidden(_("Only the person who booked can check in and out."))


def check_in(user, booking_id: int, now: datetime | None = None) -> Booking:
    now = now or utcnow()
    begin_write()
    booking = get_booking(user, booking_id, for_update=True)
    _own(user, booking)
    if booking.status != "confirmed" or booking.checked_in_at is not None:
        raise ApiError(409, "invalid_status", _("Only a confirmed booking that is not checked in yet can be checked in."))
    early = timedelta(minutes=current_app.config["CHECK_IN_EARLY_MINUTES"])
    if not (booking.start - early <= now < booking.end):
        raise ApiError(422, "check_in_window", _("Check in from %(minutes)d minutes before the start until the end.",
                                                 minutes=current_app.config["CHECK_IN_EARLY_MINUTES"]))
    booking.checked_in_at = now
    db.session.commit()
    return booking


def check_out(user, booking_id: int, data: dict, now: datetime | None = None) -> tuple[Booking, UsageLog]:
    """End the use: the ledger gets a log from check-in to now, and the booking is completed."""
    now = now or utcnow()
    begin_write()
    booking = get_booking(user, booking_id, for_update=True)
    _own(user, booking)
    if booking.status != "confirmed" or booking.checked_in_at is None:
        raise ApiError(409, "invalid_status", _("Check in before checking out."))
    if now <= booking.checked_in_at:
        raise validation_error({"_schema": [_("The check-out must be after the check-in.")]})
    instrument = booking.instrument
    claim_ledger_time(instrument.id, booking.checked_in_at, now)  # the ledger's own rules: lock, overlap
    is_external = booking.user.unit_id != instrument.unit_id
    service_way = "entrust" if booking.mode == "sample" else "occupy"
    samples = data.get("sample_count") if data.get("sample_count") is not None else booking.sample_count
    log = UsageLog(instrument_id=instrument.id, user_id=booking.user_id, booking_id=booking.id,
                   start=booking.checked_in_at, end=now, purpose=data.get("purpose", "research"),
                   service_way=service_way, sample_count=samples, is_external=is_external,
                   source="checkin", created_by=user.id)
    log.fee = default_fee(instrument, is_external, log.hours, service_way, samples)
    db.session.add(log)
    booking.checked_out_at = now
    _move(booking, "completed", user)
    db.session.commit()
    return booking, log
