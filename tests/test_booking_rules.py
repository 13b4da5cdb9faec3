"""Every booking rule and every refusal code of API.md, one table row each.

The clock is frozen at Monday 2026-03-02 08:00 in Shanghai; default rules unless a row says
otherwise (Mon–Fri 08:00–18:00, 30-minute grid, 30–480 minutes, 14-day horizon).
"""
from datetime import timedelta

import pytest

from bookings.models import Booking, Downtime, Qualification, Suspension
from instruments.models import Instrument
from sharing.extensions import db
from tests.test_bookings_api import NOW, at, book, clock, set_rules, world  # noqa: F401  (fixtures)

OK = (201, None)
WINDOW = (422, "outside_booking_window")
GRID = (422, "off_grid")
LENGTH = (422, "duration_out_of_range")
HOURS = (422, "outside_open_hours")
QUALIFICATION = (403, "not_qualified")
CONFLICT = (409, "booking_conflict")
INVALID = (422, "validation_error")

# (name, rules, request body changes, expected)
TABLE = [
    ("baseline", {}, {}, OK),
    ("starts in the past", {}, {"start": at(0, "07:00"), "end": at(0, "09:00")}, WINDOW),
    ("inside the lead time", {"lead_minutes": 120}, {"start": at(0, "09:00"), "end": at(0, "10:00")}, WINDOW),
    ("exactly at the lead time", {"lead_minutes": 60}, {"start": at(0, "09:00"), "end": at(0, "10:00")}, OK),
    ("ends beyond the horizon", {}, {"start": at(14, "09:00"), "end": at(14, "10:00")}, WINDOW),
    ("ends exactly at the horizon", {"horizon_days": 1, "open_hours": []},
     {"start": at(1, "07:00"), "end": at(1, "08:00")}, OK),
    ("ends just after the horizon", {"horizon_days": 1, "open_hours": []},
     {"start": at(1, "07:30"), "end": at(1, "08:30")}, WINDOW),
    ("start off the grid", {}, {"start": at(1, "09:10"), "end": at(1, "10:00")}, GRID),
    ("end off the hour grid", {"slot_minutes": 60}, {"start": at(1, "09:00"), "end": at(1, "10:30")}, GRID),
    ("seconds are off the grid", {}, {"start": at(1, "09:00")[:16] + ":30+08:00"}, GRID),
    ("shorter than the minimum", {"min_minutes": 60}, {"end": at(1, "09:30")}, LENGTH),
    ("exactly the minimum", {"min_minutes": 60}, {}, OK),
    ("longer than the maximum", {}, {"start": at(1, "08:00"), "end": at(1, "17:00")}, LENGTH),
    ("exactly the maximum", {}, {"start": at(1, "08:00"), "end": at(1, "16:00")}, OK),
    ("after closing time", {}, {"start": at(1, "17:00"), "end": at(1, "19:00")}, HOURS),
    ("before opening time", {}, {"start": at(1, "07:30"), "end": at(1, "08:30")}, HOURS),
    ("on a Saturday", {}, {"start": at(5, "09:00"), "end": at(5, "10:00")}, HOURS),
    ("on a Saturday that opens", {"open_hours": [{"weekday": 5, "start": "09:00", "end": "12:00"}]},
     {"start": at(5, "09:00"), "end": at(5, "10:00")}, OK),
    ("on National Day", {"horizon_days": 240}, {"start": "2026-10-01T09:00", "end": "2026-10-01T10:00"}, HOURS),
    ("on National Day, holidays open", {"horizon_days": 240, "closed_on_holidays": False},
     {"start": "2026-10-01T09:00", "end": "2026-10-01T10:00"}, OK),
    ("on the make-up Saturday after National Day", {"horizon_days": 240},
     {"start": "2026-10-10T09:00", "end": "2026-10-10T10:00"}, OK),
    ("make-up day keeps working hours", {"horizon_days": 240},
     {"start": "2026-10-10T18:00", "end": "2026-10-10T19:00"}, HOURS),
    ("on Qingming (a Monday holiday)", {"horizon_days": 60}, {"start": "2026-04-06T09:00", "end": "2026-04-06T10:00"},
     HOURS),
    ("qualification required, none held", {"requires_qualification": True}, {}, QUALIFICATION),
    ("qualification required, sample submission", {"requires_qualification": True},
     {"mode": "sample", "sample_count": 3}, OK),
    ("end before start", {}, {"start": at(1, "10:00"), "end": at(1, "09:00")}, INVALID),
    ("end equal to start", {}, {"end": at(1, "09:00")}, INVALID),
    ("unknown field", {}, {"colour": "red"}, INVALID),
    ("unknown mode", {}, {"mode": "remote"}, INVALID),
    ("sample submission without a count", {}, {"mode": "sample"}, INVALID),
    ("purpose too long", {}, {"purpose": "长" * 501}, INVALID),
    ("start not a time", {}, {"start": "tomorrow"}, INVALID),
    ("no such instrument", {}, {"instrument_id": 999999}, INVALID),
]


