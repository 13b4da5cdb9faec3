"""Every booking rule in one place, returning *all* problems at once (the page lists them all).

The API answers with the first problem in API.md's order; pages show the whole list.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from bookings.calendar import is_open_throughout
from bookings.models import ACTIVE_STATUSES, Booking, Downtime, Qualification, Suspension
from bookings.rules import merged_rules
from instruments.models import Instrument
from instruments.services import admits
from sharing.extensions import db
from sharing.timeutil import platform_tz

# API.md's order of checks, with each code's HTTP status.
ORDER = [
    ("user_suspended", 403), ("instrument_unavailable", 409), ("validation_error", 422),
    ("outside_booking_window", 422), ("off_grid", 422), ("duration_out_of_range", 422),
    ("outside_open_hours", 422), ("not_qualified", 403), ("quota_exceeded", 422), ("booking_conflict", 409),
]
STATUS = dict(ORDER)
RANK = {code: i for i, (code, _s) in enumerate(ORDER)}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str

    @property
    def status(self) -> int:
        return STATUS[self.code]


def active_suspension(user_id: int, at: datetime) -> Suspension | None:
    return db.session.scalar(select(Suspension).where(
        Suspension.user_id == user_id, Suspension.start <= at, Suspension.end > at).limit(1))


def valid_qualification(instrument_id: int, user_id: int, at: datetime) -> Qualification | None:
    return db.session.scalar(select(Qualification).where(
        Qualification.instrument_id == instrument_id, Qualification.user_id == user_id,
        (Qualification.expires_at.is_(None)) | (Qualification.expires_at > at)))


def conflicts(instrument_id: int, start: datetime, end: datetime, buffer_minutes: int,
              ignore_booking_id: int | None = None) -> bool:
    """Does [start, end) (plus the buffer) meet an active booking or a downtime?"""
    block_end = end + timedelta(minutes=buffer_minutes)
    booking = select(Booking.id).where(
        Booking.instrument_id == instrument_id, Booking.status.in_(ACTIVE_STATUSES),
        Booking.start < block_end, Booking.block_end > start)
    if ignore_booking_id is not None:
        booking = booking.where(Booking.id != ignore_booking_id)
    downtime = select(Downtime.id).where(
        Downtime.instrument_id == instrument_id, Downtime.start < end, Downtime.end > start)
    return bool(db.session.scalar(select(booking.exists() | downtime.exists())))  # one round trip


def _on_grid(moment: datetime, slot_minutes: int) -> bool:
    local = moment.astimezone(platform_tz())
    minutes = local.hour * 60 + local.minute
    return local.second == 0 and local.microsecond == 0 and minutes % slot_minutes == 0


def booking_problems(user, instrument: Instrument, start: datetime, end: datetime, mode: str,
                     now: datetime, ignore_booking_id: int | None = None,
                     suspended: bool | None = None) -> list[Problem]:
    """All rules a new booking (or a re-check on approval) breaks, in API.md's order.

    ``suspended``: already known by the caller (None: look it up).
    """
    rules = merged_rules(instrument.booking_rules, None)
    problems: list[Problem] = []
    add = lambda code, message: problems.append(Problem(code, message))  # noqa: E731

    if active_suspension(user.id, now) if suspended is None else suspended:
        add("user_suspended", _("You are suspended from booking after repeated no-shows."))
    if instrument.status != "normal":
        add("instrument_unavailable", _("The instrument is not in service."))
    elif not admits(instrument, user.unit_id):
        add("instrument_unavailable", _("The instrument is not open to users of your unit."))
    if end <= start:
        add("validation_error", _("The end must be after the start."))
        return sorted(problems, key=lambda p: RANK[p.code])
    if start < now:
        add("outside_booking_window", _("The start is in the past."))
    elif start < now + timedelta(minutes=rules["lead_minutes"]):
        add("outside_booking_window", _("Book at least %(minutes)d minutes ahead.", minutes=rules["lead_minutes"]))
    if end > now + timedelta(days=rules["horizon_days"]):
        add("outside_booking_window", _("Bookings may end at most %(days)d days ahead.", days=rules["horizon_days"]))
    if not (_on_grid(start, rules["slot_minutes"]) and _on_grid(end, rules["slot_minutes"])):
        add("off_grid", _("Start and end must fall on the %(minutes)d-minute grid.", minutes=rules["slot_minutes"]))
    minutes = (end - start).total_seconds() / 60
    if minutes < rules["min_minutes"] or minutes > rules["max_minutes"]:
        add("duration_out_of_range", _("A booking lasts from %(min)d to %(max)d minutes.",
                                       min=rules["min_minutes"], max=rules["max_minutes"]))
    if not is_open_throughout(rules, start, end):
        add("outside_open_hours", _("Part of this time is outside the opening hours or on a closed holiday."))
    if mode == "self" and rules["requires_qualification"] and not valid_qualification(instrument.id, user.id, now):
        add("not_qualified", _("Self-operated use of this instrument needs a valid qualification."))
    problems += writer_problems(user, instrument, start, end, now, ignore_booking_id, rules)
    return sorted(problems, key=lambda p: RANK[p.code])


def writer_problems(user, instrument: Instrument, start: datetime, end: datetime, now: datetime,
                    ignore_booking_id: int | None = None, rules: dict | None = None) -> list[Problem]:
    """The rules that other requests' writes can break between a check and the insert: quota, overlaps."""
    rules = rules or merged_rules(instrument.booking_rules, None)
    problems: list[Problem] = []
    limit = rules["max_active_per_user"]
    if limit is not None:
        future = db.session.scalar(select(func.count(Booking.id)).where(
            Booking.instrument_id == instrument.id, Booking.user_id == user.id,
            Booking.status.in_(ACTIVE_STATUSES), Booking.start >= now,
            Booking.id != (ignore_booking_id or 0)))
        if future >= limit:
            problems.append(Problem("quota_exceeded",
                                    _("You already have %(n)d future bookings on this instrument.", n=future)))
    if conflicts(instrument.id, start, end, rules["buffer_minutes"], ignore_booking_id):
        problems.append(Problem("booking_conflict", _("This time overlaps another booking or a downtime.")))
    return problems
