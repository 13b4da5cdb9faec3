"""Accounts and units clicked through in a real Chromium, as a person would."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from sharing.accounts.models import User
from sharing.extensions import db
from sharing.units.models import Unit
from tests.browser import screenshot
from tests.helpers import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser

UNITS_LINK = "nav a.nav-link[href='/units']"
LOGOUT_BUTTON = "nav form[action='/logout'] button"


def log_in(page, email: str, password: str = PASSWORD, *, navigate: bool = True) -> None:
    if navigate:
        page.goto("/login")
    page.locator("#login-form input[name=email]").fill(email)
    page.locator("#login-form input[name=password]").fill(password)
    page.locator("#login-form button[type=submit]").click()


def test_admin_logs_in_switches_to_english_and_creates_a_unit(app, page):
    with app.app_context():
        home_unit = make_unit(name="东北大学", short_name="东大", city="沈阳")
        admin = make_user(home_unit, roles=("admin",), email="admin@example.org", name="管理员")
        admin_id = admin.id

    # Chinese by default, on the login page and after logging in.
    page.goto("/login")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_contain_text("登录")
    log_in(page, "admin@example.org", navigate=False)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.locator("nav")).to_contain_text("管理员")  # the signed-in user's name
    expect(page.locator("nav")).to_contain_text("单位")

    # The language menu is a Bootstrap dropdown: the choice appears only once it is opened.
    expect(page.locator("#lang-en")).to_be_hidden()
    page.locator("#lang-menu").click()
    page.locator("#lang-en").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/$"))  # back where we were
    expect(page.locator("nav")).to_contain_text("Log out")
    with app.app_context():
        assert db.session.get(User, admin_id).locale == "en"  # remembered for next time

    # Own profile from the navbar.
    page.locator("nav").get_by_role("link", name="管理员").click()
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.locator("#profile-facts")).to_contain_text("admin@example.org")

    # The units list from the navbar shows the unit created above.
    page.locator(UNITS_LINK).click()
    expect(page).to_have_url(re.compile(r"/units$"))
    expect(page.locator("h1")).to_have_text("Member units")
    table = page.locator("#units-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr").first).to_contain_text("东北大学")

    # A new unit through the form.
    page.locator("#new-unit").click()
    expect(page).to_have_url(re.compile(r"/units/new$"))
    page.locator("input[name=name]").fill("中国科学院金属研究所")
    page.locator("input[name=short_name]").fill("金属所")
    page.locator("select[name=kind]").select_option("institute")
    page.locator("input[name=city]").fill("沈阳")
    page.locator("input[name=in_cluster]").check()
    page.locator("input[name=credit_code]").fill("91210100MA0Y4R2K5W")
    page.locator("main form[method=post] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/units$"))
    expect(page.locator(".alert-success")).to_contain_text("中国科学院金属研究所")
    expect(table.locator("tbody tr")).to_have_count(2)
    new_row = table.locator("tbody tr", has_text="中国科学院金属研究所")
    expect(new_row).to_contain_text("金属所")
    expect(new_row).to_contain_text("Research institute")
    expect(new_row).to_contain_text("Yes")
    screenshot(page, "units-page.png")
    with app.app_context():
        created = db.session.scalar(select(Unit).where(Unit.name == "中国科学院金属研究所"))
        assert created is not None
        assert (created.kind, created.city, created.in_cluster, created.credit_code) == (
            "institute", "沈阳", True, "91210100MA0Y4R2K5W")

    # And back to Chinese on the same page.
    page.locator("#lang-menu").click()
    page.locator("#lang-zh").click()
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_url(re.compile(r"/units\??$"))
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(page.locator("h1")).to_contain_text("单位")
    screenshot(page, "units-page-zh.png")

    # Log out: back on the login page, still in Chinese, and the units page is closed again.
    page.locator(LOGOUT_BUTTON).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_contain_text("登录")
    expect(page.locator(".alert")).to_be_visible()  # "You have logged out."
    page.goto("/units")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Funits"))


def test_researcher_has_no_units_link_and_gets_403(app, page):
    with app.app_context():
        unit = make_unit()
        make_user(unit, roles=("researcher",), email="researcher@example.org")

    log_in(page, "researcher@example.org")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()
    expect(page.locator(UNITS_LINK)).to_have_count(0)

    response = page.goto("/units")
    assert response.status == 403
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("403")
    expect(page.locator("#error-message")).to_be_visible()
    expect(page.locator("#error-message")).not_to_be_empty()
    expect(page.locator("#units-table")).to_have_count(0)


def test_wrong_password_stays_on_login_page_with_an_error(app, page):
    with app.app_context():
        make_user(make_unit(), email="someone@example.org")

    log_in(page, "someone@example.org", "not-the-password")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    error = page.locator(".alert-danger[role=alert]")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("#login-form input[name=email]")).to_have_value("someone@example.org")
    expect(page.locator("#login-form input[name=password]")).to_have_value("")
    expect(page.locator(LOGOUT_BUTTON)).to_have_count(0)
    expect(page.locator("h1")).to_contain_text("登录")

    # Not logged in: the start page sends us back to the login page.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
