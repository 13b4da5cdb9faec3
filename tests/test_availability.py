"""GET /api/v1/instruments/{id}/availability: exact free time under hours, holidays, bookings, buffers."""
from datetime import datetime, timedelta, timezone

import pytest

from bookings.models import Booking, Downtime
from instruments.models import Instrument
from sharing.extensions import db
from tests.helpers import make_unit, make_user

CST = timezone(timedelta(hours=8))


def local(*args):
    return datetime(*args, tzinfo=CST)


@pytest.fixture
def world(ctx):
    unit = make_unit()
    instrument = Instrument(unit_id=unit.id, inner_id="A-1", name="核磁共振波谱仪", model="AVANCE", manufacturer="Bruker",
                            category_code="010601", price_cny=5_000_000, booking_rules={"buffer_minutes": 30})
    db.session.add(instrument)
    db.session.commit()
    return {"instrument": instrument, "user": make_user(unit), "other": make_user(make_unit(name="乙"))}


def _book(world, start, end, status="confirmed"):
    db.session.add(Booking(instrument_id=world["instrument"].id, user_id=world["user"].id, start=start, end=end,
                           block_end=end + timedelta(minutes=30), status=status, mode="self"))
    db.session.commit()


def _get(api, world, start, end):
    r = api.get(f"/api/v1/instruments/{world['instrument'].id}/availability", world["other"],
                query_string={"from": start, "to": end})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_free_time_around_bookings_buffers_and_downtimes(api, world):
    # Thursday 24 September 2026; Friday 25th is the Mid-Autumn Festival (closed).
    _book(world, local(2026, 9, 24, 10), local(2026, 9, 24, 11))
    _book(world, local(2026, 9, 24, 14), local(2026, 9, 24, 15), status="cancelled")  # holds nothing
    db.session.add(Downtime(instrument_id=world["instrument"].id, start=local(2026, 9, 24, 16),
                            end=local(2026, 9, 24, 17), reason="维护"))
    db.session.commit()
    body = _get(api, world, "2026-09-24T00:00:00", "2026-09-26T00:00:00")
    assert body["free"] == [
        # a new booking must end 30 minutes before the 10:00 booking, and start after its 11:30 buffer
        {"start": "2026-09-24T08:00:00+08:00", "end": "2026-09-24T09:30:00+08:00"},
        {"start": "2026-09-24T11:30:00+08:00", "end": "2026-09-24T16:00:00+08:00"},
        {"start": "2026-09-24T17:00:00+08:00", "end": "2026-09-24T18:00:00+08:00"},
    ]
    assert body["busy"] == [
        {"start": "2026-09-24T10:00:00+08:00", "end": "2026-09-24T11:00:00+08:00", "kind": "booking"},
        {"start": "2026-09-24T16:00:00+08:00", "end": "2026-09-24T17:00:00+08:00", "kind": "downtime"},
    ]
    assert "user_id" not in str(body)


def test_window_is_clipped_and_limited(api, world):
    body = _get(api, world, "2026-09-24T12:00:00", "2026-09-24T13:00:00")
    assert body["free"] == [{"start": "2026-09-24T12:00:00+08:00", "end": "2026-09-24T13:00:00+08:00"}]
    r = api.get(f"/api/v1/instruments/{world['instrument'].id}/availability", world["other"],
                query_string={"from": "2026-09-01T00:00:00", "to": "2026-10-03T00:00:00"})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error"
    r = api.get(f"/api/v1/instruments/{world['instrument'].id}/availability", world["other"],
                query_string={"from": "2026-09-02T00:00:00", "to": "2026-09-01T00:00:00"})
    assert r.status_code == 422
    assert api.get("/api/v1/instruments/999999/availability?from=2026-09-01&to=2026-09-02",
                   world["other"]).status_code == 404
