"""Scheduled booking jobs with a frozen clock: reminders, expiry, no-shows and suspension, qualifications."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bookings.checks import conflicts
from bookings.jobs import (expire_pending_bookings, mark_no_shows, notify_expiring_qualifications,
                           send_booking_reminders)
from bookings.models import Booking, BookingReminder, Qualification, Suspension, UsageLog
from instruments.models import Instrument
from sharing.audit import AuditEvent
from sharing.extensions import db
from sharing.notifications.models import Notification
from sharing.scheduler import JobRun, load_jobs, run_job_once
from tests.helpers import make_unit, make_user

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=TZ).astimezone(timezone.utc)  # a Monday, 08:00 platform time


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(ctx, clock):
    unit = make_unit()
    instrument = Instrument(unit_id=unit.id, inner_id="J-1", name="透射电子显微镜", model="JEM-2100F",
                            manufacturer="JEOL", category_code="010101", price_cny=8_000_000, booking_rules={})
    other = Instrument(unit_id=unit.id, inner_id="J-2", name="扫描电镜", model="SU8010", manufacturer="Hitachi",
                       category_code="010102", price_cny=2_000_000, booking_rules={})
    db.session.add_all([instrument, other])
    db.session.commit()
    return {"unit": unit, "instrument": instrument, "other": other, "alice": make_user(unit)}


def add_booking(world, start, minutes=60, status="confirmed", user=None, instrument="instrument", **extra):
    booking = Booking(instrument_id=world[instrument].id, user_id=(user or world["alice"]).id, start=start,
                      end=start + timedelta(minutes=minutes), block_end=start + timedelta(minutes=minutes),
                      status=status, **{"mode": "self", **extra})
    db.session.add(booking)
    db.session.commit()
    return booking


def add_usage(booking, user=None, voided=False, linked=True, instrument_id=None, start=None, minutes=30):
    start = start or booking.start
    log = UsageLog(instrument_id=instrument_id or booking.instrument_id, user_id=(user or booking.user).id,
                   booking_id=booking.id if linked else None, start=start, end=start + timedelta(minutes=minutes),
                   source="manual", voided=voided)
    db.session.add(log)
    db.session.commit()
    return log


def notices(kind, booking=None, user=None):
    query = db.select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    if booking is not None:
        query = query.where(Notification.link == f"/bookings/{booking.id}")
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    return db.session.scalars(query).all()


def status_of(booking):
    return db.session.scalar(db.select(Booking.status).where(Booking.id == booking.id))


# --- reminders -----------------------------------------------------------------------------------

def test_each_reminder_is_sent_once_and_only_the_nearest_when_both_are_due(world):
    tomorrow = add_booking(world, NOW + timedelta(hours=23))              # only the 24-hour one is due
    soon = add_booking(world, NOW + timedelta(minutes=30))                # both due: the 1-hour one only
    far = add_booking(world, NOW + timedelta(hours=25))                   # none due yet
    pending = add_booking(world, NOW + timedelta(minutes=40), status="pending", instrument="other")
    begun = add_booking(world, NOW, minutes=30, instrument="other")       # already started

    assert send_booking_reminders(NOW) == "sent 2 booking reminders"
    claims = db.session.execute(db.select(BookingReminder.booking_id, BookingReminder.hours_before)
                                .order_by(BookingReminder.hours_before)).all()
    assert claims == [(soon.id, 1), (tomorrow.id, 24)]
    [reminder] = notices("booking_reminder", soon)
    assert reminder.user_id == world["alice"].id
    assert reminder.params == {"instrument": "透射电子显微镜", "start": "2026-03-02 08:30", "end": "09:30"}
    assert len(notices("booking_reminder", tomorrow)) == 1
    for untouched in (far, pending, begun):
        assert notices("booking_reminder", untouched) == []

    assert send_booking_reminders(NOW) == "sent 0 booking reminders"
    assert send_booking_reminders(NOW + timedelta(minutes=10)) == "sent 0 booking reminders"
    assert len(notices("booking_reminder")) == 2

    # Exactly one hour ahead the 1-hour reminder is due; the booking never gets the 24-hour one twice.
    assert send_booking_reminders(tomorrow.start - timedelta(hours=1, seconds=1)) == "sent 1 booking reminders"
    assert notices("booking_reminder", far)  # its 24-hour reminder, now due
    assert send_booking_reminders(tomorrow.start - timedelta(hours=1)) == "sent 1 booking reminders"
    assert len(notices("booking_reminder", tomorrow)) == 2
    assert len(notices("booking_reminder", soon)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(BookingReminder)) == 4


def test_cancelled_booking_gets_no_reminder(world):
    booking = add_booking(world, NOW + timedelta(hours=2), status="cancelled")
    assert send_booking_reminders(NOW) == "sent 0 booking reminders"
    assert notices("booking_reminder", booking) == []


# --- pending requests ----------------------------------------------------------------------------

def test_pending_asked_expires_when_its_start_comes_and_frees_the_slot(world):
    start = NOW + timedelta(hours=2)
    asked = add_booking(world, start, status="pending")
    confirmed = add_booking(world, NOW - timedelta(hours=2), instrument="other")

    assert expire_pending_bookings(start - timedelta(seconds=1)) == "expired 0 pending bookings"
    assert status_of(asked) == "pending"
    assert expire_pending_bookings(start) == "expired 1 pending bookings"
    db.session.expire_all()
    assert asked.status == "cancelled" and asked.decided_by is None and asked.decided_at == start
    assert asked.reason  # a text in the platform's language, shown to the user
    assert status_of(confirmed) == "confirmed"
    [told] = notices("booking_expired", asked)
    assert told.user_id == world["alice"].id and told.params["start"] == "2026-03-02 10:00"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.entity_type == "bookings",
                                                          AuditEvent.entity_id == str(asked.id),
                                                          AuditEvent.action == "update"))
    assert event.actor_id is None and event.reason == asked.reason
    assert event.changes["status"] == ["pending", "cancelled"]

    assert expire_pending_bookings(start + timedelta(minutes=5)) == "expired 0 pending bookings"
    assert len(notices("booking_expired")) == 1
    # The slot is free: the application's check and the database's overlap guard both agree.
    assert not conflicts(world["instrument"].id, start, start + timedelta(hours=1), 0)
    add_booking(world, start, user=make_user(world["unit"]))


# --- no-shows ------------------------------------------------------------------------------------

def test_no_show_only_after_the_grace_time_has_passed(world):
    start = NOW - timedelta(hours=1)
    booking = add_booking(world, start, minutes=120)
    assert mark_no_shows(start + timedelta(minutes=30)) == "marked 0 no-shows; suspended 0 users"
    assert status_of(booking) == "confirmed"
    assert mark_no_shows(start + timedelta(minutes=30, seconds=1)) == "marked 1 no-shows; suspended 0 users"
    assert status_of(booking) == "no_show"
    [told] = notices("booking_no_show", booking)
    assert told.user_id == world["alice"].id
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.entity_type == "bookings",
                                                          AuditEvent.action == "update"))
    assert event.actor_id is None and event.reason and event.changes["status"] == ["confirmed", "no_show"]
    assert mark_no_shows(NOW) == "marked 0 no-shows; suspended 0 users"
    assert len(notices("booking_no_show")) == 1


def test_check_in_or_recorded_use_is_not_a_no_show(world):
    start = NOW - timedelta(days=1)
    user = lambda: make_user(world["unit"])  # noqa: E731  one user each: no strikes add up
    checked_in = add_booking(world, start, user=user(), checked_in_at=start + timedelta(minutes=5))
    linked = add_booking(world, start + timedelta(hours=1), user=user())
    add_usage(linked)
    unlinked = add_booking(world, start + timedelta(hours=2), user=user())
    add_usage(unlinked, linked=False, start=unlinked.start + timedelta(minutes=40))
    voided = add_booking(world, start + timedelta(hours=3), user=user())
    add_usage(voided, voided=True)
    someone_else = add_booking(world, start + timedelta(hours=4), user=user())
    add_usage(someone_else, user=world["alice"], linked=False)
    elsewhere = add_booking(world, start + timedelta(hours=5), user=user())
    add_usage(elsewhere, linked=False, instrument_id=world["other"].id)
    before = add_booking(world, start + timedelta(hours=6), user=user())
    add_usage(before, linked=False, start=before.start - timedelta(minutes=30))  # ends as the booking starts
    cancelled = add_booking(world, start + timedelta(hours=7), user=user(), status="cancelled")
    # Samples are run by staff when they can; the manager records the use later (or cancels).
    samples = add_booking(world, start + timedelta(hours=8), user=user(), mode="sample", sample_count=3)

    assert mark_no_shows(NOW) == "marked 4 no-shows; suspended 0 users"
    for attended in (checked_in, linked, unlinked, cancelled, samples):
        assert status_of(attended) != "no_show"
    for missed in (voided, someone_else, elsewhere, before):
        assert status_of(missed) == "no_show"


def test_third_no_show_in_the_window_suspends_and_strikes_count_once(world, api):
    alice = world["alice"]
    add_booking(world, NOW - timedelta(days=100), status="no_show")  # outside the 90-day window
    missed = [add_booking(world, NOW - timedelta(days=days)) for days in (3, 2, 1)]

    assert mark_no_shows(missed[0].start + timedelta(hours=1)) == "marked 1 no-shows; suspended 0 users"
    assert mark_no_shows(missed[1].start + timedelta(hours=1)) == "marked 1 no-shows; suspended 0 users"
    assert db.session.scalar(db.select(db.func.count(Suspension.id))) == 0
    third = missed[2].start + timedelta(hours=1)
    assert mark_no_shows(third) == "marked 1 no-shows; suspended 1 users"

    suspension = db.session.scalar(db.select(Suspension))
    assert suspension.user_id == alice.id and suspension.start == third
    assert suspension.end == third + timedelta(days=30) and suspension.reason
    [told] = notices("user_suspended", user=alice)
    assert told.params == {"count": 3, "days": 90, "until": "2026-03-31 09:00"}
    assert db.session.scalar(db.select(AuditEvent.actor_id).where(AuditEvent.entity_type == "suspensions")) is None

    r = api.post("/api/v1/bookings", alice, json={
        "instrument_id": world["instrument"].id, "mode": "self",
        "start": "2026-03-03T09:00:00+08:00", "end": "2026-03-03T10:00:00+08:00"})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "user_suspended"
    r = api.post("/api/v1/bookings", make_user(world["unit"]), json={
        "instrument_id": world["instrument"].id, "mode": "self",
        "start": "2026-03-03T09:00:00+08:00", "end": "2026-03-03T10:00:00+08:00"})
    assert r.status_code == 201, r.get_json()

    assert mark_no_shows(NOW) == "marked 0 no-shows; suspended 0 users"
    # After the suspension ends, one more no-show is one strike, not four. (The other user's
    # booking made above is missed too.)
    later = add_booking(world, suspension.end + timedelta(days=1))
    assert mark_no_shows(later.start + timedelta(hours=1)) == "marked 2 no-shows; suspended 0 users"
    assert status_of(later) == "no_show"
    assert db.session.scalar(db.select(db.func.count(Suspension.id))) == 1
    assert len(notices("user_suspended")) == 1


def test_no_shows_found_together_suspend_once(world):
    missed = [add_booking(world, NOW - timedelta(days=days)) for days in (4, 3, 2, 1)]
    assert mark_no_shows(NOW) == "marked 4 no-shows; suspended 1 users"
    assert [status_of(b) for b in missed] == ["no_show"] * 4
    [told] = notices("user_suspended")
    assert told.params["count"] == 4
    assert mark_no_shows(NOW) == "marked 0 no-shows; suspended 0 users"


# --- qualifications ------------------------------------------------------------------------------

def test_expiring_qualification_is_noticed_once(world):
    def qualify(expires_at, noticed_at=None, instrument="instrument"):
        q = Qualification(instrument_id=world[instrument].id, user_id=make_user(world["unit"]).id,
                          level="independent", expires_at=expires_at, expiry_noticed_at=noticed_at)
        db.session.add(q)
        db.session.commit()
        return q

    at_horizon = qualify(NOW + timedelta(days=14))
    soon = qualify(NOW + timedelta(hours=1), instrument="other")
    qualify(NOW + timedelta(days=14, minutes=1))                # not yet
    qualify(NOW - timedelta(hours=1))                           # already expired
    qualify(None)                                               # never expires
    qualify(NOW + timedelta(days=3), noticed_at=NOW - timedelta(days=1))

    assert notify_expiring_qualifications(NOW) == "sent 2 qualification expiry notices"
    told = {n.user_id: n for n in notices("qualification_expiring")}
    assert set(told) == {at_horizon.user_id, soon.user_id}
    assert told[at_horizon.user_id].params == {"instrument": "透射电子显微镜", "expires": "2026-03-16 08:00"}
    assert told[soon.user_id].link == f"/instruments/{world['other'].id}"
    db.session.expire_all()
    assert at_horizon.expiry_noticed_at == NOW and soon.expiry_noticed_at == NOW
    assert notify_expiring_qualifications(NOW + timedelta(seconds=30)) == "sent 0 qualification expiry notices"
    assert len(notices("qualification_expiring")) == 2


# --- registration --------------------------------------------------------------------------------

def test_jobs_are_registered_and_run_through_the_scheduler(app, world):
    jobs = {item.name: item for item in load_jobs()}
    assert {name: jobs[name].every_seconds for name in (
        "booking_reminders", "expire_pending_bookings", "mark_no_shows", "qualification_expiry_notices",
        "send_queued_mail")} == {"booking_reminders": 60, "expire_pending_bookings": 300, "mark_no_shows": 300,
                                 "qualification_expiry_notices": 300, "send_queued_mail": 60}
    add_booking(world, NOW + timedelta(minutes=45))
    # The frozen clock is the jobs' "now" when the scheduler calls them without one.
    assert run_job_once(app, jobs["booking_reminders"]) is True
    assert run_job_once(app, jobs["booking_reminders"]) is False
    assert run_job_once(app, jobs["send_queued_mail"]) is True
    messages = dict(db.session.execute(db.select(JobRun.job, JobRun.message)).all())
    assert messages == {"booking_reminders": "sent 1 booking reminders",
                        "send_queued_mail": "no mail server configured"}
    assert len(notices("booking_reminder")) == 1
