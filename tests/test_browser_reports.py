"""The report dashboard in a real Chromium: an evaluator picks a year, reads the totals and charts,
drills from a unit to an instrument to its usage records, and downloads the Excel file, whose
headers and totals are checked against the JSON API. A screenshot of the dashboard is kept in
test-artifacts/report-dashboard.png."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser import ARTIFACTS, screenshot
from tests.helpers import make_unit, make_user, token_for
from tests.test_browser_usage import log_in
from tests.test_sharing_report import add_instrument, add_log, at

pytestmark = pytest.mark.browser


def seed(app) -> dict:
    """Two units of a cluster, five instruments in scope and one below the threshold; 2025's ledger."""
    from sharing.extensions import db

    with app.app_context():
        neu = make_unit(name="东北大学", city="沈阳")
        dut = make_unit(name="大连理工大学", city="大连")
        lnu = make_unit(name="辽宁大学", city="沈阳")
        evaluator = make_user(lnu, roles=("evaluator",), email="evaluator@example.org", name="评估专家")
        alice = make_user(neu, email="alice@example.org", name="李研究员")
        bob = make_user(dut, email="bob@example.org", name="张工程师")
        xrd = add_instrument(neu, "XRD-1", "010101", 2_600_000, rated_hours=1400)
        sem = add_instrument(neu, "SEM-2", "010102", 3_100_000, rated_hours=800)
        nmr = add_instrument(neu, "NMR-3", "030101", 5_200_000, instrument_type="special")
        tem = add_instrument(dut, "TEM-1", "010101", 8_800_000, rated_hours=1000)
        icp = add_instrument(dut, "ICP-2", "020101", 900_000, rated_hours=1200)
        add_instrument(dut, "PH-9", "040101", 30_000)  # below the scope threshold
        names = {xrd: "X射线衍射仪", sem: "扫描电子显微镜", nmr: "核磁共振波谱仪", tem: "透射电子显微镜",
                 icp: "电感耦合等离子体质谱仪"}
        for instrument, name in names.items():
            instrument.name = name
        db.session.commit()
        for month in range(1, 13):  # XRD: 12 h internal and 10 h external a month, from the terminal
            add_log(xrd, alice, at(2025, month, 3, 8), at(2025, month, 3, 20), source="terminal")
            add_log(xrd, bob, at(2025, month, 10, 9), at(2025, month, 10, 19), external=True, fee=2500,
                    source="terminal")
        add_log(sem, bob, at(2025, 3, 31, 20), at(2025, 4, 1, 4), external=True, fee=1600)  # crosses months
        add_log(sem, alice, at(2025, 6, 5, 9), at(2025, 6, 5, 12), "teaching", source="manual")
        add_log(tem, bob, at(2025, 5, 6, 9), at(2025, 5, 6, 21), "social_service", True, fee=9000)
        add_log(tem, alice, at(2025, 9, 1, 9), at(2025, 9, 1, 17), source="manual")
        add_log(icp, bob, at(2025, 10, 8, 9), at(2025, 10, 8, 11), external=True, fee=800, voided=True)
        token = token_for(evaluator)
        return {"neu": neu.id, "sem": sem.id, "token": token}


