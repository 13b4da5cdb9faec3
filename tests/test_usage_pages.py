"""The usage-ledger pages: managers record, correct and void uses and complete sample submissions;
researchers see their usage and rate a service once.

The pages call ``bookings.usage`` like the API does, so these tests check what people see, that
refusals are explained in the form without losing what was typed, and who may do what.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from bookings import services, usage
from bookings.ledger_models import Rating
from bookings.models import Booking, UsageLog
from instruments.models import Instrument
from sharing.audit import AuditEvent
from sharing.extensions import db
from tests.helpers import csrf_token, make_unit, make_user, page_login

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)  # a Monday, 08:00


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(ctx, clock):
    home, other = make_unit(name="东北大学"), make_unit(name="大连理工大学")
    tem = Instrument(unit_id=home.id, inner_id="A-1", name="透射电子显微镜", model="JEM-2100F", manufacturer="JEOL",
                     category_code="010101", price_cny=8_000_000, booking_rules={"approval": "auto"},
                     fee_internal=200, fee_external=400, fee_sample_internal=50, fee_sample_external=120)
    nmr = Instrument(unit_id=other.id, inner_id="B-1", name="核磁共振波谱仪", model="AV-600", manufacturer="Bruker",
                     category_code="010101", price_cny=5_000_000, fee_internal=300, fee_external=600)
    db.session.add_all([tem, nmr])
    db.session.commit()
    return {
        "home": home, "other": other, "tem": tem, "nmr": nmr,
        "manager": make_user(home, roles=["manager"], email="manager@example.org", name="王经理"),
        "alice": make_user(home, email="alice@example.org", name="李爱丽"),
        "bob": make_user(other, email="bob@example.org", name="赵博"),
        "other_manager": make_user(other, roles=["manager"], email="other.manager@example.org", name="刘经理"),
        "evaluator": make_user(other, roles=["evaluator"], email="evaluator@example.org"),
        "admin": make_user(other, roles=["admin"], email="admin@example.org"),
    }


def logged_in(app, world, who, language="en"):
    client = app.test_client()
    page_login(client, world[who].email)
    client.get(f"/lang/{language}")
    return client


def post(client, path, **data):
    token = csrf_token(client.get("/").get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def text_of(response) -> str:
    return response.get_data(as_text=True)


def ledger_url(world, instrument="tem") -> str:
    return f"/manage/instruments/{world[instrument].id}/usage"


def entry(email="alice@example.org", start="2026-03-01T09:00", end="2026-03-01T11:30", **extra) -> dict:
    return {"email": email, "start": start, "end": end, "purpose": "research", "service_way": "occupy",
            "sample_count": "", "fee": "", "comment": "", **extra}


def logs_of(instrument) -> list[UsageLog]:
    return db.session.scalars(select(UsageLog).where(UsageLog.instrument_id == instrument.id)
                              .order_by(UsageLog.id)).all()


def log_via_service(world, start, end, user="alice", **extra) -> UsageLog:
    data = {"instrument_id": world["tem"].id, "user_id": world[user].id, "start": start, "end": end,
            "purpose": "research", "service_way": "occupy", **extra}
    return usage.create_log(world["manager"], data)


def sample_booking(world, sample_count=6) -> Booking:
    start = (NOW + timedelta(days=1)).replace(hour=9)
    booking = services.create_booking(world["alice"], {
        "instrument_id": world["tem"].id, "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat(),
        "mode": "sample", "purpose": "粉末样品物相分析", "sample_count": sample_count})
    assert booking.status == "confirmed"
    return booking


# --- manual entry -----------------------------------------------------------------------------------

def test_a_manager_records_a_use_by_hand_and_sees_it_in_the_ledger(app, world):
    manager = logged_in(app, world, "manager")
    form = manager.get(f"{ledger_url(world)}/new")
    assert form.status_code == 200 and 'name="email"' in text_of(form) and 'type="datetime-local"' in text_of(form)

    response = post(manager, f"{ledger_url(world)}/new", **entry(comment="夜间补录"))
    assert response.status_code == 302 and response.headers["Location"].endswith(ledger_url(world))
    [log] = logs_of(world["tem"])
    assert log.source == "manual" and log.user_id == world["alice"].id and log.created_by == world["manager"].id
    assert log.start.astimezone(TZ) == datetime(2026, 3, 1, 9, 0, tzinfo=TZ)  # typed local, stored UTC
    assert float(log.fee) == 500.0 and log.comment == "夜间补录"  # 2.5 h × 200 internal

    given = post(manager, f"{ledger_url(world)}/new", **entry(start="2026-03-01T12:00", end="2026-03-01T13:00",
                                                              email="bob@example.org", fee="12.50"))
    assert given.status_code == 302
    assert float(logs_of(world["tem"])[-1].fee) == 12.5 and logs_of(world["tem"])[-1].is_external

    html = text_of(manager.get(ledger_url(world)))
    row = re.search(rf'<tr id="usage-{log.id}".*?</tr>', html, re.S).group(0)
    assert "2026-03-01 09:00" in row and "11:30" in row and "2.50" in row and "李爱丽" in row
    assert 'data-source="manual"' in row and "Manual entry" in row and "internal" in row


def test_an_overlapping_use_is_refused_in_the_form_and_nothing_typed_is_lost(app, world):
    log_via_service(world, datetime(2026, 3, 1, 10, 0, tzinfo=TZ), datetime(2026, 3, 1, 12, 0, tzinfo=TZ))
    manager = logged_in(app, world, "manager")
    response = post(manager, f"{ledger_url(world)}/new", **entry(comment="第二次测量", sample_count="3"))
    html = text_of(response)
    assert response.status_code == 200
    assert "overlaps another usage log" in html and 'id="form-problems"' in html
    assert 'value="alice@example.org"' in html and 'value="2026-03-01T09:00"' in html and "第二次测量" in html
    assert 'value="3"' in html
    assert len(logs_of(world["tem"])) == 1

    chinese = logged_in(app, world, "manager", language="zh_CN")
    html = text_of(post(chinese, f"{ledger_url(world)}/new", **entry()))
    assert 'id="form-problems"' in html and "该次使用与本仪器的另一条使用记录时间重叠" in html

    unknown = text_of(post(manager, f"{ledger_url(world)}/new", **entry(email="nobody@example.org",
                                                                        start="2026-03-05T09:00",
                                                                        end="2026-03-05T08:00")))
    assert "No user has this e-mail address." in unknown and len(logs_of(world["tem"])) == 1


def test_a_correction_changes_the_record_and_keeps_every_version(app, world):
    log = log_via_service(world, datetime(2026, 3, 1, 9, 0, tzinfo=TZ), datetime(2026, 3, 1, 11, 0, tzinfo=TZ))
    manager = logged_in(app, world, "manager")
    form = text_of(manager.get(f"/manage/usage/{log.id}/edit"))
    assert 'value="2026-03-01T11:00"' in form and 'value="alice@example.org"' in form

    response = post(manager, f"/manage/usage/{log.id}/edit",
                    **entry(start="2026-03-01T09:00", end="2026-03-01T12:00", reason="签退时间有误"))
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(UsageLog, log.id)
    assert changed.end.astimezone(TZ).hour == 12 and float(changed.fee) == 600.0  # recomputed: 3 h × 200

    history = text_of(manager.get(f"/manage/usage/{log.id}/history"))
    assert history.count('class="card mb-3 history-entry"') == 2
    assert "签退时间有误" in history and "2026-03-01 11:00" in history and "2026-03-01 12:00" in history
    assert "王经理" in history
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "usage_logs",
                                                         AuditEvent.entity_id == str(log.id))).all()
    assert [e.action for e in events] == ["create", "update"] and events[1].reason == "签退时间有误"


def test_voiding_needs_a_reason(app, world):
    log = log_via_service(world, datetime(2026, 3, 1, 9, 0, tzinfo=TZ), datetime(2026, 3, 1, 11, 0, tzinfo=TZ))
    manager = logged_in(app, world, "manager")
    refused = post(manager, f"/manage/usage/{log.id}/void", reason="  ")
    assert refused.status_code == 200 and "is-invalid" in text_of(refused)
    db.session.expire_all()
    assert db.session.get(UsageLog, log.id).voided is False

    assert post(manager, f"/manage/usage/{log.id}/void", reason="重复录入").status_code == 302
    db.session.expire_all()
    voided = db.session.get(UsageLog, log.id)
    assert voided.voided is True and voided.void_reason == "重复录入"
    assert f'id="usage-{log.id}"' not in text_of(manager.get(ledger_url(world)))  # voided ones are hidden …
    shown = text_of(manager.get(ledger_url(world) + "?voided=y"))               # … unless asked for
    assert f'id="voided-{log.id}"' in shown
    assert 'id="read-only-note"' in text_of(manager.get(f"/manage/usage/{log.id}/edit"))


def test_a_locked_year_is_read_only_and_a_correction_is_a_new_record(app, world):
    old = log_via_service(world, datetime(2025, 12, 1, 9, 0, tzinfo=TZ), datetime(2025, 12, 1, 11, 0, tzinfo=TZ))
    usage.lock_period(world["evaluator"], 2025)
    manager = logged_in(app, world, "manager")

    ledger = text_of(manager.get(ledger_url(world)))
    assert f'id="locked-{old.id}"' in ledger and f'id="correction-{old.id}"' in ledger
    assert f'id="edit-{old.id}"' not in ledger and f'id="void-{old.id}"' not in ledger
    edit = text_of(manager.get(f"/manage/usage/{old.id}/edit"))
    assert 'id="read-only-note"' in edit and 'id="usage-form"' not in edit and 'id="record-correction"' in edit
    post(manager, f"/manage/usage/{old.id}/edit", **entry(start="2025-12-01T09:00", end="2025-12-01T10:00"))
    post(manager, f"/manage/usage/{old.id}/void", reason="想作废")
    db.session.expire_all()
    unchanged = db.session.get(UsageLog, old.id)
    assert unchanged.voided is False and unchanged.end.astimezone(TZ).hour == 11

    # A new record in the locked year without naming the corrected one is refused in the form.
    refused = text_of(post(manager, f"{ledger_url(world)}/new", **entry(start="2025-12-02T09:00",
                                                                        end="2025-12-02T10:00")))
    assert "This year is locked" in refused and len(logs_of(world["tem"])) == 1

    url = f"{ledger_url(world)}/new?corrects={old.id}"
    prefilled = text_of(manager.get(url))
    assert 'id="correction-note"' in prefilled and 'value="2025-12-01T09:00"' in prefilled
    assert post(manager, url, **entry(start="2025-12-01T09:00", end="2025-12-01T10:30",
                                      comment="实际只用了 1.5 小时")).status_code == 302
    new = logs_of(world["tem"])[-1]
    assert new.corrects_id == old.id and float(new.fee) == 300.0
    ledger = text_of(manager.get(ledger_url(world)))
    assert f"Corrects no. {old.id}" in ledger and f"Corrected by no. {new.id}" in ledger


# --- who may use the ledger pages ---------------------------------------------------------------------

def test_only_managers_of_the_unit_and_admins_reach_the_ledger(app, world, client):
    log = log_via_service(world, datetime(2026, 3, 1, 9, 0, tzinfo=TZ), datetime(2026, 3, 1, 10, 0, tzinfo=TZ))
    assert client.get(ledger_url(world)).status_code == 302  # to the login page
    for who, status in (("manager", 200), ("admin", 200), ("alice", 403), ("other_manager", 403),
                        ("evaluator", 403)):
        assert logged_in(app, world, who).get(ledger_url(world)).status_code == status, who
    other = logged_in(app, world, "other_manager")
    for path in (f"/manage/usage/{log.id}/edit", f"/manage/usage/{log.id}/void", f"/manage/usage/{log.id}/history"):
        assert other.get(path).status_code == 404, path
    assert post(other, f"/manage/usage/{log.id}/void", reason="不是我的").status_code == 404
    assert post(other, f"{ledger_url(world)}/new", **entry()).status_code == 403
    assert logged_in(app, world, "alice").get(f"/manage/usage/{log.id}/edit").status_code == 403  # her own log
    assert logged_in(app, world, "manager").get("/manage/instruments/999999/usage").status_code == 404
    db.session.expire_all()
    assert db.session.get(UsageLog, log.id).voided is False and len(logs_of(world["tem"])) == 1

    detail = text_of(logged_in(app, world, "manager").get(f"/instruments/{world['tem'].id}"))
    assert 'id="instrument-usage"' in detail
    assert 'id="instrument-usage"' not in text_of(logged_in(app, world, "alice").get(f"/instruments/{world['tem'].id}"))


# --- researchers: my usage and ratings ------------------------------------------------------------------

def test_a_researcher_sees_own_usage_and_rates_a_service_once(app, world):
    mine = log_via_service(world, datetime(2026, 3, 1, 9, 0, tzinfo=TZ), datetime(2026, 3, 1, 10, 0, tzinfo=TZ))
    theirs = log_via_service(world, datetime(2026, 3, 1, 10, 0, tzinfo=TZ), datetime(2026, 3, 1, 11, 0, tzinfo=TZ),
                             user="bob")
    alice = logged_in(app, world, "alice")
    html = text_of(alice.get("/my/usage"))
    assert f'id="usage-{mine.id}"' in html and f'id="usage-{theirs.id}"' not in html
    assert f'id="rate-{mine.id}"' in html and 'id="nav-my-usage"' in html

    form = text_of(alice.get(f"/my/usage/{mine.id}/rate"))
    for label in ("Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"):
        assert label in form
    assert post(alice, f"/my/usage/{mine.id}/rate", comment="无选择").status_code == 200  # a score is needed
    assert post(alice, f"/my/usage/{mine.id}/rate", score="5", comment="数据质量很好").status_code == 302
    again = post(alice, f"/my/usage/{mine.id}/rate", score="1")
    assert again.status_code == 200 and 'id="existing-rating"' in text_of(again)
    [rating] = db.session.scalars(select(Rating)).all()
    assert rating.score == 5 and rating.comment == "数据质量很好" and rating.user_id == world["alice"].id
    listed = text_of(alice.get("/my/usage"))
    assert 'data-score="5"' in listed and "Very satisfied" in listed and f'id="rate-{mine.id}"' not in listed

    assert alice.get(f"/my/usage/{theirs.id}/rate").status_code == 404          # another unit's user's log
    manager = logged_in(app, world, "manager")
    assert manager.get(f"/my/usage/{mine.id}/rate").status_code == 403          # sees it, but did not use it
    assert "Very satisfied" in text_of(manager.get(ledger_url(world)))


# --- completing a sample submission ---------------------------------------------------------------------

def test_a_manager_completes_a_sample_submission_by_recording_its_use(app, world):
    booking = sample_booking(world)
    manager = logged_in(app, world, "manager")
    assert f'id="record-use-{booking.id}"' in text_of(manager.get("/manage/bookings?tab=confirmed"))
    assert 'id="record-use"' in text_of(manager.get(f"/bookings/{booking.id}"))
    url = f"/manage/bookings/{booking.id}/record-use"
    form = text_of(manager.get(url))
    assert 'value="2026-03-03T09:00"' in form and 'value="2026-03-03T10:00"' in form and 'value="6"' in form
    assert re.search(r'<option selected value="entrust">|<option value="entrust" selected', form)
    assert 'name="email"' not in form

    fields = {"start": "2026-03-03T09:00", "end": "2026-03-03T10:00", "purpose": "research",
              "service_way": "entrust", "fee": "", "comment": ""}
    missing = text_of(post(manager, url, sample_count="", **fields))
    assert "needs the number of samples" in missing and status(booking) == "confirmed"

    assert post(manager, url, sample_count="6", **fields).status_code == 302
    assert status(booking) == "completed"
    [log] = logs_of(world["tem"])
    assert log.booking_id == booking.id and log.sample_count == 6 and float(log.fee) == 300.0  # 6 × 50
    moves = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "bookings",
                                                        AuditEvent.entity_id == str(booking.id),
                                                        AuditEvent.action == "update")).all()
    assert any(e.changes.get("status") == ["confirmed", "completed"] for e in moves)

    done = text_of(manager.get(url))
    assert 'id="booking-not-confirmed"' in done and 'id="usage-form"' not in done
    assert post(manager, url, sample_count="6", **fields).status_code == 200
    assert len(logs_of(world["tem"])) == 1

    alice = logged_in(app, world, "alice")
    detail = text_of(alice.get(f"/bookings/{booking.id}"))
    assert f'id="rate-usage-{log.id}"' in detail


def test_the_api_completes_a_booking_once(api, world):
    booking = sample_booking(world)
    body = {"instrument_id": world["tem"].id, "user_id": world["alice"].id, "booking_id": booking.id,
            "start": "2026-03-03T09:00:00+08:00", "end": "2026-03-03T10:00:00+08:00",
            "purpose": "research", "service_way": "entrust", "sample_count": 6}
    no_samples = api.post("/api/v1/usage-logs", world["manager"], json={**body, "sample_count": None})
    assert no_samples.status_code == 422 and "sample_count" in no_samples.get_json()["error"]["fields"]
    other_user = api.post("/api/v1/usage-logs", world["manager"], json={**body, "user_id": world["bob"].id})
    assert other_user.status_code == 422 and "user_id" in other_user.get_json()["error"]["fields"]

    created = api.post("/api/v1/usage-logs", world["manager"], json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["booking_id"] == booking.id and created.get_json()["fee"] == 300.0
    assert api.get(f"/api/v1/bookings/{booking.id}", world["alice"]).get_json()["status"] == "completed"

    again = api.post("/api/v1/usage-logs", world["manager"],
                     json={**body, "start": "2026-03-03T11:00:00+08:00", "end": "2026-03-03T12:00:00+08:00"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_status"
    assert "已完成" in again.get_json()["error"]["message"]  # the status, in the default language
    assert db.session.scalar(select(func.count()).select_from(UsageLog)) == 1

    cancelled = sample_booking(world)
    services.cancel(world["alice"], cancelled.id, None)
    refused = api.post("/api/v1/usage-logs", world["manager"], json={**body, "booking_id": cancelled.id,
                                                                      "start": "2026-03-04T09:00:00+08:00",
                                                                      "end": "2026-03-04T10:00:00+08:00"})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "invalid_status"


def status(booking) -> str:
    db.session.expire_all()
    return db.session.get(Booking, booking.id).status


def test_changing_only_the_comment_keeps_times_to_the_second_and_the_fee(app, world):
    start, end = datetime(2026, 3, 1, 9, 0, 31, tzinfo=TZ), datetime(2026, 3, 1, 10, 29, 45, tzinfo=TZ)
    log = log_via_service(world, start, end, fee=88)
    manager = logged_in(app, world, "manager")
    unchanged = post(manager, f"/manage/usage/{log.id}/edit", **entry(start="2026-03-01T09:00",
                                                                      end="2026-03-01T10:29", comment="补充说明"))
    assert unchanged.status_code == 302
    db.session.expire_all()
    kept = db.session.get(UsageLog, log.id)
    assert kept.start == start and kept.end == end and float(kept.fee) == 88.0 and kept.comment == "补充说明"
    nothing = post(manager, f"/manage/usage/{log.id}/edit", **entry(start="2026-03-01T09:00",
                                                                    end="2026-03-01T10:29", comment="补充说明"))
    assert nothing.status_code == 302
    history = text_of(manager.get(f"/manage/usage/{log.id}/history"))
    assert history.count('class="card mb-3 history-entry"') == 2
