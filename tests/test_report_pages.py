"""The sharing report page: the API's numbers, drill-down, flags, scope and window choices."""
from __future__ import annotations

import re

import pytest

from tests.helpers import ApiClient, make_user, page_login
from tests.test_sharing_report import world  # noqa: F401  (the golden ledger of the report tests)

CALENDAR_2025 = "/reports/sharing?window=calendar&year=2025"


def cells(html: str, key) -> dict:
    """The figures of one table row, by column."""
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', html, re.S).group(1)
    return dict(re.findall(r'data-column="(\w+)">([^<]*)<', row))


def totals(html: str) -> dict:
    return dict(re.findall(r'data-total="(\w+)">([^<]*)<', html))


@pytest.fixture
def evaluator(client, world):  # noqa: F811
    user = make_user(world["other"], roles=("evaluator",))
    page_login(client, user.email)
    return user


def test_units_page_shows_the_api_numbers(client, world, evaluator):  # noqa: F811
    html = client.get(CALENDAR_2025).get_data(as_text=True)
    api = ApiClient(client).get("/api/v1/reports/sharing?from=2025-01-01&to=2026-01-01&group_by=unit",
                                evaluator).get_json()
    assert api["totals"]["effective_hours"] == 18.5
    assert totals(html) == {"instrument_count": "5", "effective_hours": "18.50", "external_hours": "13.00",
                            "sharing_rate": "70.3%", "utilization": "0.3%", "income_external": "7,000.00",
                            "rating_avg": "4.00"}
    home = cells(html, world["home"].id)
    # 甲: effective 12.5, external 7, sharing 7/12.5 = 56%, weighted (5.5 + 10.5)/12.5 = 128%, util 12.5/5000
    assert home["effective_hours"] == "12.50" and home["external_hours"] == "7.00"
    assert home["sharing_rate"] == "56.0%" and home["weighted_sharing_rate"] == "128.0%"
    assert home["utilization"] == "0.2%" and home["manual_share"] == "32.0%"  # 4 of 12.5 h by hand
    assert "甲大学" in html and "乙研究所" in html
    assert 'href="/api/v1/reports/sharing?format=xlsx' in html.replace("&amp;", "&")


def test_drill_down_from_unit_to_instruments_with_flags(client, world, evaluator):  # noqa: F811
    html = client.get(CALENDAR_2025).get_data(as_text=True)
    link = re.search(rf'<tr data-key="{world["home"].id}">\s*<td>\s*<a href="([^"]+)"', html).group(1)
    inner = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    i = world["i"]
    keys = set(int(k) for k in re.findall(r'<tr data-key="(\d+)">', inner))
    assert keys == {i[1].id, i[2].id, i[3].id, i[4].id}  # I5 is out of scope, I6 belongs to 乙
    idle = re.search(rf'<tr data-key="{i[3].id}">(.*?)</tr>', inner, re.S).group(1)
    assert re.findall(r'data-flag="(\w+)"', idle) == ["IDLE", "LOW_USE", "UNDER_QUOTA", "NO_EXTERNAL"]
    # an instrument row drills down to its usage records in the same window
    assert f'href="/reports/instruments/{i[1].id}/records?window=calendar&amp;year=2025"' in inner


def test_sorting_and_academic_year(client, world, evaluator):  # noqa: F811
    html = client.get(CALENDAR_2025 + "&group_by=instrument&sort=effective_hours&order=desc").get_data(as_text=True)
    order = [int(k) for k in re.findall(r'<tr data-key="(\d+)">', html)]
    i = world["i"]
    assert order[:3] == [i[1].id, i[6].id, i[2].id]  # 11 h, 6 h, 1.5 h
    # Academic year 2024 = 2024-09-01 … 2025-09-01: I1's logs up to June and the 2 h before new year's day
    academic = client.get("/reports/sharing?window=academic&year=2024&group_by=instrument").get_data(as_text=True)
    assert "2024-09-01" in academic and "2025-09-01" in academic
    # I1 in that window: 2 h (22:00→24:00 of 2024-12-31) + 2 h after midnight + 4 + 3 = 11 h
    assert cells(academic, i[1].id)["effective_hours"] == "11.00"


def test_window_errors_are_shown(client, world, evaluator):  # noqa: F811
    bad = client.get("/reports/sharing?window=custom&date_from=2025-03-01&date_to=2025-02-01")
    assert bad.status_code == 422
    assert "结束时间必须晚于开始时间" in bad.get_data(as_text=True) or "after the start" in bad.get_data(as_text=True)
    missing = client.get("/reports/sharing?window=custom&date_from=2025-03-01")
    assert missing.status_code == 422


def test_scope_of_managers_and_researchers(client, world):  # noqa: F811
    manager = make_user(world["home"], roles=("manager",))
    page_login(client, manager.email)
    html = client.get(CALENDAR_2025).get_data(as_text=True)
    assert set(int(k) for k in re.findall(r'<tr data-key="(\d+)">', html)) == {world["home"].id}
    assert client.get(CALENDAR_2025 + f"&unit_id={world['other'].id}").status_code == 403
    researcher = client.application.test_client()
    page_login(researcher, world["alice"].email)
    assert researcher.get(CALENDAR_2025).status_code == 403


def test_cluster_members_only_on_the_page(client, world, evaluator):  # noqa: F811
    world["other"].in_cluster = False
    from sharing.extensions import db
    db.session.commit()
    html = client.get(CALENDAR_2025 + "&members=cluster").get_data(as_text=True)
    assert set(int(k) for k in re.findall(r'<tr data-key="(\d+)">', html)) == {world["home"].id}
    assert "cluster_only=true" in html.replace("&amp;", "&")
