"""Bookings through the JSON API: the life cycle, scoping, and every refusal code."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bookings.models import Booking, Suspension, UsageLog
from instruments.models import Instrument
from sharing.audit import AuditEvent
from sharing.extensions import db
from sharing.notifications.models import Notification
from tests.helpers import make_unit, make_user

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)  # a Monday, 08:00


def at(day_offset: int, hh_mm: str) -> str:
    hour, minute = map(int, hh_mm.split(":"))
    moment = (NOW + timedelta(days=day_offset)).replace(hour=hour, minute=minute)
    return moment.isoformat()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(ctx, clock):
    home, other = make_unit(name="东北大学"), make_unit(name="大连理工大学")
    rules = {"approval": "auto"}
    instrument = Instrument(unit_id=home.id, inner_id="B-1", name="透射电子显微镜", model="JEM-2100F",
                            manufacturer="JEOL", category_code="010101", price_cny=8_000_000,
                            fee_internal=200, fee_external=400, booking_rules=rules)
    db.session.add(instrument)
    db.session.commit()
    return {"instrument": instrument, "home": home, "other": other,
            "manager": make_user(home, roles=["manager"]), "alice": make_user(home),
            "bob": make_user(other), "other_manager": make_user(other, roles=["manager"]),
            "evaluator": make_user(other, roles=["evaluator"])}


def book(api, world, who="alice", **body):
    payload = {"instrument_id": world["instrument"].id, "start": at(1, "09:00"), "end": at(1, "10:00"),
               "mode": "self", "purpose": "表征"}
    payload.update(body)
    return api.post("/api/v1/bookings", world[who], json=payload)


def set_rules(world, **rules):
    instrument = db.session.get(Instrument, world["instrument"].id)
    instrument.booking_rules = {**instrument.booking_rules, **rules}
    db.session.commit()


def test_auto_approved_booking_is_confirmed_and_shown_to_its_user(api, world):
    r = book(api, world)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "confirmed" and body["start"] == "2026-03-03T09:00:00+08:00"
    assert body["mode"] == "self" and body["purpose"] == "表征" and body["user_id"] == world["alice"].id
    assert api.get(f"/api/v1/bookings/{body['id']}", world["alice"]).get_json()["id"] == body["id"]
    kinds = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == world["alice"].id)).all()
    assert kinds == ["booking_confirmed"]
