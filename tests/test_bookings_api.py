"""Bookings through the JSON API: the life cycle, scoping, and every refusal code."""
from datetime import datetime, timedelta
from urllib.parse import quote
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


def kinds_of(user):
    return db.session.scalars(db.select(Notification.kind).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def test_manager_approval_flow(api, world):
    set_rules(world, approval="manager")
    r = book(api, world, mode="sample", sample_count=4)
    assert r.status_code == 201 and r.get_json()["status"] == "pending" and r.get_json()["sample_count"] == 4
    booking_id = r.get_json()["id"]
    assert kinds_of(world["alice"]) == ["booking_pending"]
    assert kinds_of(world["manager"]) == ["booking_requested"]
    path = f"/api/v1/bookings/{booking_id}/approve"
    assert api.post(path, world["alice"]).status_code == 403               # the owner cannot approve
    assert api.post(path, world["other_manager"]).status_code == 404       # another unit's booking is private
    r = api.post(path, world["manager"])
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "confirmed" and body["decided_by"] == world["manager"].id and body["decided_at"]
    assert kinds_of(world["alice"]) == ["booking_pending", "booking_confirmed"]
    r = api.post(path, world["manager"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_status"


def test_pending_request_holds_its_slot(api, world):
    set_rules(world, approval="manager")
    assert book(api, world).status_code == 201
    r = book(api, world, "bob")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "booking_conflict"


def test_approval_rechecks_the_slot(api, world):
    set_rules(world, approval="manager")
    first = book(api, world).get_json()
    assert book(api, world, "bob", start=at(1, "10:00"), end=at(1, "11:00")).status_code == 201
    set_rules(world, buffer_minutes=30)           # the rules changed: the first now needs 10:00–10:30 free
    r = api.post(f"/api/v1/bookings/{first['id']}/approve", world["manager"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "booking_conflict"
    assert db.session.get(Booking, first["id"]).status == "pending"


def test_rejection_needs_a_reason_and_is_audited(api, world):
    set_rules(world, approval="manager")
    booking_id = book(api, world).get_json()["id"]
    path = f"/api/v1/bookings/{booking_id}/reject"
    r = api.post(path, world["manager"], json={})
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    r = api.post(path, world["manager"], json={"reason": "样品不符合要求"})
    assert r.status_code == 200 and r.get_json()["status"] == "rejected" and r.get_json()["reason"] == "样品不符合要求"
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.entity_type == "bookings",
                                                           AuditEvent.action == "update")).one()
    assert event.actor_id == world["manager"].id and event.reason == "样品不符合要求"
    assert event.changes["status"] == ["pending", "rejected"]
    assert kinds_of(world["alice"])[-1] == "booking_rejected"
    assert book(api, world, "bob").status_code == 201                       # the slot is free again


def test_owner_cancels_until_the_deadline(api, world, clock):
    booking_id = book(api, world, start=at(0, "10:00"), end=at(0, "11:00")).get_json()["id"]
    clock.move_to(NOW.replace(hour=9, minute=1))                            # 59 minutes before: too late
    r = api.post(f"/api/v1/bookings/{booking_id}/cancel", world["alice"], json={"reason": "改期"})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "cancel_deadline_passed"
    clock.move_to(NOW.replace(hour=9, minute=0))                            # exactly at the deadline
    r = api.post(f"/api/v1/bookings/{booking_id}/cancel", world["alice"], json={"reason": "改期"})
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    assert kinds_of(world["manager"]) == ["booking_withdrawn"]
    r = api.post(f"/api/v1/bookings/{booking_id}/cancel", world["alice"], json={})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_status"


def test_manager_cancels_any_time_with_a_reason(api, world, clock):
    booking_id = book(api, world, start=at(0, "10:00"), end=at(0, "11:00")).get_json()["id"]
    clock.move_to(NOW.replace(hour=9, minute=45))
    path = f"/api/v1/bookings/{booking_id}/cancel"
    assert api.post(path, world["manager"], json={}).status_code == 422    # a reason is owed to the user
    assert api.post(path, world["other_manager"], json={"reason": "x"}).status_code == 404
    assert api.post(path, world["bob"], json={"reason": "x"}).status_code == 404
    r = api.post(path, world["manager"], json={"reason": "设备故障"})
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled" and r.get_json()["reason"] == "设备故障"
    assert kinds_of(world["alice"])[-1] == "booking_cancelled"


def test_check_in_window_and_check_out_writes_the_ledger(api, world, clock):
    booking_id = book(api, world, "bob", start=at(0, "10:00"), end=at(0, "12:00")).get_json()["id"]
    path = f"/api/v1/bookings/{booking_id}"
    clock.move_to(NOW.replace(hour=9, minute=44))
    r = api.post(f"{path}/check-in", world["bob"])
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "check_in_window"
    assert api.post(f"{path}/check-out", world["bob"]).get_json()["error"]["code"] == "invalid_status"
    clock.move_to(NOW.replace(hour=9, minute=45))
    assert api.post(f"{path}/check-in", world["manager"]).status_code == 403   # only the booking's user
    r = api.post(f"{path}/check-in", world["bob"])
    assert r.status_code == 200 and r.get_json()["booking"]["checked_in_at"] == "2026-03-02T09:45:00+08:00"
    clock.move_to(NOW.replace(hour=11, minute=15))
    r = api.post(f"{path}/check-out", world["bob"])
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["booking"]["status"] == "completed"
    log = body["usage_log"]
    assert log["start"] == "2026-03-02T09:45:00+08:00" and log["end"] == "2026-03-02T11:15:00+08:00"
    assert log["hours"] == 1.5 and log["is_external"] is True and log["fee"] == 600.0    # 1.5 h × 400 external
    assert log["source"] == "checkin" and log["booking_id"] == booking_id and log["voided"] is False
    assert db.session.scalar(db.select(db.func.count(UsageLog.id))) == 1


def test_check_in_is_closed_at_the_end(api, world, clock):
    booking_id = book(api, world, start=at(0, "10:00"), end=at(0, "11:00")).get_json()["id"]
    clock.move_to(NOW.replace(hour=11))
    r = api.post(f"/api/v1/bookings/{booking_id}/check-in", world["alice"])
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "check_in_window"


def test_internal_use_is_charged_at_the_internal_rate(api, world, clock):
    booking_id = book(api, world, start=at(0, "10:00"), end=at(0, "11:00")).get_json()["id"]
    clock.move_to(NOW.replace(hour=10))
    api.post(f"/api/v1/bookings/{booking_id}/check-in", world["alice"])
    clock.move_to(NOW.replace(hour=10, minute=30))
    log = api.post(f"/api/v1/bookings/{booking_id}/check-out", world["alice"],
                   json={"purpose": "teaching"}).get_json()["usage_log"]
    assert log["fee"] == 100.0 and log["is_external"] is False and log["purpose"] == "teaching"


def test_list_is_scoped_and_filtered(api, world):
    mine = book(api, world).get_json()["id"]
    theirs = book(api, world, "bob", start=at(1, "10:00"), end=at(1, "11:00")).get_json()["id"]

    def ids(who, query=""):
        r = api.get(f"/api/v1/bookings{query}", world[who])
        assert r.status_code == 200
        return [item["id"] for item in r.get_json()["items"]]

    assert ids("alice") == [mine]
    assert ids("bob") == [theirs]
    assert ids("manager") == [mine, theirs]                 # bookings on the unit's instruments
    assert ids("other_manager") == []                       # bob's unit owns no instrument here
    assert ids("evaluator") == [mine, theirs]
    assert ids("manager", f"?user_id={world['bob'].id}") == [theirs]
    assert ids("manager", "?status=pending") == []
    assert ids("manager", f"?from={quote(at(1, '10:00'))}") == [theirs]
    assert ids("manager", f"?to={quote(at(1, '10:00'))}") == [mine]
    body = api.get("/api/v1/bookings?per_page=1", world["manager"]).get_json()
    assert body["total"] == 2 and body["per_page"] == 1 and len(body["items"]) == 1
    assert api.get(f"/api/v1/bookings/{mine}", world["bob"]).status_code == 404
    assert api.get(f"/api/v1/bookings/{mine}", world["other_manager"]).status_code == 404
    assert api.get(f"/api/v1/bookings/{mine}", world["evaluator"]).status_code == 200
    assert api.get("/api/v1/bookings/999999", world["evaluator"]).status_code == 404


def test_downtime_cancels_overlapping_bookings_and_tells_their_users(api, world):
    hit = book(api, world).get_json()["id"]
    spared = book(api, world, "bob", start=at(1, "14:00"), end=at(1, "15:00")).get_json()["id"]
    path = f"/api/v1/instruments/{world['instrument'].id}/downtimes"
    body = {"start": at(1, "09:30"), "end": at(1, "12:00"), "reason": "更换灯丝"}
    assert api.post(path, world["alice"], json=body).status_code == 403
    assert api.post(path, world["other_manager"], json=body).status_code == 403
    r = api.post(path, world["manager"], json=body)
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["cancelled_booking_ids"] == [hit] and created["reason"] == "更换灯丝"
    assert created["start"] == "2026-03-03T09:30:00+08:00"
    assert db.session.get(Booking, hit).status == "cancelled" and db.session.get(Booking, spared).status == "confirmed"
    assert kinds_of(world["alice"])[-1] == "booking_cancelled" and kinds_of(world["bob"]) == ["booking_confirmed"]
    listed = api.get(path, world["bob"]).get_json()
    assert [d["id"] for d in listed] == [created["id"]]
    r = api.post(path, world["manager"], json={"start": at(1, "12:00"), "end": at(1, "11:00"), "reason": "x"})
    assert r.status_code == 422 and "end" in r.get_json()["error"]["fields"]
    assert api.delete(f"{path}/{created['id']}", world["manager"]).status_code == 204
    assert api.get(path, world["bob"]).get_json() == []


def test_check_out_follows_the_ledger_rules(api, world, clock):
    """Check-out writes through the ledger's rules: no overlap with another record, no locked year."""
    from bookings.ledger_models import PeriodLock

    booking_id = book(api, world, start=at(0, "10:00"), end=at(0, "12:00")).get_json()["id"]
    clock.move_to(NOW.replace(hour=10))
    api.post(f"/api/v1/bookings/{booking_id}/check-in", world["alice"])
    db.session.add(UsageLog(instrument_id=world["instrument"].id, user_id=world["manager"].id,
                            start=NOW.replace(hour=10, minute=30), end=NOW.replace(hour=11), source="manual"))
    db.session.commit()
    clock.move_to(NOW.replace(hour=11, minute=30))
    r = api.post(f"/api/v1/bookings/{booking_id}/check-out", world["alice"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "usage_overlap"
    db.session.execute(db.delete(UsageLog))
    db.session.add(PeriodLock(year=2026))
    db.session.commit()
    r = api.post(f"/api/v1/bookings/{booking_id}/check-out", world["alice"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "period_locked"
    assert db.session.get(Booking, booking_id).status == "confirmed"
