"""The report dashboard: hours by month (golden numbers, clipped to each month in SQL), the charts'
data in the page against the report, the idle / low-use list, and the read-only drill-down to an
instrument's usage records with its unit scope."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

from reports.metrics import sharing_report
from reports.monthly import month_bounds, monthly_hours
from sharing.extensions import db
from sharing.timeutil import platform_midnight
from tests.helpers import ApiClient, make_user, page_login
from tests.test_sharing_report import YEAR, add_log, at, world  # noqa: F401  (the golden ledger)

CALENDAR_2025 = "/reports/sharing?window=calendar&year=2025"


def chart_blob(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="report-charts">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def by_month(rows: list[dict]) -> dict:
    return {r["month"]: (r["effective_hours"], r["external_hours"]) for r in rows}


@pytest.fixture
def crossing(world):  # noqa: F811
    """I2: an external use from 22:00 on 28 February to 03:00 on 1 March (Shanghai): 2 h + 3 h."""
    return add_log(world["i"][2], world["bob"], at(2025, 2, 28, 22), at(2025, 3, 1, 3), external=True, fee=750)


def test_month_bounds_follow_the_platform_zone_and_the_window():
    bounds = month_bounds(platform_midnight(date(2025, 3, 15)), platform_midnight(date(2025, 5, 10)))
    assert [b[0] for b in bounds] == ["2025-03", "2025-04", "2025-05"]
    assert bounds[0][1] == platform_midnight(date(2025, 3, 15))  # cut to the window
    assert bounds[1][1] == platform_midnight(date(2025, 4, 1))  # 2025-03-31 16:00 UTC
    assert bounds[1][1].hour == 16 and bounds[2][2] == platform_midnight(date(2025, 5, 10))
    assert [b[0] for b in month_bounds(*YEAR)][::11] == ["2025-01", "2025-12"]


def test_monthly_golden_hours(world, crossing):  # noqa: F811
    months = monthly_hours(*YEAR)
    assert len(months) == 12
    # The log crossing the window start counts its 2 h after midnight in January; the one crossing the end
    # its 2 h before midnight in December; the crossing log of fixture ``crossing`` 2 h in February, 3 h in
    # March (beside the 4 h external teaching); maintenance, voided and out-of-scope (I5) logs nowhere.
    assert by_month(months) == {
        "2025-01": (2.0, 0.0), "2025-02": (2.0, 2.0), "2025-03": (7.0, 7.0), "2025-04": (0.0, 0.0),
        "2025-05": (3.0, 0.0), "2025-06": (0.0, 0.0), "2025-07": (1.5, 1.0), "2025-08": (0.0, 0.0),
        "2025-09": (0.0, 0.0), "2025-10": (6.0, 6.0), "2025-11": (0.0, 0.0), "2025-12": (2.0, 2.0)}
    assert months[2]["internal_hours"] == 0.0


@pytest.mark.parametrize("scope", [{}, {"unit_id": "home"}, {"category": "010000"}, {"min_price": 0},
                                   {"unit_id": "other", "min_price": 3_000_001}])
def test_months_sum_to_the_report_totals(world, crossing, scope):  # noqa: F811
    scope = {k: (world[v].id if k == "unit_id" else v) for k, v in scope.items()}
    for window in (YEAR, (platform_midnight(date(2024, 9, 1)), platform_midnight(date(2025, 9, 1))),
                   (platform_midnight(date(2025, 2, 20)), platform_midnight(date(2025, 3, 1)))):
        months = monthly_hours(*window, **scope)
        totals = sharing_report(*window, "unit", **scope)["totals"]
        assert sum(m["effective_hours"] for m in months) == pytest.approx(totals["effective_hours"])
        assert sum(m["external_hours"] for m in months) == pytest.approx(totals["external_hours"])


@pytest.fixture
def evaluator(client, world):  # noqa: F811
    user = make_user(world["other"], roles=("evaluator",))
    page_login(client, user.email)
    return user


def test_chart_data_in_the_page_is_the_report(client, world, crossing, evaluator):  # noqa: F811
    html = client.get(CALENDAR_2025).get_data(as_text=True)
    blob = chart_blob(html)
    api = ApiClient(client).get("/api/v1/reports/sharing?from=2025-01-01&to=2026-01-01&group_by=unit",
                                evaluator).get_json()
    assert blob["by_key"]["group_by"] == "unit"
    assert [(r["key"], r["sharing_rate"], r["utilization"]) for r in blob["by_key"]["rows"]] == \
        [(r["key"], r["sharing_rate"], r["utilization"]) for r in api["rows"]]
    assert {r["name"] for r in blob["by_key"]["rows"]} == {"甲大学", "乙研究所"}
    monthly = blob["monthly"]
    assert monthly["months"][0] == "2025-01" and len(monthly["months"]) == 12
    assert sum(monthly["effective_hours"]) == pytest.approx(api["totals"]["effective_hours"]) == 23.5
    assert sum(monthly["external_hours"]) == pytest.approx(api["totals"]["external_hours"]) == 18.0
    # Instruments: I3 and I4 without effective hours; I1 (11 h of 2000), I2 (6.5 h of 1000), I6 (6 h of 600)
    # all below a quarter of their rated hours.
    assert blob["bands"] == {"labels": ["0", "0–25%", "25–50%", "50–100%", "≥100%"], "counts": [2, 3, 0, 0, 0]}
    assert sum(blob["bands"]["counts"]) == api["totals"]["instrument_count"]
    labels = blob["labels"]
    assert labels["percent_axis"] and labels["hours_axis"] and labels["count_axis"] and labels["monthly_title"]
    # Only data travels inline; the code is served from the reports blueprint's static folder.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in s or 'type="application/json"' in s for s in scripts)
    assert '/reports/static/vendor/echarts/echarts.min.js' in html and '/reports/static/reports/charts.js' in html
    for path in ("/reports/static/vendor/echarts/echarts.min.js", "/reports/static/reports/charts.js"):
        response = client.get(path)
        assert response.status_code == 200 and len(response.data) > 1000
        response.close()


def test_instrument_rows_chart_the_top_instruments_and_list_the_low_use(client, world, evaluator):  # noqa: F811
    i = world["i"]
    html = client.get(CALENDAR_2025 + "&group_by=instrument").get_data(as_text=True)
    rows = chart_blob(html)["by_key"]["rows"]
    assert [r["key"] for r in rows] == [i[1].id, i[6].id, i[2].id, i[3].id, i[4].id]  # by effective hours
    assert rows[0] == {"key": i[1].id, "name": "仪器I1", "sharing_rate": 0.5455, "utilization": 0.0055}
    low = re.findall(r'<tr data-low-use-key="(\d+)">', html)
    assert [int(k) for k in low[:2]] == sorted([i[3].id, i[4].id])  # the idle ones first
    assert set(int(k) for k in low) == {i[1].id, i[2].id, i[3].id, i[4].id, i[6].id}
    assert f'href="/reports/instruments/{i[3].id}/records?window=calendar&amp;year=2025"' in html
    everything = re.search(r'id="low-use-all" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "only=low_use" in everything and "group_by=instrument" in everything
    # The unit view's list is the same, from the instrument rows with the same filters.
    unit_html = client.get(CALENDAR_2025 + f"&unit_id={world['home'].id}").get_data(as_text=True)
    assert set(int(k) for k in re.findall(r'<tr data-low-use-key="(\d+)">', unit_html)) == \
        {i[1].id, i[2].id, i[3].id, i[4].id}


def test_only_low_use_filters_the_instrument_table(client, world, evaluator):  # noqa: F811
    i = world["i"]
    db.session.get(type(i[6]), i[6].id).rated_hours = 10  # I6: 6 h of 10 → 60 %, no longer low use
    db.session.commit()
    html = client.get(CALENDAR_2025 + "&group_by=instrument&only=low_use").get_data(as_text=True)
    assert set(int(k) for k in re.findall(r'<tr data-key="(\d+)">', html)) == {i[1].id, i[2].id, i[3].id, i[4].id}
    assert chart_blob(html)["bands"]["counts"] == [2, 2, 0, 1, 0]
    full = client.get(CALENDAR_2025 + "&group_by=instrument").get_data(as_text=True)
    assert i[6].id in {int(k) for k in re.findall(r'<tr data-key="(\d+)">', full)}


def records_url(instrument, query="window=calendar&year=2025") -> str:
    return f"/reports/instruments/{instrument.id}/records?{query}"


def test_evaluator_reads_an_instruments_records(client, world, evaluator):  # noqa: F811
    i = world["i"]
    correction = add_log(i[1], world["alice"], at(2025, 6, 2, 9), at(2025, 6, 2, 10), source="manual")
    correction.corrects_id = db.session.scalar(
        db.select(type(correction).id).where(type(correction).voided.is_(True)))
    db.session.commit()
    response = client.get(records_url(i[1]))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    records = re.findall(r'data-record="(\d+)"', html)
    assert len(records) == 7  # the six logs of 2025 (the voided one too, not maintenance-filtered) + correction
    assert set(re.findall(r'data-source="(\w+)"', html)) == {"checkin", "manual"}
    assert "voided-badge" in html
    assert f'href="#usage-{correction.corrects_id}" class="corrects-link"' in html
    assert f'href="#usage-{correction.id}" class="corrected-by-link"' in html
    # The figures are the report's row; the counted hours are the parts inside the window.
    figures = dict(re.findall(r'data-figure="(\w+)">([^<]*)<', html))
    assert figures["effective_hours"] == "12.00" and figures["sharing_rate"] == "50.0%"  # 11 h + the correction's
    counted = re.findall(r'data-counted="1">([^<]*)<', html)
    assert sum(float(c) for c in counted) == pytest.approx(12.0)
    # Read-only: nothing that changes a record, no link to the managers' ledger.
    assert "/manage/" not in html and 'id="open-ledger"' not in html
    assert not re.search(r'id="(edit|void|correction|new-usage)', html)
    assert client.get(f"/manage/instruments/{i[1].id}/usage").status_code == 403
    # Another year: the window follows the query string.
    older = client.get(records_url(i[1], "window=calendar&year=2024")).get_data(as_text=True)
    assert len(re.findall(r'data-record="(\d+)"', older)) == 1  # the log crossing new year's eve
    assert client.get(records_url(i[1], "window=custom&date_from=2025-03-01")).status_code == 422


def test_source_badges_of_terminal_records(client, world, evaluator):  # noqa: F811
    html = client.get(records_url(world["i"][2])).get_data(as_text=True)
    assert set(re.findall(r'data-source="(\w+)"', html)) == {"terminal", "checkin"}


def test_records_keep_to_the_unit_scope(client, world):  # noqa: F811
    i = world["i"]
    other_manager = make_user(world["other"], roles=("manager",))
    page_login(client, other_manager.email)
    assert client.get(records_url(i[1])).status_code == 403
    assert client.get(records_url(i[6])).status_code == 200
    assert client.get("/reports/instruments/999999/records").status_code == 404

    manager = make_user(world["home"], roles=("manager",))
    own = client.application.test_client()
    page_login(own, manager.email)
    html = own.get(records_url(i[1])).get_data(as_text=True)
    assert 'id="open-ledger"' in html  # managers correct records in their ledger, not here
    assert not re.search(r'id="(edit|void)-', html)
    assert re.search(r'id="edit-\d+"', own.get(f"/manage/instruments/{i[1].id}/usage").get_data(as_text=True))
    assert own.get(records_url(i[6])).status_code == 403

    unit_admin = make_user(world["other"], roles=("unit_admin",))
    admin_client = client.application.test_client()
    page_login(admin_client, unit_admin.email)
    assert admin_client.get(records_url(i[6])).status_code == 200
    assert admin_client.get(records_url(i[2])).status_code == 403

    researcher = client.application.test_client()
    page_login(researcher, world["alice"].email)
    assert researcher.get(records_url(i[1])).status_code == 403


def test_category_rows_chart_by_category(client, world, evaluator):  # noqa: F811
    html = client.get(CALENDAR_2025 + "&group_by=category").get_data(as_text=True)
    blob = chart_blob(html)
    assert blob["by_key"]["group_by"] == "category"
    assert [r["key"] for r in blob["by_key"]["rows"]] == ["010101", "010102", "020101", "030101"]
    assert all(r["name"].startswith(r["key"]) for r in blob["by_key"]["rows"])
    assert sum(blob["bands"]["counts"]) == 5