@pytest.mark.parametrize("name,rules,body,expected", TABLE, ids=[row[0] for row in TABLE])
def test_rule(api, world, name, rules, body, expected):
    set_rules(world, **rules)
    r = book(api, world, **body)
    status, code = expected
    assert r.status_code == status, (name, r.get_json())
    if code:
        assert r.get_json()["error"]["code"] == code, (name, r.get_json())
        assert r.get_json()["error"]["message"]


def _booking(world, start, end, status="confirmed", who="manager", buffer=0):
    booking = Booking(instrument_id=world["instrument"].id, user_id=world[who].id, start=start, end=end,
                      block_end=end + timedelta(minutes=buffer), status=status, mode="self")
    db.session.add(booking)
    db.session.commit()
    return booking


def _local(day, hh_mm):
    from sharing.timeutil import parse_datetime

    return parse_datetime(at(day, hh_mm))


@pytest.mark.parametrize("existing,request_times,buffer,expected", [
    (("09:00", "10:00", "confirmed"), ("09:30", "10:30"), 0, CONFLICT),
    (("09:00", "10:00", "pending"), ("08:30", "09:30"), 0, CONFLICT),
    (("09:00", "10:00", "confirmed"), ("10:00", "11:00"), 0, OK),          # touching is fine
    (("09:00", "10:00", "confirmed"), ("08:00", "09:00"), 0, OK),
    (("09:00", "10:00", "confirmed"), ("10:00", "11:00"), 30, CONFLICT),   # inside the buffer after it
    (("09:00", "10:00", "confirmed"), ("08:00", "09:00"), 30, CONFLICT),   # its own buffer reaches 09:00+
    (("09:00", "10:00", "confirmed"), ("10:30", "11:00"), 30, OK),
    (("09:00", "10:00", "cancelled"), ("09:00", "10:00"), 0, OK),          # inactive bookings hold nothing
    (("09:00", "10:00", "rejected"), ("09:00", "10:00"), 0, OK),
])
def test_conflicts_and_buffers(api, world, existing, request_times, buffer, expected):
    set_rules(world, buffer_minutes=buffer)
    start, end, status = existing
    _booking(world, _local(1, start), _local(1, end), status=status, buffer=buffer)
    r = book(api, world, start=at(1, request_times[0]), end=at(1, request_times[1]))
    assert r.status_code == expected[0], r.get_json()
    if expected[1]:
        assert r.get_json()["error"]["code"] == expected[1]


def test_a_downtime_blocks_booking(api, world):
    db.session.add(Downtime(instrument_id=world["instrument"].id, start=_local(1, "09:30"), end=_local(1, "12:00"),
                            reason="维护"))
    db.session.commit()
    r = book(api, world)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "booking_conflict"
    assert book(api, world, start=at(1, "12:00"), end=at(1, "13:00")).status_code == 201


