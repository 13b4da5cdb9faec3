"""The approval queue clicked through in a real Chromium: a manager approves and rejects requests."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from bookings import services
from bookings.models import Booking
from instruments.models import Instrument
from sharing.extensions import db
from sharing.timeutil import platform_tz
from tests.browser import screenshot
from tests.helpers import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser
LOGOUT_BUTTON = "nav form[action='/logout'] button"
ALWAYS_OPEN = {"approval": "manager", "closed_on_holidays": False, "open_hours": []}


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#login-form input[name=email]").fill(email)
    page.locator("#login-form input[name=password]").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()


def tomorrow_at(hour: int) -> datetime:
    """A time relative to the real clock (the live server is not frozen): tomorrow, local time."""
    day = datetime.now(platform_tz()).date() + timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=platform_tz())


def request_booking(researcher, instrument, hour: int, **extra) -> int:
    start = tomorrow_at(hour)
    payload = {"instrument_id": instrument.id, "start": start.isoformat(),
               "end": (start + timedelta(hours=1)).isoformat(), **extra}
    return services.create_booking(researcher, payload).id


def test_manager_approves_a_sample_submission_and_rejects_another_request(app, page):
    with app.app_context():
        owner = make_unit(name="东北大学", city="沈阳")
        other = make_unit(name="大连理工大学", city="大连")
        make_user(owner, roles=("manager",), email="manager@example.org", name="王经理")
        researcher = make_user(other, email="researcher@example.org", name="赵研究员")
        instrument = Instrument(unit_id=owner.id, inner_id="XRD-1", name="X射线衍射仪", model="D8 ADVANCE",
                                manufacturer="布鲁克", category_code="010101", price_cny=2_600_000,
                                booking_rules=ALWAYS_OPEN)
        db.session.add(instrument)
        db.session.commit()
        submission = request_booking(researcher, instrument, 10, mode="sample", sample_count=5,
                                     purpose="锂电正极材料粉末物相分析")
        other_request = request_booking(researcher, instrument, 14, mode="self", purpose="薄膜织构测试")
        assert db.session.get(Booking, submission).status == "pending"

    log_in(page, "manager@example.org")
    page.goto("/manage/bookings")
    rows = page.locator("#queue-table tbody tr[id^=booking-]")
    expect(rows).to_have_count(2)
    first = page.locator(f"#booking-{submission}")
    expect(rows.first).to_have_id(f"booking-{submission}")  # the earlier start comes first
    expect(first).to_contain_text("X射线衍射仪")
    expect(first).to_contain_text("赵研究员")
    expect(first).to_contain_text("大连理工大学")
    expect(first).to_contain_text("锂电正极材料粉末物相分析")
    expect(first).to_contain_text(tomorrow_at(10).strftime("%Y-%m-%d 10:00"))
    expect(page.locator("#count-pending")).to_have_text("2")
    expect(page.locator(f"#reason-{submission}")).to_be_hidden()
    shot = screenshot(page, "booking-approval-queue.png")
    assert shot.stat().st_size > 10_000

    page.locator(f"#approve-{submission}").click()
    expect(page).to_have_url(re.compile(r"/manage/bookings$"))
    expect(page.locator(".alert-success")).to_contain_text("赵研究员")
    expect(page.locator(f"#booking-{submission}")).to_have_count(0)
    expect(page.locator("#count-pending")).to_have_text("1")
    with app.app_context():
        booking = db.session.get(Booking, submission)
        assert booking.status == "confirmed" and booking.decided_by is not None

    page.locator("#tab-confirmed").click()
    expect(page).to_have_url(re.compile(r"tab=confirmed"))
    expect(page.locator(f"#booking-{submission}")).to_be_visible()
    page.locator("#tab-pending").click()

    # Rejecting opens the reason form in place; the reason is required.
    page.locator(f"#reject-{other_request}").click()
    reason_row = page.locator(f"#reason-{other_request}")
    expect(reason_row).to_be_visible()
    expect(page).to_have_url(re.compile(r"/manage/bookings$"))  # still the queue, not the small page
    page.locator(f"#reason-input-{other_request}").fill("该时段安排了仪器校准，请改约后天")
    screenshot(page, "booking-approval-reject.png")
    page.locator(f"#confirm-reason-{other_request}").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#queue-empty")).to_be_visible()
    with app.app_context():
        rejected = db.session.get(Booking, other_request)
        assert rejected.status == "rejected" and rejected.reason == "该时段安排了仪器校准，请改约后天"
