"""The database itself refuses overlapping active bookings of one instrument (buffers included).

PostgreSQL: an exclusion constraint; SQLite: triggers (one writer at a time sees every commit).
These tests write rows directly, bypassing every application check.
"""
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from bookings.models import Booking
from instruments.models import Instrument
from sharing.extensions import db
from tests.helpers import make_unit, make_user

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def world(ctx):
    unit = make_unit()
    instrument = Instrument(unit_id=unit.id, inner_id="G-1", name="透射电镜", model="JEM", manufacturer="JEOL",
                            category_code="010101", price_cny=1_000_000, booking_rules={})
    other = Instrument(unit_id=unit.id, inner_id="G-2", name="扫描电镜", model="SU", manufacturer="Hitachi",
                       category_code="010102", price_cny=1_000_000, booking_rules={})
    db.session.add_all([instrument, other])
    db.session.commit()
    return {"instrument": instrument, "other": other, "user": make_user(unit)}


def _booking(world, start_h, end_h, status="confirmed", buffer_min=0, instrument="instrument"):
    start, end = T0 + timedelta(hours=start_h), T0 + timedelta(hours=end_h)
    return Booking(instrument_id=world[instrument].id, user_id=world["user"].id, start=start, end=end,
                   block_end=end + timedelta(minutes=buffer_min), status=status, mode="self")


def _add(booking):
    db.session.add(booking)
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def test_overlap_is_refused_touching_is_not(world):
    assert _add(_booking(world, 0, 2))
    assert not _add(_booking(world, 1, 3))
    assert not _add(_booking(world, -1, 0.5, status="pending"))
    assert _add(_booking(world, 2, 3))                       # [0,2) and [2,3) only touch
    assert _add(_booking(world, 1, 3, instrument="other"))   # another instrument
    assert _add(_booking(world, 1, 3, status="cancelled"))   # inactive bookings hold nothing
    assert _add(_booking(world, 1, 3, status="rejected"))


def test_buffer_is_part_of_the_held_slot(world):
    assert _add(_booking(world, 0, 2, buffer_min=30))
    assert not _add(_booking(world, 2, 3))                   # inside the 30-minute buffer
    assert _add(_booking(world, 2.5, 3))


def test_reactivating_into_an_overlap_is_refused(world):
    assert _add(_booking(world, 0, 2))
    cancelled = _booking(world, 1, 3, status="cancelled")
    assert _add(cancelled)
    cancelled.status = "confirmed"
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_truly_concurrent_inserts_let_exactly_one_win(world, app):
    instrument_id, user_id = world["instrument"].id, world["user"].id
    results, barrier = [], threading.Barrier(6)

    def attempt(offset_minutes):
        with app.app_context():
            start = T0 + timedelta(minutes=offset_minutes)
            booking = Booking(instrument_id=instrument_id, user_id=user_id, start=start,
                              end=start + timedelta(hours=1), block_end=start + timedelta(hours=1),
                              status="confirmed", mode="self")
            barrier.wait()
            results.append(_add(booking))
            db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i * 5,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 5 + [True]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 1