def test_qualification_levels_and_expiry(api, world):
    set_rules(world, requires_qualification=True)
    qualification = Qualification(instrument_id=world["instrument"].id, user_id=world["alice"].id, level="guided",
                                  expires_at=NOW - timedelta(minutes=1))
    db.session.add(qualification)
    db.session.commit()
    assert book(api, world).get_json()["error"]["code"] == "not_qualified"       # expired
    qualification = db.session.get(Qualification, qualification.id)
    qualification.expires_at = NOW + timedelta(days=1)
    db.session.commit()
    assert book(api, world).status_code == 201                                    # guided is enough
    qualification = db.session.get(Qualification, qualification.id)
    qualification.level, qualification.expires_at = "independent", None
    db.session.commit()
    assert book(api, world, start=at(1, "10:00"), end=at(1, "11:00")).status_code == 201


def test_quota_counts_future_active_bookings_only(api, world):
    set_rules(world, max_active_per_user=2)
    assert book(api, world, start=at(1, "09:00"), end=at(1, "10:00")).status_code == 201
    cancelled = book(api, world, start=at(1, "10:00"), end=at(1, "11:00")).get_json()
    assert api.post(f"/api/v1/bookings/{cancelled['id']}/cancel", world["alice"], json={}).status_code == 200
    assert book(api, world, start=at(1, "11:00"), end=at(1, "12:00")).status_code == 201
    r = book(api, world, start=at(1, "13:00"), end=at(1, "14:00"))
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "quota_exceeded"
    assert book(api, world, "bob", start=at(1, "13:00"), end=at(1, "14:00")).status_code == 201  # per user


def test_suspended_user_is_refused_first(api, world):
    db.session.add(Suspension(user_id=world["alice"].id, start=NOW - timedelta(days=1), end=NOW + timedelta(days=29),
                              reason="no-shows"))
    db.session.commit()
    for body in ({}, {"start": "garbage"}, {"start": at(1, "09:10"), "mode": "x"}):
        r = book(api, world, **body)
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "user_suspended", body


def test_suspension_ends(api, world, clock):
    db.session.add(Suspension(user_id=world["alice"].id, start=NOW - timedelta(days=30), end=NOW,
                              reason="no-shows"))
    db.session.commit()
    assert book(api, world).status_code == 201


@pytest.mark.parametrize("change,who", [
    ({"status": "under_repair"}, "alice"), ({"status": "retired"}, "alice"), ({"status": "faulty"}, "alice"),
    ({"share_mode": "internal"}, "bob"), ({"share_mode": "none"}, "bob"),
])
def test_unavailable_instrument_is_refused_before_field_checks(api, world, change, who):
    instrument = db.session.get(Instrument, world["instrument"].id)
    for key, value in change.items():
        setattr(instrument, key, value)
    db.session.commit()
    for body in ({}, {"start": at(1, "09:10"), "end": at(1, "09:00")}):
        r = book(api, world, who, **body)
        assert r.status_code == 409 and r.get_json()["error"]["code"] == "instrument_unavailable", body


def test_internal_instrument_admits_its_own_unit(api, world):
    instrument = db.session.get(Instrument, world["instrument"].id)
    instrument.share_mode = "internal"
    db.session.commit()
    assert book(api, world, "alice").status_code == 201


def test_every_problem_is_listed_in_api_order(api, world):
    r = book(api, world, start=at(1, "17:10"), end=at(2, "03:10"))   # off grid, too long, after hours
    error = r.get_json()["error"]
    assert r.status_code == 422 and error["code"] == "off_grid"
    assert [p["code"] for p in error["problems"]] == ["off_grid", "duration_out_of_range", "outside_open_hours"]
    assert all(p["message"] for p in error["problems"])


def test_problems_are_in_chinese_by_default_and_english_on_request(api, world):
    zh = book(api, world, start=at(1, "17:00"), end=at(1, "19:00")).get_json()["error"]["message"]
    en = book(api, world, start=at(1, "17:00"), end=at(1, "19:00"),
              ).get_json()["error"]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    r = api.post("/api/v1/bookings", world["alice"], headers={"Accept-Language": "en"},
                 json={"instrument_id": world["instrument"].id, "start": at(1, "17:00"), "end": at(1, "19:00")})
    assert "opening hours" in r.get_json()["error"]["message"] and en == zh


def test_malformed_json_is_a_bad_request(api, world):
    r = api.post("/api/v1/bookings", world["alice"], data="{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request"
