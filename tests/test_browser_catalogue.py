"""The catalogue clicked through in a real Chromium: register, search, read, import."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from instruments.models import Instrument
from sharing.extensions import db
from tests.browser import screenshot
from tests.helpers import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser
SERVER_WAIT = {"timeout": 15_000}  # for answers of the server (expect's own default is 5 s)

LOGOUT_BUTTON = "nav form[action='/logout'] button"


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#login-form input[name=email]").fill(email)
    page.locator("#login-form input[name=password]").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()


def test_manager_registers_and_a_researcher_of_another_unit_finds_it(app, page):
    with app.app_context():
        owner = make_unit(name="东北大学", short_name="东大", city="沈阳")
        other = make_unit(name="大连理工大学", short_name="大工", city="大连")
        make_user(owner, roles=("manager",), email="manager@example.org", name="王经理")
        make_user(other, email="researcher@example.org", name="赵研究员")

    # The manager registers the instrument through the form.
    log_in(page, "manager@example.org")
    page.locator("#nav-instruments").click()
    expect(page).to_have_url(re.compile(r"/instruments$"))
    page.locator("#new-instrument").click()
    expect(page).to_have_url(re.compile(r"/instruments/new$"))
    form = page.locator("#instrument-form")
    expect(form.locator("#form-unit")).to_have_text("东北大学")
    for name, value in {
        "inner_id": "DB-2023-0815", "name": "场发射透射电子显微镜", "name_en": "Field Emission Transmission Electron Microscope",
        "model": "JEM-F200", "manufacturer": "日本电子株式会社", "country": "日本", "price_cny": "8500000",
        "location": "沈阳市和平区文化路3号巷11号 分析测试中心 101", "contact_name": "王老师",
        "contact_phone": "024-83687000", "contact_email": "tem@example.edu.cn",
        "fee_internal": "300", "fee_external": "600", "fee_sample_external": "800",
    }.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=specs]").fill("点分辨率 0.23 nm；线分辨率 0.1 nm；加速电压 80–200 kV")
    form.locator("[name=commission_date]").fill("2023-09-15")
    form.locator("select[name=category_code]").select_option("010101")
    expect(form.locator("select[name=category_code] option:checked")).to_have_text("010101 透射电镜")
    form.locator("select[name=rule_approval]").select_option("manager")
    screenshot(page, "instrument-form.png")
    page.locator("#save-instrument").click()

    expect(page).to_have_url(re.compile(r"/instruments/\d+$"))
    expect(page.locator(".alert-success")).to_contain_text("场发射透射电子显微镜")
    expect(page.locator("#instrument-inner-id")).to_have_text("DB-2023-0815")  # the owner sees it
    with app.app_context():
        registered = db.session.scalar(select(Instrument).where(Instrument.inner_id == "DB-2023-0815"))
        assert registered.category_code == "010101" and registered.booking_rules["approval"] == "manager"
    page.locator(LOGOUT_BUTTON).click()

    # A researcher of another unit searches with a Chinese substring.
    log_in(page, "researcher@example.org")
    page.goto("/instruments")
    page.locator("#q").fill("透射")
    page.locator("#search-button").click()
    expect(page).to_have_url(re.compile(r"q=%E9%80%8F%E5%B0%84"))
    rows = page.locator("#instruments-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("场发射透射电子显微镜")
    expect(rows.first).to_contain_text("东大")
    expect(rows.first).to_contain_text("¥8,500,000.00")
    screenshot(page, "catalogue-search.png")

    rows.first.get_by_role("link", name="场发射透射电子显微镜").click()
    expect(page).to_have_url(re.compile(r"/instruments/\d+$"))
    expect(page.locator("#instrument-name")).to_have_text("场发射透射电子显微镜")
    expect(page.locator("#owner-unit")).to_have_text("东北大学")
    expect(page.locator("#fee-internal")).to_have_text("¥300.00")
    expect(page.locator("#fee-external")).to_have_text("¥600.00")
    expect(page.locator("#fees")).to_contain_text("¥800.00")
    expect(page.locator("#instrument-inner-id")).to_have_count(0)
    expect(page.locator("#history")).to_have_count(0)
    expect(page.locator("#edit-instrument")).to_have_count(0)
    assert "DB-2023-0815" not in page.content()
    screenshot(page, "instrument-page.png")


def test_manager_retires_an_instrument_in_the_dialog(app, page):
    with app.app_context():
        unit = make_unit(name="东北大学", city="沈阳")
        make_user(unit, roles=("manager",), email="manager@example.org")
        instrument = Instrument(unit_id=unit.id, inner_id="OLD-1", name="旧紫外分光光度计", model="UV-2450",
                                manufacturer="岛津", category_code="010401", price_cny=120000)
        db.session.add(instrument)
        db.session.commit()
        instrument_id = instrument.id

    log_in(page, "manager@example.org")
    page.goto(f"/instruments/{instrument_id}")
    page.locator("#retire-instrument").click()
    dialog = page.locator("#retire-dialog")
    expect(dialog).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/instruments/{instrument_id}$"))  # a dialog, not a new page
    dialog.locator("#confirm-retire").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#retire-instrument")).to_have_count(0)
    with app.app_context():
        assert db.session.get(Instrument, instrument_id).status == "retired"


IMPORT_CSV = (
    "所在单位仪器编号,仪器名称,英文名称,规格型号,生产制造商,产地国别,分类编码,原值（元）,启用日期,所在城市\n"
    "IMP-001,激光共聚焦显微镜,Confocal Microscope,LSM 980,卡尔蔡司,德国,010802,4200000,2022-05-10,沈阳\n"
    "IMP-002,核磁共振波谱仪,NMR Spectrometer,AVANCE NEO 600,布鲁克,德国,010601,9800000,2021-11-02,沈阳\n"
    "IMP-003,,Broken Row,X1,某厂,中国,010101,-5,2021-01-01,沈阳\n"
)


def test_import_checks_the_file_first_then_imports_the_valid_rows(app, page):
    if "/api/v1/instruments/import" not in {rule.rule for rule in app.url_map.iter_rules()}:
        pytest.skip("POST /api/v1/instruments/import is not there yet")
    with app.app_context():
        unit = make_unit(name="东北大学", city="沈阳")
        make_user(unit, roles=("manager",), email="manager@example.org")

    log_in(page, "manager@example.org")
    page.goto("/instruments")
    page.locator("#import-instruments").click()
    expect(page).to_have_url(re.compile(r"/instruments/import$"))

    with page.expect_download() as download:
        page.locator("#download-template").click()
    assert download.value.suggested_filename.endswith(".csv")

    page.locator("#import-file").set_input_files(
        {"name": "仪器.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode("utf-8-sig")})
    page.locator("#check-file").click()
    message = page.locator("#import-message")
    expect(message).to_be_visible(**SERVER_WAIT)
    errors = page.locator("#import-errors tbody tr")
    expect(errors.first).to_be_visible()
    assert all(row.locator("td").first.inner_text() == "4" for row in errors.all())  # the broken row
    expect(page.locator("#import-all")).to_be_disabled()
    expect(page.locator("#import-valid")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(select(func.count(Instrument.id))) == 0  # the check wrote nothing
    screenshot(page, "instrument-import-preview.png")

    page.locator("#import-valid").click()
    expect(page.locator("#import-done")).to_be_visible(**SERVER_WAIT)
    expect(message).to_have_class(re.compile("alert-success"))
    with app.app_context():
        names = set(db.session.scalars(select(Instrument.name)))
        assert names == {"激光共聚焦显微镜", "核磁共振波谱仪"}


def test_import_explains_an_unreadable_file(app, page):
    if "/api/v1/instruments/import" not in {rule.rule for rule in app.url_map.iter_rules()}:
        pytest.skip("POST /api/v1/instruments/import is not there yet")
    with app.app_context():
        make_user(make_unit(), roles=("manager",), email="manager@example.org")
    log_in(page, "manager@example.org")
    page.goto("/instruments/import")
    page.locator("#import-file").set_input_files(
        {"name": "broken.xlsx", "mimeType": "application/octet-stream", "buffer": b"this is not a workbook"})
    page.locator("#check-file").click()
    message = page.locator("#import-message")
    expect(message).to_have_class(re.compile("alert-danger"), **SERVER_WAIT)
    expect(message).not_to_be_empty()
    expect(page.locator("#import-preview")).to_be_hidden()


def test_import_refuses_a_file_over_the_size_limit(app, page):
    if "/api/v1/instruments/import" not in {rule.rule for rule in app.url_map.iter_rules()}:
        pytest.skip("POST /api/v1/instruments/import is not there yet")
    with app.app_context():
        make_user(make_unit(), roles=("manager",), email="manager@example.org")
    log_in(page, "manager@example.org")
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        page.goto("/instruments/import")
        big = {"name": "big.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode() * 20}
        page.locator("#import-file").set_input_files(big)
        page.locator("#check-file").click()  # refused in the page, before uploading
        message = page.locator("#import-message")
        expect(message).to_have_class(re.compile("alert-danger"))
        refusal = message.inner_text()
        assert refusal

        # The server's 413 gets the same words (the page's own check switched off).
        page.reload()
        page.evaluate("document.getElementById('instrument-import').dataset.maxBytes = '0'")
        page.locator("#import-file").set_input_files(big)
        with page.expect_response(re.compile(r"/api/v1/instruments/import\?")) as answer:
            page.locator("#check-file").click()
        assert answer.value.status == 413
        expect(message).to_have_class(re.compile("alert-danger"), **SERVER_WAIT)
        expect(message).to_have_text(refusal)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit


def test_import_shows_upload_progress_and_the_seconds_the_server_works(app, page, monkeypatch):
    if "/api/v1/instruments/import" not in {rule.rule for rule in app.url_map.iter_rules()}:
        pytest.skip("POST /api/v1/instruments/import is not there yet")
    import time

    from instruments import transfer_api

    real_import = transfer_api.import_instruments

    def slow_import(*args, **kwargs):  # a big file: the server needs a while
        time.sleep(4)
        return real_import(*args, **kwargs)

    monkeypatch.setattr(transfer_api, "import_instruments", slow_import)
    with app.app_context():
        make_user(make_unit(), roles=("manager",), email="manager@example.org")
    log_in(page, "manager@example.org")
    page.goto("/instruments/import")
    page.locator("#import-file").set_input_files(
        {"name": "仪器.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode("utf-8")})
    page.locator("#check-file").click()
    expect(page.locator("#check-file")).to_be_disabled()
    expect(page.locator("#upload-bar")).to_have_text("100%")
    expect(page.locator("#processing")).to_be_visible()
    expect(page.locator("#processing-text")).to_contain_text(re.compile(r"\b[23]\b"))  # seconds while waiting
    screenshot(page, "instrument-import-processing.png")
    expect(page.locator("#processing")).to_be_hidden(**SERVER_WAIT)
    expect(page.locator("#import-message")).to_be_visible()
    expect(page.locator("#check-file")).to_be_enabled()
