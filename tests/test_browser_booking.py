"""Booking clicked through in a real Chromium: calendar → form → confirmed; the slot then busy for others.

The live server runs on the real clock, so the dates are next week's Monday and the instrument is
open every day 08:00–20:00, holidays included.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from bookings.models import Booking, Downtime
from instruments.models import Instrument
from sharing.accounts.models import User
from sharing.extensions import db
from tests.browser import screenshot
from tests.helpers import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")
LOGOUT_BUTTON = "nav form[action='/logout'] button"
RULES = {"approval": "auto", "open_hours": [{"weekday": d, "start": "08:00", "end": "20:00"} for d in range(7)],
         "closed_on_holidays": False, "slot_minutes": 60, "min_minutes": 60, "max_minutes": 240}


def next_monday() -> datetime:
    today = datetime.now(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#login-form input[name=email]").fill(email)
    page.locator("#login-form input[name=password]").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()


def make_world(app, downtime_on: datetime | None = None) -> int:
    with app.app_context():
        home = make_unit(name="东北大学", city="沈阳")
        other = make_unit(name="大连理工大学", city="大连")
        make_user(home, email="alice@example.org", name="李研究员")
        make_user(other, email="bob@example.org", name="赵研究员")
        instrument = Instrument(unit_id=home.id, inner_id="XRD-9", name="X射线单晶衍射仪", model="D8 VENTURE",
                                manufacturer="布鲁克", category_code="010101", price_cny=3_500_000,
                                share_mode="external", location="分析测试中心 203", booking_rules=RULES)
        db.session.add(instrument)
        db.session.commit()
        if downtime_on is not None:
            db.session.add(Downtime(instrument_id=instrument.id, start=downtime_on.replace(hour=14),
                                    end=downtime_on.replace(hour=16), reason="真空泵维护"))
            db.session.commit()
        return instrument.id


def test_book_a_free_slot_then_another_unit_sees_it_busy(app, page):
    monday = next_monday()
    instrument_id = make_world(app, downtime_on=monday + timedelta(days=1))
    day = monday.date().isoformat()
    calendar_url = f"/instruments/{instrument_id}/calendar?week={day}"
    slot = f"#week-calendar td[data-date='{day}'][data-time='10:00']"

    log_in(page, "alice@example.org")
    page.goto(calendar_url)
    expect(page.locator("#instrument-name")).to_have_text("X射线单晶衍射仪")
    expect(page.locator(slot)).to_have_attribute("data-state", "free")
    page.locator(f"{slot} a.slot-link").click()
    expect(page).to_have_url(re.compile(rf"/instruments/{instrument_id}/book\?start={day}T10:00"))
    form = page.locator("#booking-form")
    expect(form.locator("[name=start_date]")).to_have_value(day)
    expect(form.locator("[name=start_time]")).to_have_value("10:00")
    expect(form.locator("[name=end_time]")).to_have_value("11:00")
    expect(page.locator("#sample-count-group")).to_be_hidden()  # asked only for samples
    form.locator("input[name=mode][value=sample]").check()
    expect(page.locator("#sample-count-group")).to_be_visible()
    form.locator("input[name=mode][value=self]").check()
    form.locator("[name=purpose]").fill("单晶结构解析")
    page.locator("#submit-booking").click()

    expect(page).to_have_url(re.compile(r"/bookings/\d+$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#booking-status")).to_have_attribute("data-status", "confirmed")
    expect(page.locator("#booking-purpose")).to_have_text("单晶结构解析")
    screenshot(page, "booking-detail.png")
    with app.app_context():
        booking = db.session.scalar(db.select(Booking))
        assert booking.start == monday.replace(hour=10) and booking.end == monday.replace(hour=11)

    page.goto(calendar_url)
    expect(page.locator(slot)).to_have_attribute("data-state", "mine")
    screenshot(page, "booking-calendar.png")
    page.goto(f"/instruments/{instrument_id}/calendar?week=2026-09-28")  # the National Day week
    expect(page.locator("#week-calendar th[data-date='2026-10-01']")).to_contain_text("国庆节")
    screenshot(page, "booking-calendar-national-day.png")
    page.goto(f"/instruments/{instrument_id}/calendar?week=2026-09-14")
    expect(page.locator("#week-calendar th[data-date='2026-09-20']")).to_have_attribute("data-kind", "makeup")
    screenshot(page, "booking-calendar-make-up-day.png")
    page.locator(LOGOUT_BUTTON).click()

    # A researcher of another unit sees the time taken, without a name, and cannot have it.
    log_in(page, "bob@example.org")
    page.goto(calendar_url)
    expect(page.locator(slot)).to_have_attribute("data-state", "busy")
    expect(page.locator(f"{slot} a")).to_have_count(0)
    expect(page.locator("#week-calendar")).not_to_contain_text("李研究员")
    tuesday = (monday + timedelta(days=1)).date().isoformat()
    expect(page.locator(f"#week-calendar td[data-date='{tuesday}'][data-time='14:00']")).to_have_attribute(
        "data-state", "downtime")
    screenshot(page, "booking-calendar-other-unit.png")
    page.locator("#book-link").click()
    form = page.locator("#booking-form")
    form.locator("[name=start_date]").fill(day)
    form.locator("[name=start_time]").fill("10:00")
    form.locator("[name=end_date]").fill(day)
    form.locator("[name=end_time]").fill("11:00")
    form.locator("[name=purpose]").fill("对照样品测试")
    page.locator("#submit-booking").click()
    problems = page.locator("#booking-problems li")
    expect(problems).to_have_count(1)
    expect(problems.first).to_have_attribute("data-code", "booking_conflict")
    expect(problems.first).to_have_text("该时间与其他预约或停机时段冲突。")
    expect(form.locator("[name=purpose]")).to_have_value("对照样品测试")
    screenshot(page, "booking-form-conflict.png")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Booking.id))) == 1


def test_cancel_in_the_dialog_of_my_bookings(app, page):
    instrument_id = make_world(app)
    start = next_monday().replace(hour=14)
    with app.app_context():
        alice = db.session.scalar(db.select(User).where(User.email == "alice@example.org"))
        booking = Booking(instrument_id=instrument_id, user_id=alice.id, start=start, end=start + timedelta(hours=1),
                          block_end=start + timedelta(hours=1), status="confirmed", mode="self", purpose="测试")
        db.session.add(booking)
        db.session.commit()
        booking_id = booking.id

    log_in(page, "alice@example.org")
    page.goto("/bookings")
    row = page.locator(f"#booking-{booking_id}")
    expect(row).to_have_attribute("data-status", "confirmed")
    row.locator(".cancel-button").click()
    dialog = page.locator("#cancel-dialog")
    expect(dialog.locator("input[name=reason]")).to_be_focused()  # the dialog has finished opening
    screenshot(page, "my-bookings-cancel-dialog.png")
    expect(page).to_have_url(re.compile(r"/bookings$"))  # a dialog, not the confirmation page
    dialog.locator("input[name=reason]").fill("计划变更")
    dialog.locator(".confirm-cancel").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(f"#booking-{booking_id}")).to_have_attribute("data-status", "cancelled")
    with app.app_context():
        cancelled = db.session.get(Booking, booking_id)
        assert cancelled.status == "cancelled" and cancelled.reason == "计划变更"
