"""The usage ledger clicked through in a real Chromium: a manager records a use by hand, the
researcher rates the service."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bookings.ledger_models import Rating
from bookings.models import UsageLog
from instruments.models import Instrument
from sharing.extensions import db
from sharing.timeutil import platform_tz
from tests.browser import screenshot
from tests.helpers import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser
LOGOUT_BUTTON = "nav form[action='/logout'] button"


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#login-form input[name=email]").fill(email)
    page.locator("#login-form input[name=password]").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()


def yesterday_at(hour: int) -> datetime:
    """A time relative to the real clock (the live server is not frozen): yesterday, local time."""
    day = datetime.now(platform_tz()).date() - timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=platform_tz())


def test_manager_records_a_use_and_the_researcher_rates_it(app, page):
    with app.app_context():
        owner = make_unit(name="东北大学", city="沈阳")
        other = make_unit(name="大连理工大学", city="大连")
        make_user(owner, roles=("manager",), email="manager@example.org", name="王经理")
        make_user(other, email="researcher@example.org", name="赵研究员")
        instrument = Instrument(unit_id=owner.id, inner_id="XRD-1", name="X射线衍射仪", model="D8 ADVANCE",
                                manufacturer="布鲁克", category_code="010101", price_cny=2_600_000,
                                fee_internal=100, fee_external=250)
        db.session.add(instrument)
        db.session.commit()
        instrument_id = instrument.id

    log_in(page, "manager@example.org")
    page.goto(f"/instruments/{instrument_id}")
    page.locator("#instrument-usage").click()
    expect(page).to_have_url(re.compile(rf"/manage/instruments/{instrument_id}/usage$"))
    expect(page.locator("#usage-empty")).to_be_visible()
    page.locator("#new-usage").click()

    form = page.locator("#usage-form")
    form.locator("input[name=email]").fill("researcher@example.org")
    form.locator("input[name=start]").fill(yesterday_at(9).strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=end]").fill(yesterday_at(11).strftime("%Y-%m-%dT%H:%M"))
    form.locator("select[name=service_way]").select_option("guided")
    form.locator("textarea[name=comment]").fill("上机指导：物相分析")
    screenshot(page, "usage-manual-entry.png")
    page.locator("#save-usage").click()

    expect(page).to_have_url(re.compile(rf"/manage/instruments/{instrument_id}/usage$"))
    expect(page.locator(".alert-success")).to_be_visible()
    rows = page.locator("#usage-table tbody tr[id^=usage-]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("赵研究员")
    expect(rows.first).to_contain_text(yesterday_at(9).strftime("%Y-%m-%d 09:00"))
    expect(rows.first.locator(".source-badge")).to_have_attribute("data-source", "manual")
    screenshot(page, "usage-ledger.png")
    with app.app_context():
        log = db.session.scalar(select(UsageLog).where(UsageLog.instrument_id == instrument_id))
        assert log.is_external and float(log.fee) == 500.0 and log.service_way == "guided"  # 2 h × 250
        log_id = log.id

    page.locator(LOGOUT_BUTTON).click()
    log_in(page, "researcher@example.org")
    page.locator("#nav-my-usage").click()
    expect(page.locator(f"#usage-{log_id}")).to_contain_text("X射线衍射仪")
    page.locator(f"#rate-{log_id}").click()
    page.locator("#rating-form input[name=score][value='5']").check()
    page.locator("#rating-form textarea[name=comment]").fill("指导耐心，数据质量高")
    page.locator("#submit-rating").click()

    expect(page).to_have_url(re.compile(r"/my/usage$"))
    expect(page.locator(f"#rating-{log_id} .rated")).to_have_attribute("data-score", "5")
    expect(page.locator(f"#rate-{log_id}")).to_have_count(0)
    screenshot(page, "usage-rated.png")
    with app.app_context():
        rating = db.session.get(Rating, log_id)
        assert rating.score == 5 and rating.comment == "指导耐心，数据质量高"
