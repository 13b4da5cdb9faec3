"""The printable annual evaluation of one unit: the API's score and grade, its items with who
entered them, the unit's sharing figures, flags, and unit scope."""
from __future__ import annotations

import re

from tests.helpers import ApiClient, make_user, page_login
from tests.test_sharing_report import world  # noqa: F401  (the golden ledger of the report tests)

SCHEME = "university-open-sharing"


def test_unit_report_shows_the_api_figures(client, world):  # noqa: F811
    evaluator = make_user(world["other"], roles=("evaluator",), name="评价专家")
    api = ApiClient(client)
    home = world["home"]
    put = api.request("PUT", "/api/v1/evaluations/2025/manual-items", evaluator,
                      json={"scheme": SCHEME, "unit_id": home.id, "item": "records", "value": 4})
    assert put.status_code == 200, put.get_json()
    scored = api.get(f"/api/v1/evaluations?year=2025&scheme={SCHEME}", evaluator).get_json()
    [row] = [r for r in scored["rows"] if r["unit_id"] == home.id]
    figures = api.get(f"/api/v1/reports/sharing?from=2025-01-01&to=2026-01-01&group_by=unit&unit_id={home.id}"
                      "&in_scope_min_price=400000", evaluator).get_json()["totals"]

    page_login(client, evaluator.email)
    listing = client.get(f"/reports/evaluations?scheme={SCHEME}&year=2025").get_data(as_text=True)
    link = f"/reports/evaluations/{SCHEME}/2025/units/{home.id}"
    assert link in listing
    html = client.get(link).get_data(as_text=True)
    assert re.search(r'id="unit-score">([^<]+)<', html).group(1) == f"{row['score']:,.2f}"
    assert re.search(r'id="unit-grade">([^<]+)<', html).group(1) == row["grade_label"]
    records = re.search(r'<tr data-item="records">(.*?)</tr>', html, re.S).group(1)
    assert "评价专家" in records and "4.00" in records
    assert re.search(r'data-total="effective_hours">([^<]+)<', html).group(1) == f"{figures['effective_hours']:,.2f}"
    # I3 (maintenance only) and I4 (no logs) are idle; I5 is below 400,000 yuan
    assert html.count('data-flag="IDLE"') == 2
    assert "@page { size: A4" in html and 'id="evaluation-charts"' in html


def test_unit_report_keeps_to_the_unit(client, world):  # noqa: F811
    manager = make_user(world["home"], roles=("manager",))
    page_login(client, manager.email)
    assert client.get(f"/reports/evaluations/{SCHEME}/2025/units/{world['home'].id}").status_code == 200
    assert client.get(f"/reports/evaluations/{SCHEME}/2025/units/{world['other'].id}").status_code == 403
    assert client.get(f"/reports/evaluations/no-such-rubric/2025/units/{world['home'].id}").status_code == 404


def test_evaluation_workbook_states_its_rubric(client, world):  # noqa: F811
    import io

    from openpyxl import load_workbook

    evaluator = make_user(world["other"], roles=("evaluator",))
    api = ApiClient(client)
    scored = api.get(f"/api/v1/evaluations?year=2025&scheme={SCHEME}", evaluator).get_json()
    response = api.get(f"/api/v1/evaluations?year=2025&scheme={SCHEME}&format=xlsx", evaluator)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.get_data()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("所属单位", "得分", "等级")
    by_unit = {row[0]: row for row in rows[1:]}
    for row in scored["rows"]:
        line = by_unit[world["home"].name if row["unit_id"] == world["home"].id else world["other"].name]
        assert line[1] == row["score"] and line[2] == row["grade_label"]
    notes = {label: value for label, value in book.worksheets[1].iter_rows(values_only=True)}
    assert SCHEME in notes["评价方案"] and notes["版本"] == scored["scheme_version"]
    assert "2025-01-01" in notes["统计期"] and "400,000" in notes["统计范围"]
    page_login(client, evaluator.email)
    listing = client.get(f"/reports/evaluations?scheme={SCHEME}&year=2025").get_data(as_text=True)
    assert "format=xlsx" in listing
