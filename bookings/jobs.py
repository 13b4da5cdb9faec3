"""Scheduled jobs of booking: reminders, expiry of pending requests, no-shows, qualification expiry.

Each job is a plain function of the app context that takes an optional ``now`` and returns a
short summary. Every job is idempotent and works in bounded batches of set-based queries. Two
schedulers never run the same slot (``sharing.scheduler``), but runs of neighbouring slots may
overlap on a busy system, so each job also guards its rows itself: reminders are claimed by
inserting their primary key, and rows to change are locked with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (on SQLite ``begin_write()`` makes each batch the only writer).
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app, g
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from bookings import people
from bookings.checks import active_suspension
from bookings.models import Booking, BookingReminder, Qualification, Suspension, UsageLog
from instruments.models import Instrument
from sharing.accounts.models import User
from sharing.audit import set_reason
from sharing.dbtx import begin_write
from sharing.extensions import db
from sharing.notifications import notify
from sharing.scheduler import job
from sharing.timeutil import UTCDateTime, as_platform, utcnow

BATCH = 500


# --- helpers -------------------------------------------------------------------------------------

@contextmanager
def _platform_language():
    """Texts stored by a job (reasons) are written in the platform's language: no request picks one."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


@contextmanager
def _audit_reason(reason: str):
    """Give the audit trail of the changes flushed inside the block this reason (the actor is the system)."""
    previous = g.get("audit_reason")
    set_reason(reason)
    try:
        yield
    finally:
        set_reason(previous)


def _locked_batch(query, entity) -> list:
    """The next batch of ``query``'s rows, locked; rows another scheduler holds are left to it.

    ``key_share`` makes it FOR NO KEY UPDATE, the lock an UPDATE of non-key columns takes: it does
    not wait for rows that merely reference these (foreign key checks of new notifications).
    """
    return db.session.scalars(query.with_for_update(of=entity, skip_locked=True, key_share=True)
                              .limit(BATCH)).all()


def _platform_text(moment: datetime) -> str:
    return as_platform(moment).strftime("%Y-%m-%d %H:%M")


