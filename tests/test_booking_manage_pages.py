"""The managers' pages: the approval queue, qualifications and downtimes of their unit's instruments.

The pages call the same services as the API, so these tests check what managers see, who may
act (and on which unit's records), and that every decision is kept and told to the people concerned.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from bookings import services
from bookings.models import Booking, Downtime, Qualification
from instruments.models import Instrument
from sharing.audit import AuditEvent
from sharing.extensions import db
from sharing.notifications.models import Notification
from tests.helpers import csrf_token, make_unit, make_user, page_login

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)  # a Monday, 08:00
QUEUE = "/manage/bookings"


def at(day_offset: int, hh_mm: str) -> datetime:
    hour, minute = map(int, hh_mm.split(":"))
    return (NOW + timedelta(days=day_offset)).replace(hour=hour, minute=minute)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_instrument(unit, inner_id, name, approval="manager") -> Instrument:
    instrument = Instrument(unit_id=unit.id, inner_id=inner_id, name=name, model="M-1", manufacturer="某厂",
                            category_code="010101", price_cny=1_000_000, booking_rules={"approval": approval})
    db.session.add(instrument)
    db.session.commit()
    return instrument


@pytest.fixture
def world(ctx, clock):
    home, other = make_unit(name="东北大学"), make_unit(name="大连理工大学")
    return {
        "home": home, "other": other,
        "tem": make_instrument(home, "A-1", "透射电子显微镜"),
        "nmr": make_instrument(other, "B-1", "核磁共振波谱仪"),
        "manager": make_user(home, roles=["manager"], email="manager@example.org", name="王经理"),
        "unit_admin": make_user(home, roles=["unit_admin"], email="unitadmin@example.org"),
        "alice": make_user(home, email="alice@example.org", name="李爱丽"),
        "bob": make_user(other, email="bob@example.org", name="赵博"),
        "other_manager": make_user(other, roles=["manager"], email="other.manager@example.org", name="刘经理"),
        "evaluator": make_user(other, roles=["evaluator"], email="evaluator@example.org"),
        "admin": make_user(other, roles=["admin"], email="admin@example.org"),
    }


def book(world, who="alice", instrument="tem", day=1, start="09:00", end="10:00", **extra) -> Booking:
    payload = {"instrument_id": world[instrument].id, "start": at(day, start).isoformat(),
               "end": at(day, end).isoformat(), "mode": "self", "purpose": "表征", **extra}
    return services.create_booking(world[who], payload)


def logged_in(app, world, who, language="en"):
    """A browser of its own for ``who``, showing pages in English for the assertions below."""
    client = app.test_client()
    page_login(client, world[who].email)
    client.get(f"/lang/{language}")
    return client


def token(client) -> str:
    return csrf_token(client.get("/").get_data(as_text=True))


def post(client, path, **data):
    return client.post(path, data={**data, "csrf_token": token(client)})


def text_of(response) -> str:
    return response.get_data(as_text=True)


def status_of(booking_id: int) -> str:
    return db.session.get(Booking, booking_id).status


def kinds_of(user) -> list[str]:
    return db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def row_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="booking-(\d+)"', html)]


# --- who may see the queue ------------------------------------------------------------------------

def test_queue_is_for_managers_unit_admins_and_admins(app, client, world):
    assert client.get(QUEUE).status_code == 302  # to the login page
    for who, status in (("alice", 403), ("evaluator", 403), ("manager", 200), ("unit_admin", 200), ("admin", 200)):
        assert logged_in(app, world, who).get(QUEUE).status_code == status, who


def test_queue_lists_pending_requests_of_the_own_unit_oldest_start_first(app, world):
    later = book(world, start="14:00", end="15:00", mode="sample", sample_count=6, purpose="粉末样品 XRD")
    sooner = book(world, "bob", start="09:00", end="10:00")
    theirs = book(world, "bob", "nmr")
    mine_elsewhere = book(world, "manager", "nmr", start="11:00", end="12:00")  # the manager's own request
    confirmed = services.approve(world["manager"], book(world, start="16:00", end="17:00").id)

    manager = logged_in(app, world, "manager")
    html = text_of(manager.get(QUEUE))
    assert row_ids(html) == [sooner.id, later.id]
    assert "李爱丽" in html and "东北大学" in html and "赵博" in html and "大连理工大学" in html
    assert "粉末样品 XRD" in html and "6 samples" in html and "sample submission" in html
    assert "透射电子显微镜" in html and "2026-03-03 14:00" in html and "15:00" in html
    assert 'id="count-pending">2<' in html and 'id="count-confirmed">1<' in html
    assert f'action="/manage/bookings/{later.id}/approve"' in html
    assert f'href="/manage/bookings/{later.id}/reject"' in html

    upcoming = text_of(manager.get(QUEUE + "?tab=confirmed"))
    assert row_ids(upcoming) == [confirmed.id]
    assert f'action="/manage/bookings/{confirmed.id}/cancel?tab=confirmed"' in upcoming
    assert "/approve" not in upcoming

    assert row_ids(text_of(logged_in(app, world, "other_manager").get(QUEUE))) == [theirs.id, mine_elsewhere.id]
    everything = text_of(logged_in(app, world, "admin").get(QUEUE))
    assert row_ids(everything) == [sooner.id, theirs.id, mine_elsewhere.id, later.id]


def test_queue_filters_by_instrument_and_is_paginated(app, world):
    ids = []
    for day, hours in ((1, range(8, 18)), (2, range(8, 18)), (3, range(8, 10))):
        for hour in hours:
            moment = at(day, f"{hour:02d}:00")
            end = moment + timedelta(minutes=30)
            booking = Booking(instrument_id=world["tem"].id, user_id=world["alice"].id, start=moment, end=end,
                              block_end=end, status="pending", mode="self")
            db.session.add(booking)
            db.session.flush()
            ids.append(booking.id)
    db.session.commit()
    book(world, "bob", "nmr")
    admin = logged_in(app, world, "admin")
    path = f"{QUEUE}?instrument_id={world['tem'].id}"
    first = text_of(admin.get(path))
    assert row_ids(first) == ids[:20]
    assert "22 in total, page 1 of 2" in first and "Only 透射电子显微镜" in first
    assert f"instrument_id={world['tem'].id}&amp;page=2" in first  # the next page keeps the filter
    second = text_of(admin.get(path + "&page=2"))
    assert row_ids(second) == ids[20:] and "22 in total, page 2 of 2" in second
    assert f'action="/manage/bookings/{ids[20]}/approve?instrument_id={world["tem"].id}&amp;page=2"' in second
    assert len(row_ids(text_of(admin.get(QUEUE + "?page=2")))) == 3  # 23 without the filter


# --- deciding ---------------------------------------------------------------------------------------

def test_manager_approves_a_request_and_its_user_is_told(app, world):
    request = book(world, mode="sample", sample_count=3)
    manager = logged_in(app, world, "manager")
    r = post(manager, f"/manage/bookings/{request.id}/approve")
    assert r.status_code == 302 and r.location == QUEUE
    page = text_of(manager.get(QUEUE))
    assert "Approved: 透射电子显微镜 for 李爱丽 at 2026-03-03 09:00" in page and row_ids(page) == []
    booking = db.session.get(Booking, request.id)
    assert booking.status == "confirmed" and booking.decided_by == world["manager"].id
    assert kinds_of(world["alice"]) == ["booking_pending", "booking_confirmed"]
    assert row_ids(text_of(manager.get(QUEUE + "?tab=confirmed"))) == [request.id]


def test_a_failed_approval_is_explained_in_plain_words(app, world):
    first = book(world)
    book(world, "bob", start="10:00", end="11:00")
    tem = db.session.get(Instrument, world["tem"].id)
    tem.booking_rules = {**tem.booking_rules, "buffer_minutes": 30}  # now the first needs 10:00–10:30 free
    db.session.commit()
    manager = logged_in(app, world, "manager")
    r = post(manager, f"/manage/bookings/{first.id}/approve?tab=pending&page=1")
    assert r.status_code == 302 and r.location == QUEUE
    page = text_of(manager.get(QUEUE))
    assert (f"Booking no. {first.id} could not be approved: This time overlaps another booking or a downtime."
            in page)
    assert status_of(first.id) == "pending" and first.id in row_ids(page)

    r = post(manager, f"/manage/bookings/{first.id}/reject", reason="时间冲突")
    assert r.status_code == 302
    post(manager, f"/manage/bookings/{first.id}/approve")  # no longer pending
    assert "could not be approved: This booking is rejected; that is no longer possible." in text_of(manager.get(QUEUE))


def test_rejecting_needs_a_reason_which_is_audited_and_sent(app, world):
    request = book(world)
    manager = logged_in(app, world, "manager")
    page = manager.get(f"/manage/bookings/{request.id}/reject")
    assert page.status_code == 200 and "李爱丽" in text_of(page) and 'id="reason-form"' in text_of(page)
    r = post(manager, f"/manage/bookings/{request.id}/reject", reason="   ")
    assert r.status_code == 200 and "This field is required." in text_of(r)
    assert status_of(request.id) == "pending"
    assert "This field is required." in text_of(post(manager, f"/manage/bookings/{request.id}/reject"))

    r = post(manager, f"/manage/bookings/{request.id}/reject", reason=" 样品不符合要求 ")
    assert r.status_code == 302 and r.location == QUEUE
    booking = db.session.get(Booking, request.id)
    assert booking.status == "rejected" and booking.reason == "样品不符合要求"
    assert booking.decided_by == world["manager"].id
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "bookings", AuditEvent.entity_id == str(request.id),
        AuditEvent.action == "update")).one()
    assert event.actor_id == world["manager"].id and event.reason == "样品不符合要求"
    assert event.changes["status"] == ["pending", "rejected"]
    told = db.session.scalars(select(Notification).where(Notification.user_id == world["alice"].id)
                              .order_by(Notification.id.desc())).first()
    assert told.kind == "booking_rejected" and told.params["reason"] == "样品不符合要求"
    assert "Rejected: 透射电子显微镜 for 李爱丽" in text_of(manager.get(QUEUE))


def test_manager_cancels_an_upcoming_booking_with_a_reason(app, world):
    confirmed = services.approve(world["manager"], book(world, "bob").id)
    unit_admin = logged_in(app, world, "unit_admin")
    path = f"/manage/bookings/{confirmed.id}/cancel?tab=confirmed"
    assert "This field is required." in text_of(post(unit_admin, path))
    assert status_of(confirmed.id) == "confirmed"
    r = post(unit_admin, path, reason="仪器故障")
    assert r.status_code == 302 and r.location == QUEUE + "?tab=confirmed"
    booking = db.session.get(Booking, confirmed.id)
    assert booking.status == "cancelled" and booking.reason == "仪器故障"
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "bookings", AuditEvent.entity_id == str(confirmed.id))
        .order_by(AuditEvent.id.desc())).first()
    assert event.actor_id == world["unit_admin"].id and event.reason == "仪器故障"
    assert event.changes["status"] == ["confirmed", "cancelled"]
    assert kinds_of(world["bob"])[-1] == "booking_cancelled"
    assert row_ids(text_of(unit_admin.get(QUEUE + "?tab=confirmed"))) == []


def test_another_units_manager_never_sees_or_decides_on_its_bookings(app, world):
    pending = book(world)
    confirmed = services.approve(world["manager"], book(world, start="11:00", end="12:00").id)
    own_request = book(world, "other_manager", start="14:00", end="15:00")  # theirs, but not their instrument
    outsider = logged_in(app, world, "other_manager")
    assert row_ids(text_of(outsider.get(QUEUE))) == []
    assert row_ids(text_of(outsider.get(QUEUE + f"?tab=confirmed&instrument_id={world['tem'].id}"))) == []
    assert post(outsider, f"/manage/bookings/{pending.id}/approve").status_code == 404
    assert outsider.get(f"/manage/bookings/{pending.id}/reject").status_code == 404
    assert post(outsider, f"/manage/bookings/{pending.id}/reject", reason="不行").status_code == 404
    assert post(outsider, f"/manage/bookings/{confirmed.id}/cancel", reason="不行").status_code == 404
    assert post(outsider, f"/manage/bookings/{own_request.id}/approve").status_code == 403
    assert outsider.get(f"/manage/bookings/{own_request.id}/reject").status_code == 403
    assert post(outsider, "/manage/bookings/999999/approve").status_code == 404
    assert (status_of(pending.id), status_of(confirmed.id), status_of(own_request.id)) == (
        "pending", "confirmed", "pending")
    researcher = logged_in(app, world, "alice")
    assert post(researcher, f"/manage/bookings/{pending.id}/approve").status_code == 403
    assert post(researcher, f"/manage/bookings/{confirmed.id}/cancel", reason="x").status_code == 403


def test_decisions_need_the_csrf_token(app, world):
    pending = book(world)
    confirmed = services.approve(world["manager"], book(world, start="11:00", end="12:00").id)
    manager = logged_in(app, world, "manager")
    assert manager.post(f"/manage/bookings/{pending.id}/approve").status_code == 400
    assert manager.post(f"/manage/bookings/{pending.id}/reject", data={"reason": "x"}).status_code == 400
    assert manager.post(f"/manage/bookings/{confirmed.id}/cancel", data={"reason": "x"}).status_code == 400
    assert manager.post(f"/manage/bookings/{pending.id}/approve", data={"csrf_token": "forged"}).status_code == 400
    assert (status_of(pending.id), status_of(confirmed.id)) == ("pending", "confirmed")


def test_queue_pages_are_in_chinese_by_default(app, world):
    book(world)
    html = text_of(logged_in(app, world, "manager", language="zh_CN").get(QUEUE))
    assert 'lang="zh-CN"' in html and "李爱丽" in html and "共 1 条，第 1 / 1 页" in html


# --- qualifications -----------------------------------------------------------------------------------

def qualifications_path(world, instrument="tem") -> str:
    return f"/instruments/{world[instrument].id}/qualifications"


def test_qualifications_page_is_for_managers_of_the_instrument(app, client, world):
    path = qualifications_path(world)
    assert client.get(path).status_code == 302
    for who, status in (("alice", 403), ("other_manager", 403), ("evaluator", 403), ("manager", 200),
                        ("unit_admin", 200), ("admin", 200)):
        assert logged_in(app, world, who).get(path).status_code == status, who
    outsider = logged_in(app, world, "other_manager")
    assert post(outsider, path, email="bob@example.org", level="guided").status_code == 403
    assert post(outsider, f"{path}/{world['alice'].id}/revoke").status_code == 403
    assert logged_in(app, world, "manager").get("/instruments/999999/qualifications").status_code == 404
    assert db.session.scalars(select(Qualification)).all() == []


def test_manager_grants_replaces_and_revokes_qualifications(app, world, clock):
    path = qualifications_path(world)
    manager = logged_in(app, world, "manager")
    r = post(manager, path, email=" BOB@Example.org ", level="independent", expires_at="2026-06-30T18:00")
    assert r.status_code == 302 and r.location == path
    granted = db.session.scalars(select(Qualification)).one()
    assert (granted.user_id, granted.level, granted.granted_by) == (world["bob"].id, "independent", world["manager"].id)
    assert granted.expires_at == datetime(2026, 6, 30, 10, 0, tzinfo=timezone.utc)  # 18:00 in Shanghai
    assert "赵博 (大连理工大学) is qualified: independent." in text_of(manager.get(path))

    r = post(manager, path, email="alice@example.org", level="guided", expires_at="2026-03-05T12:00")
    assert r.status_code == 302
    assert post(manager, path, email="bob@example.org", level="guided", expires_at="").status_code == 302  # replaces
    bob = db.session.scalars(select(Qualification).where(Qualification.user_id == world["bob"].id)).one()
    assert bob.level == "guided" and bob.expires_at is None
    assert len(db.session.scalars(select(Qualification)).all()) == 2

    clock.move_to(NOW + timedelta(days=5))  # Alice's qualification has expired
    html = text_of(manager.get(path))
    rows = re.findall(r'<tr id="qualification-(\d+)"(.*?)</tr>', html, re.S)
    assert [int(user_id) for user_id, _ in rows] == [world["bob"].id, world["alice"].id]  # valid ones first
    bob_row, alice_row = (body for _, body in rows)
    assert "赵博" in bob_row and "大连理工大学" in bob_row and "guided" in bob_row and "No expiry" in bob_row
    assert "李爱丽" in alice_row and "东北大学" in alice_row and "2026-03-05 12:00" in alice_row
    assert "expired-flag" in alice_row and "expired-flag" not in bob_row

    r = post(manager, f"{path}/{world['alice'].id}/revoke")
    assert r.status_code == 302 and r.location == path
    assert "The qualification of 李爱丽 has been revoked." in text_of(manager.get(path))
    assert [q.user_id for q in db.session.scalars(select(Qualification))] == [world["bob"].id]
    assert post(manager, f"{path}/{world['alice'].id}/revoke").status_code == 404  # nothing left to revoke


def test_grant_form_explains_its_errors(app, world):
    path = qualifications_path(world)
    manager = logged_in(app, world, "manager")
    r = post(manager, path, email="nobody@example.org", level="guided")
    assert r.status_code == 200 and "No user has this e-mail address." in text_of(r)
    r = post(manager, path, email="not-an-address", level="guided", expires_at="next week")
    assert r.status_code == 200
    assert "Invalid email address." in text_of(r) and "Not a valid datetime value." in text_of(r)
    assert "Not a valid choice." in text_of(post(manager, path, email="bob@example.org", level="expert"))
    assert manager.post(path, data={"email": "bob@example.org", "level": "guided"}).status_code == 400  # no CSRF
    assert db.session.scalars(select(Qualification)).all() == []


# --- downtimes ------------------------------------------------------------------------------------------

def downtimes_path(world, instrument="tem") -> str:
    return f"/instruments/{world[instrument].id}/downtimes"


def test_downtimes_page_is_for_managers_of_the_instrument(app, client, world):
    path = downtimes_path(world)
    assert client.get(path).status_code == 302
    for who, status in (("alice", 403), ("other_manager", 403), ("evaluator", 403), ("manager", 200),
                        ("admin", 200)):
        assert logged_in(app, world, who).get(path).status_code == status, who
    outsider = logged_in(app, world, "other_manager")
    r = post(outsider, path, start="2026-03-03T09:00", end="2026-03-03T12:00", reason="维护")
    assert r.status_code == 403 and db.session.scalars(select(Downtime)).all() == []


def test_a_downtime_cancels_the_bookings_in_its_way_and_their_users_are_told(app, world):
    hit = services.approve(world["manager"], book(world, "bob").id)
    pending_hit = book(world, start="11:00", end="12:00")
    spared = book(world, start="14:00", end="15:00")
    manager = logged_in(app, world, "manager")
    path = downtimes_path(world)
    r = post(manager, path, start="2026-03-03T09:30", end="2026-03-03 12:00", reason="更换灯丝")
    assert r.status_code == 302 and r.location == path
    html = text_of(manager.get(path))
    assert "The downtime has been scheduled. 2 bookings in this time were cancelled" in html
    downtime = db.session.scalars(select(Downtime)).one()
    assert downtime.start == at(1, "09:30") and downtime.end == at(1, "12:00") and downtime.reason == "更换灯丝"
    assert downtime.created_by == world["manager"].id
    assert (status_of(hit.id), status_of(pending_hit.id), status_of(spared.id)) == ("cancelled", "cancelled", "pending")
    assert kinds_of(world["bob"])[-1] == "booking_cancelled"
    assert kinds_of(world["alice"]) == ["booking_pending", "booking_pending", "booking_cancelled"]
    told = db.session.scalars(select(Notification).where(Notification.user_id == world["bob"].id,
                                                         Notification.kind == "booking_cancelled")).one()
    assert told.params["reason"] == "更换灯丝"
    listed = html.split('id="upcoming-downtimes"')[1].split("</table>")[0]
    assert "更换灯丝" in listed and "2026-03-03 09:30" in listed and "王经理" in listed

    r = post(manager, path, start="2026-03-04T09:00", end="2026-03-04T10:00", reason="校准")
    assert "No bookings were in the way." in text_of(manager.get(path))


def test_downtime_form_checks_its_fields(app, world):
    manager = logged_in(app, world, "manager")
    path = downtimes_path(world)
    r = post(manager, path, start="2026-03-03T12:00", end="2026-03-03T11:00", reason="维护")
    assert r.status_code == 200 and "The end must be after the start." in text_of(r)
    r = post(manager, path, start="", end="tomorrow", reason=" ")
    html = text_of(r)
    assert "This field is required." in html and "Not a valid datetime value." in html
    assert manager.post(path, data={"start": "2026-03-03T09:00", "end": "2026-03-03T10:00",
                                    "reason": "维护"}).status_code == 400  # no CSRF
    assert db.session.scalars(select(Downtime)).all() == []


def test_downtimes_are_listed_upcoming_and_recent_and_can_be_deleted(app, world, clock):
    tem = world["tem"].id
    for start, end, reason in ((at(-40, "09:00"), at(-40, "10:00"), "很久以前"), (at(-3, "09:00"), at(-3, "17:00"), "上周保养"),
                               (at(0, "07:00"), at(0, "09:00"), "进行中"), (at(2, "09:00"), at(2, "10:00"), "下周维修")):
        db.session.add(Downtime(instrument_id=tem, start=start, end=end, reason=reason, created_by=world["manager"].id))
    db.session.commit()
    manager = logged_in(app, world, "manager")
    path = downtimes_path(world)
    html = text_of(manager.get(path))
    upcoming, recent = html.split('id="upcoming-downtimes"')[1], html.split('id="recent-downtimes"')[1]
    upcoming = upcoming.split("</table>")[0]
    recent = recent.split("</table>")[0]
    assert "进行中" in upcoming and "下周维修" in upcoming and "In progress" in upcoming
    assert "上周保养" in recent and "很久以前" not in html
    coming = db.session.scalars(select(Downtime).where(Downtime.reason == "下周维修")).one().id
    assert post(logged_in(app, world, "other_manager"), f"{path}/{coming}/delete").status_code == 403
    assert manager.post(f"{path}/{coming}/delete").status_code == 400  # no CSRF
    r = post(manager, f"{path}/{coming}/delete")
    assert r.status_code == 302 and r.location == path
    assert db.session.get(Downtime, coming) is None
    assert "The downtime has been deleted." in text_of(manager.get(path))
    assert post(manager, f"/instruments/{world['nmr'].id}/downtimes/{coming}/delete").status_code == 403
    assert post(manager, f"{path}/{coming}/delete").status_code == 404