def test_evaluator_reads_the_dashboard_drills_down_and_downloads(app, page):
    world = seed(app)
    log_in(page, "evaluator@example.org")
    page.goto("/reports/sharing")
    expect(page.locator("#report-dashboard")).to_be_visible()

    form = page.locator("#report-filters")
    form.locator("input[name=year]").fill("2025")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"year=2025"))
    # XRD 12 × (12 + 10) = 264 h; SEM 8 + 3; TEM 12 + 8; the voided ICP log counts nowhere.
    expect(page.locator("[data-total=effective_hours]")).to_have_text("295.00")
    expect(page.locator("[data-total=instrument_count]")).to_have_text("5")
    for chart in ("#chart-by-key", "#chart-monthly", "#chart-bands"):
        expect(page.locator(chart)).to_have_attribute("data-chart-ready", "1")
        expect(page.locator(chart + " svg")).to_have_count(1)
    # SVG text, not pictures of text: the browser draws the Chinese names and the chart titles itself.
    expect(page.locator("#chart-by-key svg text", has_text="东北大学")).to_have_count(1)
    month_labels = page.locator("#chart-monthly svg text").all_text_contents()
    assert {"02", "03", "04", "12"} <= set(month_labels) and any(t.startswith("01") for t in month_labels)
    expect(page.locator("#low-use-table")).to_contain_text("核磁共振波谱仪")
    page.wait_for_timeout(200)
    screenshot(page, "report-dashboard.png")
    page.locator("#report-dashboard").screenshot(path=str(ARTIFACTS / "report-charts.png"))  # a closer look

    page.locator(f"#report-table tr[data-key='{world['neu']}'] td a").click()
    expect(page).to_have_url(re.compile(rf"group_by=instrument.*unit_id={world['neu']}|"
                                        rf"unit_id={world['neu']}.*group_by=instrument"))
    expect(page.locator("#report-table tbody tr")).to_have_count(3)
    page.locator(f"#report-table tr[data-key='{world['sem']}'] td a").click()
    expect(page).to_have_url(re.compile(rf"/reports/instruments/{world['sem']}/records\?.*year=2025"))
    expect(page.locator("#instrument-name")).to_have_text("扫描电子显微镜")
    expect(page.locator("#records-table tr[data-record]")).to_have_count(2)
    expect(page.locator("#records-table .source-badge[data-source=manual]")).to_be_visible()
    expect(page.locator("#records-table .source-badge[data-source=checkin]")).to_be_visible()
    expect(page.locator("[data-figure=effective_hours]")).to_have_text("11.00")
    expect(page.locator("#records-table a[href*='/manage/']")).to_have_count(0)  # read-only
    screenshot(page, "report-records.png")

    page.go_back()
    page.go_back()
    expect(page.locator("[data-total=effective_hours]")).to_have_text("295.00")
    with page.expect_download() as info:
        page.locator("#download-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read()), data_only=True).worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]

    response = page.request.get("/api/v1/reports/sharing?from=2025-01-01&to=2026-01-01&group_by=unit",
                                headers={"Authorization": f"Bearer {world['token']}"})
    assert response.ok
    api = response.json()
    header, rows, totals = table[0], table[1:-1], table[-1]
    assert header[:6] == ["单位编号", "仪器台套数", "有效工作机时", "对内服务机时", "对外服务机时", "共享率"]
    assert "机时利用率" in header and "对外服务收入（元）" in header and "平均评分" in header
    assert [r[0] for r in rows] == [r["key"] for r in api["rows"]]
    assert totals[0] == "合计"
    column = {title: n for n, title in enumerate(header)}
    assert totals[column["仪器台套数"]] == api["totals"]["instrument_count"] == 5
    assert totals[column["有效工作机时"]] == api["totals"]["effective_hours"] == 295.0
    assert totals[column["对外服务机时"]] == api["totals"]["external_hours"]
    assert totals[column["共享率"]] == api["totals"]["sharing_rate"]
    assert totals[column["对外服务收入（元）"]] == api["totals"]["income_external"]

    # The national service records: fetched as they stream, with a progress line, then saved.
    page.locator("#records-menu").click()
    with page.expect_download() as info:
        page.locator("#download-records-csv").click()
    records = info.value
    assert records.suggested_filename.endswith(".csv")
    lines = open(records.path(), encoding="utf-8-sig").read().splitlines()
    expect(page.locator("#download-progress")).to_contain_text("下载完成")
    count = page.request.get("/api/v1/reports/service-records?from=2025-01-01&to=2026-01-01&format=csv",
                             headers={"Authorization": f"Bearer {world['token']}"})
    assert len(lines) - 1 == int(count.headers["x-total-records"]) > 0