def _insert_ignoring_duplicates(table):
    """INSERT ... ON CONFLICT DO NOTHING, on both supported databases."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


# --- reminders -----------------------------------------------------------------------------------

def _claim_reminders(hours: int, after: datetime, until: datetime, now: datetime) -> list[int]:
    """Claim the ``hours``-before reminder of confirmed bookings starting in (after, until].

    The reminder's primary key is the claim: of two schedulers inserting the same one, the second
    insert waits for the first to commit and then inserts nothing, so it never sends it again.
    """
    table = BookingReminder.__table__
    due = (select(Booking.id, literal(hours), literal(now, UTCDateTime()))
           .where(Booking.status == "confirmed", Booking.start > after, Booking.start <= until,
                  ~exists().where(BookingReminder.booking_id == Booking.id,
                                  BookingReminder.hours_before == hours))
           .order_by(Booking.start, Booking.id).limit(BATCH))
    claim = (_insert_ignoring_duplicates(table)
             .from_select(["booking_id", "hours_before", "sent_at"], due)
             .on_conflict_do_nothing().returning(table.c.booking_id))
    return db.session.execute(claim).scalars().all()


@job("booking_reminders", every_seconds=60)
def send_booking_reminders(now: datetime | None = None) -> str:
    """Remind users of confirmed bookings H hours ahead, once per booking and H.

    Each H covers the bookings whose nearest due reminder it is: starting within H hours but not
    within the next smaller one. A booking made (or approved) an hour before its start thus gets
    the one-hour reminder only, never the 24-hour one along with it.
    """
    now = now or utcnow()
    sent = 0
    after = now
    for hours in sorted({h for h in current_app.config["BOOKING_REMINDER_HOURS"] if h > 0}):
        until = now + timedelta(hours=hours)
        while True:
            begin_write()
            claimed = _claim_reminders(hours, after, until, now)
            if claimed:
                bookings = db.session.scalars(select(Booking).where(Booking.id.in_(claimed))
                                              .order_by(Booking.id)).all()
                for booking in bookings:
                    people.tell_user(booking, "booking_reminder")
            db.session.commit()
            sent += len(claimed)
            if len(claimed) < BATCH:
                break
        after = until
    return f"sent {sent} booking reminders"


# --- pending requests that were never decided -----------------------------------------------------

@job("expire_pending_bookings", every_seconds=300)
def expire_pending_bookings(now: datetime | None = None) -> str:
    """Cancel pending requests whose start has come without a decision; their slot is free again."""
    now = now or utcnow()
    with _platform_language():
        reason = _("Expired: the request was not approved before the booking began.")
    expired = 0
    with _audit_reason(reason):
        while True:
            begin_write()
            undecided = (select(Booking).where(Booking.status == "pending", Booking.start <= now)
                         .order_by(Booking.start, Booking.id))
            batch = _locked_batch(undecided, Booking)
            for booking in batch:
                booking.status = "cancelled"
                booking.reason = reason
                booking.decided_by = None
                booking.decided_at = now
                people.tell_user(booking, "booking_expired")
            db.session.commit()
            expired += len(batch)
            if len(batch) < BATCH:
                break
    return f"expired {expired} pending bookings"


# --- no-shows and suspensions --------------------------------------------------------------------

def _no_show_query(now: datetime):
    """Self-operated confirmed bookings past their grace time with no check-in and no usage recorded.

    Sample submissions are left alone: staff run the samples when they can and the manager records
    the use (which completes the booking) or cancels it; the user has no slot to miss.
    """
    grace = timedelta(minutes=current_app.config["NO_SHOW_GRACE_MINUTES"])
    logged_for_booking = exists().where(UsageLog.booking_id == Booking.id, UsageLog.voided.is_(False))
    # A manager may have logged the use by hand, without linking the booking.
    logged_in_its_time = exists().where(
        UsageLog.user_id == Booking.user_id, UsageLog.instrument_id == Booking.instrument_id,
        UsageLog.voided.is_(False), UsageLog.start < Booking.end, UsageLog.end > Booking.start)
    return (select(Booking)
            .where(Booking.status == "confirmed", Booking.mode == "self", Booking.checked_in_at.is_(None),
                   Booking.start < now - grace,
                   ~logged_for_booking, ~logged_in_its_time)
            .order_by(Booking.start, Booking.id))


def _strikes(user_id: int, now: datetime) -> int:
    """No-shows within the window that have not yet led to a suspension.

    Only no-shows that began after the user's latest suspension count: the strikes behind a
    suspension are spent by it.
    """
    window = timedelta(days=current_app.config["NO_SHOW_WINDOW_DAYS"])
    query = select(func.count(Booking.id)).where(
        Booking.user_id == user_id, Booking.status == "no_show", Booking.start >= now - window)
    latest = db.session.scalar(select(func.max(Suspension.start)).where(Suspension.user_id == user_id))
    if latest is not None:
        query = query.where(Booking.start > latest)
    return db.session.scalar(query)


def _suspend_if_struck_out(user_id: int, now: datetime) -> bool:
    """Suspend the user from booking when their strikes reach the limit; True if suspended now."""
    config = current_app.config
    # Lock the user so two overlapping runs cannot both suspend them (SQLite: already sole writer).
    # FOR NO KEY UPDATE: new notifications' foreign key checks on the user do not block it.
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))
    if active_suspension(user_id, now) is not None:
        return False
    count = _strikes(user_id, now)
    if count < config["NO_SHOW_STRIKES"]:
        return False
    end = now + timedelta(days=config["NO_SHOW_SUSPENSION_DAYS"])
    with _platform_language():
        reason = _("%(count)d no-shows within %(days)d days.", count=count, days=config["NO_SHOW_WINDOW_DAYS"])
    with _audit_reason(reason):
        db.session.add(Suspension(user_id=user_id, start=now, end=end, reason=reason))
        db.session.flush()
    notify(user_id, "user_suspended", count=count, days=config["NO_SHOW_WINDOW_DAYS"], until=_platform_text(end))
    return True


@job("mark_no_shows", every_seconds=300)
def mark_no_shows(now: datetime | None = None) -> str:
    """Record missed bookings as no-shows, and suspend users who reach the strike limit."""
    now = now or utcnow()
    with _platform_language():
        reason = _("No check-in within %(minutes)d minutes of the start.",
                   minutes=current_app.config["NO_SHOW_GRACE_MINUTES"])
    marked = suspended = 0
    while True:
        begin_write()
        batch = _locked_batch(_no_show_query(now), Booking)
        with _audit_reason(reason):
            for booking in batch:
                booking.status = "no_show"
                people.tell_user(booking, "booking_no_show")
            db.session.flush()
        for user_id in sorted({booking.user_id for booking in batch}):
            suspended += _suspend_if_struck_out(user_id, now)
        db.session.commit()
        marked += len(batch)
        if len(batch) < BATCH:
            break
    return f"marked {marked} no-shows; suspended {suspended} users"


# --- qualifications about to expire --------------------------------------------------------------

def _instrument_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Instrument.id, Instrument.name).where(Instrument.id.in_(ids))).all())


@job("qualification_expiry_notices", every_seconds=300)
def notify_expiring_qualifications(now: datetime | None = None) -> str:
    """Tell users once that their qualification on an instrument expires soon."""
    now = now or utcnow()
    horizon = now + timedelta(days=current_app.config["QUALIFICATION_EXPIRY_NOTICE_DAYS"])
    noticed = 0
    while True:
        begin_write()
        expiring = (select(Qualification)
                    .where(Qualification.expiry_noticed_at.is_(None), Qualification.expires_at > now,
                           Qualification.expires_at <= horizon)
                    .order_by(Qualification.expires_at, Qualification.id))
        batch = _locked_batch(expiring, Qualification)
        names = _instrument_names({q.instrument_id for q in batch})
        for q in batch:
            q.expiry_noticed_at = now
            notify(q.user_id, "qualification_expiring", link=f"/instruments/{q.instrument_id}",
                   instrument=names[q.instrument_id], expires=_platform_text(q.expires_at))
        db.session.commit()
        noticed += len(batch)
        if len(batch) < BATCH:
            break
    return f"sent {noticed} qualification expiry notices"
