"""The researcher's booking pages: week calendar, booking form, my bookings, one booking.

The pages call the same services as the API; these tests check what people see, that a refusal
lists every broken rule at once, and that scoping and CSRF hold. The clock is frozen on Monday
14 September 2026, 09:00 in Shanghai: the National Day week (1–7 October, with the make-up working
days Sunday 20 September and Saturday 10 October) is within reach.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from html import unescape
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from bookings import week
from bookings.models import Booking, Downtime, UsageLog
from instruments.models import Instrument
from sharing.extensions import db
from tests.helpers import csrf_token, make_unit, make_user, page_login

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 14, 9, 0, tzinfo=TZ)  # a Monday


def local(day: str, hh_mm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(ctx, clock):
    home, other = make_unit(name="东北大学"), make_unit(name="大连理工大学")
    instrument = Instrument(unit_id=home.id, inner_id="XRD-1", name="X射线衍射仪", model="D8 ADVANCE",
                            manufacturer="Bruker", category_code="010101", price_cny=2_000_000,
                            booking_rules={"approval": "auto"})
    db.session.add(instrument)
    db.session.commit()
    return {"instrument": instrument, "home": home, "other": other,
            "alice": make_user(home, email="alice@example.org", name="爱丽丝"),
            "bob": make_user(other, email="bob@example.org", name="鲍勃"),
            "manager": make_user(home, roles=["manager"], email="manager@example.org"),
            "other_manager": make_user(other, roles=["manager"], email="om@example.org"),
            "evaluator": make_user(other, roles=["evaluator"], email="eval@example.org")}


def login(client, world, who):
    r = page_login(client, world[who].email)
    assert r.status_code == 302


def set_rules(world, **rules):
    instrument = db.session.get(Instrument, world["instrument"].id)
    instrument.booking_rules = {**instrument.booking_rules, **rules}
    db.session.commit()


def add_booking(world, who, start, end, status="confirmed", **extra) -> Booking:
    booking = Booking(instrument_id=world["instrument"].id, user_id=world[who].id, start=start, end=end,
                      block_end=end, status=status, mode=extra.pop("mode", "self"), purpose="测试", **extra)
    db.session.add(booking)
    db.session.commit()
    return booking


class Calendar(HTMLParser):
    """The week grid as {(date, "HH:MM"): {"state", "href"}} and the day headers by date."""

    def __init__(self):
        super().__init__()
        self.cells, self.days, self._cell, self._day = {}, {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "data-state" in a:
            self._cell = self.cells[(a["data-date"], a["data-time"])] = {"state": a["data-state"], "href": None}
        elif tag == "a" and self._cell is not None:
            self._cell["href"] = unescape(a["href"])
        elif tag == "th" and "data-kind" in a:
            self._day = self.days[a["data-date"]] = {"kind": a["data-kind"], "text": "",
                                                      "classes": a.get("class", "")}

    def handle_data(self, data):
        if self._day is not None:
            self._day["text"] += data

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None
        elif tag == "th":
            self._day = None


def read_calendar(html: str) -> Calendar:
    parser = Calendar()
    parser.feed(html)
    return parser


def book_form(client, world, **query):
    r = client.get(f"/instruments/{world['instrument'].id}/book", query_string=query)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def post_booking(client, world, start, end, purpose="晶体结构测定", mode="self", samples="", token=None):
    token = token or csrf_token(book_form(client, world))
    (start_date, start_time), (end_date, end_time) = start.split("T"), end.split("T")
    return client.post(f"/instruments/{world['instrument'].id}/book", data={
        "csrf_token": token, "start_date": start_date, "start_time": start_time, "end_date": end_date,
        "end_time": end_time, "mode": mode, "sample_count": samples, "purpose": purpose})


def problem_codes(html: str) -> list[str]:
    return re.findall(r'<li data-code="([a-z_]+)"', html)


INVALID = 'class="form-control is-invalid" id="{}"'


def bookings_count() -> int:
    return db.session.scalar(select(func.count(Booking.id)))


# --- the week grid as pure functions -----------------------------------------------------------------

def test_week_helpers():
    assert week.parse_week("2026-10-01", date(2026, 9, 14)) == date(2026, 9, 28)
    assert week.parse_week("nonsense", date(2026, 9, 16)) == date(2026, 9, 14)
    assert week.parse_week("9999-12-31", date(2026, 9, 16)) == date(2026, 9, 14)
    assert week.row_minutes(30) == 30 and week.row_minutes(5) == 30 and week.row_minutes(7) == 35
    assert week.default_length({"slot_minutes": 30, "min_minutes": 60}) == 60
    assert week.default_length({"slot_minutes": 30, "min_minutes": 45}) == 60
    assert week.default_length({"slot_minutes": 60, "min_minutes": 0}) == 60
    hours = [{"weekday": 0, "start": "08:15", "end": "17:40"}]
    assert week.shown_minutes(hours, 30, [], TZ) == (8 * 60, 18 * 60)
    late = [(local("2026-09-14", "19:00"), local("2026-09-14", "21:00"))]
    assert week.shown_minutes(hours, 30, late, TZ) == (8 * 60, 21 * 60)
    assert week.shown_minutes([], 30, [], TZ) == (0, 24 * 60)
    assert week.holiday_name(date(2026, 10, 1), chinese=True) == "国庆节"
    assert week.holiday_name(date(2026, 10, 1), chinese=False) == "National Day"
    assert week.holiday_name(date(2026, 9, 22), chinese=True) is None


# --- the calendar ------------------------------------------------------------------------------------

def test_calendar_shows_free_busy_mine_downtime_and_closed_time(client, world):
    bobs = add_booking(world, "bob", local("2026-09-15", "10:00"), local("2026-09-15", "11:00"))
    mine = add_booking(world, "alice", local("2026-09-15", "14:00"), local("2026-09-15", "15:00"), status="pending")
    db.session.add(Downtime(instrument_id=world["instrument"].id, start=local("2026-09-16", "09:00"),
                            end=local("2026-09-16", "12:00"), reason="维护"))
    db.session.commit()
    login(client, world, "alice")
    r = client.get(f"/instruments/{world['instrument'].id}/calendar")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    cal = read_calendar(html)
    assert cal.cells[("2026-09-14", "08:30")]["state"] == "past"
    free = cal.cells[("2026-09-14", "09:00")]
    assert free["state"] == "free"
    assert free["href"] == (f"/instruments/{world['instrument'].id}/book"
                            "?start=2026-09-14T09:00&end=2026-09-14T09:30")
    assert {cal.cells[("2026-09-15", t)]["state"] for t in ("10:00", "10:30")} == {"busy"}
    assert cal.cells[("2026-09-15", "11:00")]["state"] == "free"
    assert cal.cells[("2026-09-15", "14:00")] == {"state": "mine", "href": f"/bookings/{mine.id}"}
    assert cal.cells[("2026-09-15", "14:30")]["state"] == "mine"
    assert cal.cells[("2026-09-16", "11:30")]["state"] == "downtime"
    assert cal.cells[("2026-09-19", "10:00")]["state"] == "closed"   # an ordinary Saturday
    assert ("2026-09-14", "07:30") not in cal.cells and ("2026-09-14", "18:00") not in cal.cells
    assert world["bob"].name not in html and str(bobs.id) not in re.findall(r"/bookings/(\d+)", html)
    assert "today" in cal.days["2026-09-14"]["classes"]
    assert f"week=2026-09-07" in html and f"week=2026-09-21" in html
    assert "booking-rules" in html


def test_calendar_labels_holidays_and_make_up_working_days(client, world):
    login(client, world, "alice")
    path = f"/instruments/{world['instrument'].id}/calendar"
    cal = read_calendar(client.get(path, query_string={"week": "2026-10-01"}).get_data(as_text=True))
    national_day = cal.days["2026-10-01"]
    assert national_day["kind"] == "holiday" and "国庆节" in national_day["text"]
    assert "closed-day" in national_day["classes"]
    assert cal.cells[("2026-10-01", "10:00")]["state"] == "closed"
    assert cal.days["2026-09-28"]["kind"] == "normal"

    cal = read_calendar(client.get(path).get_data(as_text=True))
    make_up = cal.days["2026-09-20"]  # a Sunday worked for the National Day break
    assert make_up["kind"] == "makeup" and "closed-day" not in make_up["classes"]
    assert cal.cells[("2026-09-20", "10:00")]["state"] == "free"  # open with weekday hours
    assert cal.cells[("2026-09-19", "10:00")]["state"] == "closed"

    client.set_cookie("lang", "en")
    html = client.get(path, query_string={"week": "2026-10-05"}).get_data(as_text=True)
    cal = read_calendar(html)
    assert "National Day" in cal.days["2026-10-05"]["text"]
    assert cal.days["2026-10-10"]["kind"] == "makeup" and "Make-up working day" in cal.days["2026-10-10"]["text"]


def test_calendar_of_an_instrument_open_on_holidays(client, world):
    set_rules(world, closed_on_holidays=False, horizon_days=30)
    login(client, world, "alice")
    cal = read_calendar(client.get(f"/instruments/{world['instrument'].id}/calendar?week=2026-09-28")
                        .get_data(as_text=True))
    assert cal.days["2026-10-01"]["kind"] == "holiday" and "国庆节" in cal.days["2026-10-01"]["text"]
    assert cal.cells[("2026-10-01", "10:00")]["state"] == "free"


def test_calendar_states_rules_in_plain_words(client, world):
    set_rules(world, approval="manager", slot_minutes=60, min_minutes=60, max_minutes=240, lead_minutes=120,
              buffer_minutes=30, requires_qualification=True, cancel_deadline_minutes=1440,
              open_hours=[{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)])
    login(client, world, "alice")
    client.set_cookie("lang", "en")
    html = client.get(f"/instruments/{world['instrument'].id}/calendar").get_data(as_text=True)
    for words in ("Needs the manager&#39;s approval", "Mon–Fri 09:00–17:00", "grid of 1 hour",
                  "From 1 hour to 4 hours", "At least 2 hours before the start", "Up to 14 days ahead",
                  "Until 1 day before the start", "requires a valid qualification", "30 minutes kept free"):
        assert words in html, words
    cal = read_calendar(html)
    assert ("2026-09-14", "08:00") not in cal.cells and ("2026-09-14", "16:00") in cal.cells
    assert cal.cells[("2026-09-14", "10:00")]["state"] == "unavailable"  # inside the two hours' notice
    assert cal.cells[("2026-09-14", "11:00")]["state"] == "free"
    assert cal.cells[("2026-09-14", "11:00")]["href"].endswith("start=2026-09-14T11:00&end=2026-09-14T12:00")


def test_calendar_for_a_user_the_instrument_is_not_open_to(client, world):
    instrument = db.session.get(Instrument, world["instrument"].id)
    instrument.share_mode = "internal"
    db.session.commit()
    login(client, world, "bob")
    html = client.get(f"/instruments/{world['instrument'].id}/calendar").get_data(as_text=True)
    assert 'id="closed-reason"' in html and 'id="book-link"' not in html
    assert "free" not in {c["state"] for c in read_calendar(html).cells.values()}
    page = book_form(client, world)
    assert 'id="closed-reason"' in page and 'id="booking-form"' not in page
    r = post_booking(client, world, "2026-09-15T10:00", "2026-09-15T11:00", token=csrf_token(page))
    assert problem_codes(r.get_data(as_text=True)) == ["instrument_unavailable"] and bookings_count() == 0


def test_unknown_instrument_pages_are_404(client, world):
    login(client, world, "alice")
    assert client.get("/instruments/99999/calendar").status_code == 404
    assert client.get("/instruments/99999/book").status_code == 404


# --- the booking form --------------------------------------------------------------------------------

def test_booking_form_is_prefilled_from_the_calendar(client, world):
    login(client, world, "alice")
    html = book_form(client, world, start="2026-09-15T10:00", end="2026-09-15T10:30")
    for name, value in (("start_date", "2026-09-15"), ("start_time", "10:00"), ("end_date", "2026-09-15"),
                        ("end_time", "10:30")):
        assert re.search(rf'name="{name}"[^>]*value="{value}"', html), name
    html = book_form(client, world, start="2026-09-15T23:30")  # no end: one slot, past midnight
    assert re.search(r'name="end_date"[^>]*value="2026-09-16"', html)
    assert re.search(r'name="end_time"[^>]*value="00:00"', html)
    assert 'name="start_date"' in book_form(client, world, start="garbage")


def test_booking_is_confirmed_and_shown(client, world):
    login(client, world, "alice")
    r = post_booking(client, world, "2026-09-15T10:00", "2026-09-15T11:30")
    assert r.status_code == 302
    booking = db.session.scalar(select(Booking))
    assert r.location == f"/bookings/{booking.id}"
    assert booking.status == "confirmed" and booking.purpose == "晶体结构测定" and booking.mode == "self"
    assert booking.start == local("2026-09-15", "10:00") and booking.end == local("2026-09-15", "11:30")
    html = client.get(r.location).get_data(as_text=True)
    assert 'id="booking-status"' in html and 'data-status="confirmed"' in html and "alert-success" in html
    assert "2026-09-15 10:00" in html and "11:30" in html and "晶体结构测定" in html
    assert 'id="cancel-deadline"' in html and "2026-09-15 09:00" in html  # 60 minutes before


def test_booking_needing_approval_is_pending(client, world):
    set_rules(world, approval="manager")
    login(client, world, "alice")
    r = post_booking(client, world, "2026-09-15T10:00", "2026-09-15T11:00", mode="sample", samples="3")
    html = client.get(r.location).get_data(as_text=True)
    assert 'data-status="pending"' in html and "alert-info" in html
    booking = db.session.scalar(select(Booking))
    assert booking.status == "pending" and booking.mode == "sample" and booking.sample_count == 3


def test_refusal_lists_every_problem_and_keeps_the_input(client, world):
    login(client, world, "alice")
    # Off the 30-minute grid, past the 18:00 closing and longer than eight hours, all at once.
    r = post_booking(client, world, "2026-09-15T17:15", "2026-09-16T02:00", purpose="粉末衍射")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert problem_codes(html) == ["off_grid", "duration_out_of_range", "outside_open_hours"]
    assert "30" in html and "480" in html  # the rules' numbers in the messages
    assert re.search(r'name="start_time"[^>]*value="17:15"', html)
    assert re.search(r'name="end_date"[^>]*value="2026-09-16"', html)
    assert "粉末衍射</textarea>" in html
    assert bookings_count() == 0


def test_missing_purpose_is_shown_together_with_the_rules_broken(client, world):
    login(client, world, "alice")
    r = post_booking(client, world, "2026-09-30T10:00", "2026-09-30T10:45", purpose="  ")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and INVALID.format("purpose") in html
    assert problem_codes(html) == ["outside_booking_window", "off_grid"]  # beyond 14 days, 10:45
    assert bookings_count() == 0


def test_purpose_is_limited_and_samples_are_counted(client, world):
    login(client, world, "alice")
    r = post_booking(client, world, "2026-09-15T10:00", "2026-09-15T11:00", purpose="长" * 501)
    assert r.status_code == 200 and INVALID.format("purpose") in r.get_data(as_text=True)
    r = post_booking(client, world, "2026-09-15T10:00", "2026-09-15T11:00", mode="sample")
    assert r.status_code == 200 and INVALID.format("sample_count") in r.get_data(as_text=True)
    r = post_booking(client, world, "2026-09-15T10:00", "2026-09-15T11:00", purpose="")
    html = r.get_data(as_text=True)
    assert INVALID.format("purpose") in html and problem_codes(html) == []  # the time itself is fine
    assert bookings_count() == 0


def test_conflict_and_qualification_are_listed(client, world):
    add_booking(world, "bob", local("2026-09-15", "10:00"), local("2026-09-15", "11:00"))
    set_rules(world, requires_qualification=True)
    login(client, world, "alice")
    r = post_booking(client, world, "2026-09-15T10:30", "2026-09-15T11:30")
    assert r.status_code == 200  # a page, not a bare 403, although not_qualified is a 403 in the API
    assert problem_codes(r.get_data(as_text=True)) == ["not_qualified", "booking_conflict"]
    assert bookings_count() == 1


def test_booking_form_needs_login_and_csrf(client, world):
    assert client.get(f"/instruments/{world['instrument'].id}/book").status_code == 302
    assert client.get("/bookings").status_code == 302
    login(client, world, "alice")
    r = client.post(f"/instruments/{world['instrument'].id}/book", data={
        "start_date": "2026-09-15", "start_time": "10:00", "end_date": "2026-09-15", "end_time": "11:00",
        "mode": "self", "purpose": "XRD"})
    assert r.status_code == 400 and bookings_count() == 0


# --- my bookings, one booking, cancel, check in and out ----------------------------------------------

def test_my_bookings_upcoming_first_then_past_with_filter_and_pages(client, world):
    past = add_booking(world, "alice", local("2026-09-07", "10:00"), local("2026-09-07", "11:00"), status="completed")
    older = add_booking(world, "alice", local("2026-09-01", "10:00"), local("2026-09-01", "11:00"), status="cancelled")
    later = add_booking(world, "alice", local("2026-09-18", "10:00"), local("2026-09-18", "11:00"))
    soon = add_booking(world, "alice", local("2026-09-15", "10:00"), local("2026-09-15", "11:00"), status="pending")
    add_booking(world, "bob", local("2026-09-16", "10:00"), local("2026-09-16", "11:00"))
    login(client, world, "alice")
    html = client.get("/bookings").get_data(as_text=True)
    order = [int(n) for n in re.findall(r'<tr id="booking-(\d+)"', html)]
    assert order == [soon.id, later.id, past.id, older.id]
    assert re.findall(r'data-section="(\w+)"', html) == ["upcoming", "past"]
    row = html[html.index(f'id="booking-{soon.id}"'):html.index(f'id="booking-{later.id}"')]
    assert "2026-09-15 09:00" in row and "cancel-button" in row  # the deadline; still cancellable
    past_row = html[html.index(f'id="booking-{past.id}"'):html.index(f'id="booking-{older.id}"')]
    assert "cancel-button" not in past_row
    html = client.get("/bookings?status=cancelled").get_data(as_text=True)
    assert [int(n) for n in re.findall(r'<tr id="booking-(\d+)"', html)] == [older.id]
    assert client.get("/bookings?status=bogus").status_code == 200

    for n in range(20):
        day = (local("2026-08-01", "10:00") + timedelta(days=n))
        add_booking(world, "alice", day, day + timedelta(hours=1), status="completed")
    first = client.get("/bookings").get_data(as_text=True)
    second = client.get("/bookings?page=2").get_data(as_text=True)
    assert len(re.findall(r'<tr id="booking-', first)) == 20 and len(re.findall(r'<tr id="booking-', second)) == 4


def test_cancel_on_the_page_until_the_deadline(client, world, clock):
    first = add_booking(world, "alice", local("2026-09-15", "10:00"), local("2026-09-15", "11:00"))
    second = add_booking(world, "alice", local("2026-09-14", "11:00"), local("2026-09-14", "12:00"))
    login(client, world, "alice")
    page = client.get(f"/bookings/{first.id}/cancel")
    assert page.status_code == 200 and 'name="reason"' in page.get_data(as_text=True)
    r = client.post(f"/bookings/{first.id}/cancel", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "reason": "样品未到", "next": "/bookings"})
    assert r.status_code == 302 and r.location == "/bookings"
    first = db.session.get(Booking, first.id)
    assert first.status == "cancelled" and first.reason == "样品未到" and first.decided_by == world["alice"].id

    clock.move_to(local("2026-09-14", "10:30"))  # 30 minutes before the second one: past the deadline
    html = client.get(f"/bookings/{second.id}").get_data(as_text=True)
    assert 'id="cancel-booking"' not in html
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        r = client.post(f"/bookings/{second.id}/cancel", data={"csrf_token": csrf_token(html), "next": elsewhere})
        assert r.location == f"/bookings/{second.id}", elsewhere
    assert "alert-danger" in client.get(r.location).get_data(as_text=True)
    assert db.session.get(Booking, second.id).status == "confirmed"


def test_check_in_and_out_on_the_pages(client, world, clock):
    login(client, world, "alice")
    r = post_booking(client, world, "2026-09-14T10:00", "2026-09-14T11:00")
    booking_id = int(r.location.rsplit("/", 1)[1])
    html = client.get(r.location).get_data(as_text=True)
    assert 'id="check-in-opens"' in html and "2026-09-14 09:45" in html and 'id="check-in"' not in html
    r = client.post(f"/bookings/{booking_id}/check-in", data={"csrf_token": csrf_token(html)})
    assert r.status_code == 302 and db.session.get(Booking, booking_id).checked_in_at is None  # too early

    clock.move_to(local("2026-09-14", "09:50"))
    html = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert 'id="check-in"' in html
    listing = client.get("/bookings").get_data(as_text=True)
    assert "check-in-button" in listing
    client.post(f"/bookings/{booking_id}/check-in", data={"csrf_token": csrf_token(html), "next": "/bookings"})
    assert db.session.get(Booking, booking_id).checked_in_at == local("2026-09-14", "09:50")

    clock.move_to(local("2026-09-14", "10:55"))
    html = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert 'id="check-out-form"' in html and 'id="checked-in-at"' in html
    assert client.post(f"/bookings/{booking_id}/check-out", data={"purpose": "teaching"}).status_code == 400
    r = client.post(f"/bookings/{booking_id}/check-out", data={"csrf_token": csrf_token(html), "purpose": "teaching"})
    assert r.location == f"/bookings/{booking_id}"
    booking = db.session.get(Booking, booking_id)
    assert booking.status == "completed" and booking.checked_out_at == local("2026-09-14", "10:55")
    log = db.session.scalar(select(UsageLog).where(UsageLog.booking_id == booking_id))
    assert log.purpose == "teaching" and log.source == "checkin" and not log.is_external
    html = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert 'data-status="completed"' in html and 'id="booking-usage"' in html and 'id="checked-out-at"' in html


def test_booking_pages_follow_the_services_scoping(client, world):
    booking = add_booking(world, "alice", local("2026-09-15", "10:00"), local("2026-09-15", "11:00"))
    path = f"/bookings/{booking.id}"
    for who, status in (("bob", 404), ("other_manager", 404), ("manager", 200), ("evaluator", 200),
                        ("alice", 200)):
        client.delete_cookie("session")
        login(client, world, who)
        assert client.get(path).status_code == status, who
    assert client.get("/bookings/99999").status_code == 404

    client.delete_cookie("session")
    login(client, world, "manager")
    html = client.get(path).get_data(as_text=True)
    assert 'id="booking-user"' in html and world["alice"].name in html and 'id="cancel-booking"' not in html
    assert f'id="booking-{booking.id}"' not in client.get("/bookings").get_data(as_text=True)  # not theirs

    client.delete_cookie("session")
    login(client, world, "bob")
    token = csrf_token(client.get("/bookings").get_data(as_text=True))
    for action in ("cancel", "check-in", "check-out"):
        assert client.post(f"{path}/{action}", data={"csrf_token": token}).status_code == 404, action
    assert client.get(f"{path}/cancel").status_code == 404
    assert db.session.get(Booking, booking.id).status == "confirmed"


def test_action_buttons_need_csrf(client, world):
    booking = add_booking(world, "alice", local("2026-09-15", "10:00"), local("2026-09-15", "11:00"))
    login(client, world, "alice")
    for action in ("cancel", "check-in", "check-out"):
        assert client.post(f"/bookings/{booking.id}/{action}", data={"reason": "x"}).status_code == 400, action
    assert db.session.get(Booking, booking.id).status == "confirmed"


def test_utc_storage_round_trip_in_the_calendar(client, world):
    """A booking stored in UTC lands in the right local row (08:00 Shanghai is 00:00 UTC)."""
    start = datetime(2026, 9, 15, 0, 0, tzinfo=timezone.utc)
    add_booking(world, "bob", start, start + timedelta(minutes=30))
    login(client, world, "alice")
    cal = read_calendar(client.get(f"/instruments/{world['instrument'].id}/calendar").get_data(as_text=True))
    assert cal.cells[("2026-09-15", "08:00")]["state"] == "busy"
    assert cal.cells[("2026-09-15", "08:30")]["state"] == "free"
