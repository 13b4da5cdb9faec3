"""The demo's bookings: a living calendar and a year of history that keep every booking rule."""
from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select, text

from bookings.checks import booking_problems
from bookings.fees import default_fee
from bookings.jobs import expire_pending_bookings, mark_no_shows
from bookings.ledger_models import Rating
from bookings.models import Booking, Downtime, Qualification, UsageLog
from bookings.rules import merged_rules
from instruments.models import Instrument
from sharing.accounts.models import User
from sharing.demo import DEMO_PASSWORD
from sharing.extensions import db

TZ = ZoneInfo("Asia/Shanghai")
# A Wednesday before the Dragon Boat Festival (Friday 19 June 2026, a public holiday).
NOW = datetime(2026, 6, 17, 10, 17, tzinfo=TZ).astimezone(timezone.utc)
ACTIVE = ("pending", "confirmed")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _load(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "bookings" in result.output and "usage_logs" in result.output


def test_demo_bookings_keep_the_rules(app, ctx, clock):
    _load(app)
    bookings = db.session.scalars(select(Booking).order_by(Booking.id)).unique().all()
    statuses = Counter(b.status for b in bookings)
    assert len(bookings) > 3000 and set(statuses) == {"pending", "confirmed", "rejected", "cancelled",
                                                      "completed", "no_show"}

    # The database's guard holds, and no two bookings of one instrument overlap at all (with buffers).
    overlaps = db.session.execute(text(
        'SELECT count(*) FROM bookings a JOIN bookings b ON a.instrument_id = b.instrument_id AND a.id < b.id '
        "WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed') "
        "AND a.start < b.block_end AND b.start < a.block_end")).scalar_one()
    assert overlaps == 0
    assert db.session.execute(text(
        'SELECT count(*) FROM bookings a JOIN bookings b ON a.instrument_id = b.instrument_id AND a.id < b.id '
        "AND a.start < b.block_end AND b.start < a.block_end")).scalar_one() == 0

    # Past and present: nothing still waiting for a decision or a check-in that the jobs would change.
    assert not [b for b in bookings if b.status in ACTIVE and b.end <= NOW]
    assert not [b for b in bookings if b.status == "pending" and b.start <= NOW]

    # Upcoming: over the next two weeks, confirmed and pending, by the named demo researchers too.
    upcoming = [b for b in bookings if b.start > NOW and b.status in ACTIVE]
    assert all(b.end <= NOW + timedelta(days=14) for b in upcoming)
    named = {u.id for u in db.session.scalars(select(User).where(User.email.like("researcher.%@demo.example")))}
    assert len(named) == 7
    mine = [b for b in upcoming if b.user_id in named]
    assert {b.status for b in mine} == set(ACTIVE) and {b.mode for b in mine} == {"self", "sample"}
    assert len({b.user_id for b in mine}) >= 5
    assert all(b.sample_count for b in upcoming if b.mode == "sample")

    # Every active booking passes the checks a request would have met when it was made.
    users = {u.id: u for u in db.session.scalars(select(User)).unique()}
    instruments = {i.id: i for i in db.session.scalars(select(Instrument)).unique()}
    active = [b for b in bookings if b.status in ACTIVE]
    with app.test_request_context("/api/v1/"):  # the messages need a request to pick their language
        for b in active:
            instrument = instruments[b.instrument_id]
            rules = merged_rules(instrument.booking_rules, None)
            problems = booking_problems(users[b.user_id], instrument, b.start, b.end, b.mode, b.created_at,
                                        ignore_booking_id=b.id)
            # (booking_problems counts the booking itself towards the quota: checked below instead.)
            assert [p.code for p in problems if p.code != "quota_exceeded"] == [], b.id
            assert b.block_end == b.end + timedelta(minutes=rules["buffer_minutes"])
            if rules["max_active_per_user"] is not None:
                assert sum(o.user_id == b.user_id and o.instrument_id == b.instrument_id and o.start >= b.created_at
                           for o in active) <= rules["max_active_per_user"]

    # The rules of the instruments booked cover approval, qualification, evening hours and buffers.
    booked = {instruments[b.instrument_id] for b in bookings}
    rules = [merged_rules(i.booking_rules, None) for i in booked]
    assert any(r["approval"] == "manager" for r in rules) and any(r["requires_qualification"] for r in rules)
    assert any(r["buffer_minutes"] > 0 for r in rules) and any(not r["open_hours"] for r in rules)
    assert any(any(h["end"] > "18:00" for h in r["open_hours"]) for r in rules)

    # Completed bookings have their usage log, recorded as in real life: self-operated use by check-in and
    # check-out or by the instrument's terminal, sample submissions by the manager (source "manual").
    logs = db.session.scalars(select(UsageLog).where(UsageLog.comment.is_(None))).all()  # not the corrections
    by_booking = {log.booking_id: log for log in logs}
    completed = [b for b in bookings if b.status == "completed"]
    assert len(logs) == len(by_booking) == len(completed) and set(by_booking) == {b.id for b in completed}
    for b in completed:
        log = by_booking[b.id]
        if b.mode == "sample":
            assert log.source in ("manual", "terminal") and b.checked_in_at is None and log.created_by != b.user_id
        else:
            assert log.source in ("checkin", "terminal") and (log.start, log.end) == (b.checked_in_at, b.checked_out_at)
        assert b.start <= log.start < log.end <= b.end and log.user_id == b.user_id
        assert log.service_way == ("entrust" if b.mode == "sample" else "occupy")
        instrument = instruments[b.instrument_id]
        assert log.is_external == (users[b.user_id].unit_id != instrument.unit_id)
        assert log.fee == default_fee(instrument, log.is_external, log.hours, log.service_way, log.sample_count)
    sources = Counter(log.source for log in logs)
    assert set(sources) == {"checkin", "terminal", "manual"} and min(sources.values()) > len(logs) / 10
    assert NOW - timedelta(days=366) < min(log.start for log in logs) < NOW - timedelta(days=300)
    assert 0.1 < sum(log.is_external for log in logs) / len(logs) < 0.5
    assert sum(log.fee for log in logs) > 0
    # A few check-outs were corrected: voided with a reason, replaced by a manual record.
    voided = [log for log in logs if log.voided]
    manual = db.session.scalars(select(UsageLog).where(UsageLog.comment.is_not(None))).all()
    assert 0 < len(voided) == len(manual) and {m.booking_id for m in manual} == {v.booking_id for v in voided}
    assert {m.source for m in manual} == {"manual"}
    assert all(v.void_reason for v in voided) and all(not m.voided for m in manual)
    assert db.session.scalar(select(func.count()).select_from(Rating)) > len(logs) / 2

    # A few no-shows (never three within 90 days), some cancellations, on past bookings.
    assert 0 < statuses["no_show"] < 0.05 * len(bookings)
    assert any(b.status == "cancelled" and b.end < NOW for b in bookings)

    # Qualifications: both levels, some expiring within two weeks; a downtime next week.
    qualifications = db.session.scalars(select(Qualification)).all()
    assert {q.level for q in qualifications} == {"guided", "independent"}
    assert any(q.expires_at and NOW < q.expires_at < NOW + timedelta(days=14) for q in qualifications)
    coming = db.session.scalars(select(Downtime).where(Downtime.start > NOW)).all()
    assert len(coming) == 1 and coming[0].start < NOW + timedelta(days=14)
    assert not [b for b in bookings if b.status in ACTIVE and b.instrument_id == coming[0].instrument_id
                and b.start < coming[0].end and coming[0].start < b.end]

    # The scheduled jobs find nothing to do: no request waits past its start, no one missed a check-in.
    assert expire_pending_bookings(NOW) == "expired 0 pending bookings"
    assert mark_no_shows(NOW) == "marked 0 no-shows; suspended 0 users"

    # The lab members can log in with the demo password.
    r = app.test_client().post("/api/v1/auth/token", json={"email": "lab01.neu@demo.example",
                                                            "password": DEMO_PASSWORD})
    assert r.status_code == 201


def _snapshot():
    bookings = db.session.execute(
        select(Booking.instrument_id, User.email, Booking.start, Booking.end, Booking.status, Booking.mode,
               Booking.sample_count, Booking.purpose, Booking.created_at)
        .join(User, User.id == Booking.user_id).order_by(Booking.id)).all()
    logs = db.session.execute(select(UsageLog.start, UsageLog.end, UsageLog.fee, UsageLog.purpose)
                              .order_by(UsageLog.id)).all()
    users = db.session.execute(select(User.email, User.name).order_by(User.id)).all()
    return bookings, logs, users


def test_demo_bookings_are_deterministic(app, ctx, clock):
    from tests.conftest import _wipe

    _load(app)
    first = _snapshot()
    assert db.session.scalar(select(func.count(Booking.id))) == len(first[0])
    db.session.remove()
    _wipe(app)
    _load(app)
    assert _snapshot() == first
