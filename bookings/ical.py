"""iCalendar (RFC 5545) documents: an instrument's busy time and a person's own bookings.

Times are written in UTC (``DTSTART:20260303T010000Z``), so every client places them right
whatever its zone; the platform zone is added as a VTIMEZONE (and ``X-WR-TIMEZONE``) for
clients that show a calendar in its own zone, and keeps a calendar without events valid (RFC
5545 wants at least one component). Each event's UID is derived from the record's id, so it is
the same on every request and a subscribed client updates the event in place. DTSTAMP is the
record's last change: for an object without METHOD it stands for LAST-MODIFIED (§3.8.7.2).

The instrument feed is built from columns only (times, status, ids): it cannot leak who booked
or why. The personal feed lists the person's pending and confirmed bookings and, as a record of
what happened, completed ones; cancelled, rejected and no-show bookings are left out, so a
client drops them at its next refresh. Both cover 30 days back; the instrument feed reaches 90
days ahead, the personal one every future booking.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone, vDuration
from sqlalchemy import select

from bookings.display import MODE_LABELS, STATUS_LABELS
from bookings.models import ACTIVE_STATUSES, Booking, Downtime
from instruments.models import Instrument
from sharing.extensions import db
from sharing.timeutil import platform_tz, utcnow

PRODID = "-//Instrument Sharing Platform//Booking calendars 1.0//ZH"
# A fixed domain keeps UIDs stable whatever host name a feed was fetched through (.invalid is
# reserved, so it can never clash with a real domain's UIDs).
UID_DOMAIN = "instrument-sharing.invalid"
PAST = timedelta(days=30)
AHEAD = timedelta(days=90)
REFRESH = timedelta(hours=1)
PERSONAL_STATUSES = ("pending", "confirmed", "completed")
ICAL_STATUS = {"pending": "TENTATIVE", "confirmed": "CONFIRMED", "completed": "CONFIRMED"}


@lru_cache(maxsize=8)
def _timezone_component(tzid: str, year: int) -> Timezone:
    """A zone's rules for the years around ``year`` (built once: it takes milliseconds; never changed)."""
    component = Timezone.from_tzinfo(ZoneInfo(tzid), tzid=tzid, first_date=date(year - 1, 1, 1),
                                     last_date=date(year + 3, 1, 1))
    component.pop("COMMENT", None)
    return component


def _calendar(name: str, now: datetime) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)  # RFC 7986
    calendar.add("x-wr-timezone", str(platform_tz()))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986
    calendar.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())
    calendar.add_component(_timezone_component(str(platform_tz()), now.astimezone(platform_tz()).year))
    return calendar


def _event(uid: str, start: datetime, end: datetime, created: datetime, changed: datetime | None) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", changed or created)
    event.add("created", created)
    event.add("last-modified", changed or created)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("transp", "OPAQUE")
    return event


def instrument_calendar(instrument: Instrument, now: datetime | None = None) -> bytes:
    """Pending and confirmed bookings and downtimes of the instrument, without who or why."""
    now = now or utcnow()
    start, end = now - PAST, now + AHEAD
    bookings = db.session.execute(
        select(Booking.id, Booking.start, Booking.end, Booking.status, Booking.created_at, Booking.updated_at)
        .where(Booking.instrument_id == instrument.id, Booking.status.in_(ACTIVE_STATUSES),
               Booking.start < end, Booking.end > start)
        .order_by(Booking.start, Booking.id)
    ).all()
    downtimes = db.session.execute(
        select(Downtime.id, Downtime.start, Downtime.end, Downtime.created_at)
        .where(Downtime.instrument_id == instrument.id, Downtime.start < end, Downtime.end > start)
        .order_by(Downtime.start, Downtime.id)
    ).all()
    calendar = _calendar(_("%(instrument)s: booked times", instrument=instrument.name), now)
    for row in bookings:
        event = _event(f"busy-{row.id}", row.start, row.end, row.created_at, row.updated_at)
        event.add("summary", _("Booked"))
        event.add("status", ICAL_STATUS[row.status])
        calendar.add_component(event)
    for row in downtimes:
        event = _event(f"downtime-{row.id}", row.start, row.end, row.created_at, None)
        event.add("summary", _("Downtime"))
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def _summary(booking: Booking) -> str:
    mode = MODE_LABELS.get(booking.mode, booking.mode)
    if booking.status == "pending":
        return _("%(instrument)s (%(mode)s, %(status)s)", instrument=booking.instrument.name, mode=mode,
                 status=STATUS_LABELS["pending"])
    return _("%(instrument)s (%(mode)s)", instrument=booking.instrument.name, mode=mode)


def _description(booking: Booking) -> str:
    instrument = booking.instrument
    lines = [
        _("Status: %(status)s", status=STATUS_LABELS.get(booking.status, booking.status)),
        _("Mode: %(mode)s", mode=MODE_LABELS.get(booking.mode, booking.mode)),
        _("Instrument: %(name)s, %(model)s (%(unit)s)", name=instrument.name, model=instrument.model,
          unit=instrument.unit.name),
    ]
    if booking.sample_count:
        lines.append(_("Samples: %(count)d", count=booking.sample_count))
    if booking.purpose:
        lines.append(_("Purpose: %(purpose)s", purpose=booking.purpose))
    if instrument.contact_name or instrument.contact_phone:
        lines.append(_("Contact: %(name)s %(phone)s", name=instrument.contact_name or "",
                       phone=instrument.contact_phone or "").strip())
    return "\n".join(lines)


def user_calendar(user, now: datetime | None = None) -> bytes:
    """The person's own bookings: pending, confirmed and (as past events) completed ones."""
    now = now or utcnow()
    bookings = db.session.scalars(
        select(Booking).where(Booking.user_id == user.id, Booking.status.in_(PERSONAL_STATUSES),
                              Booking.end > now - PAST)
        .order_by(Booking.start, Booking.id)
    ).unique().all()
    calendar = _calendar(_("My instrument bookings"), now)
    for booking in bookings:
        event = _event(f"booking-{booking.id}", booking.start, booking.end, booking.created_at,
                       booking.updated_at)
        event.add("summary", _summary(booking))
        event.add("description", _description(booking))
        if booking.instrument.location:
            event.add("location", booking.instrument.location)
        event.add("status", ICAL_STATUS[booking.status])
        calendar.add_component(event)
    return calendar.to_ical()
