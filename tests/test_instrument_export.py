"""Catalogue export (API.md, GET /api/v1/instruments/export): CSV, XLSX and the national NRII format."""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from instruments.exporter import COLUMNS
from instruments.models import Instrument
from instruments.schemas import InstrumentSchema
from sharing.extensions import db
from tests.helpers import make_unit, make_user

URL = "/api/v1/instruments/export"


def export(api, user, query=""):
    """The streamed body is read inside the request (the test client isolates each request's context)."""
    return api.get(URL + query, user, buffered=True)


def make_instrument(unit, inner_id, **fields) -> Instrument:
    values = {"name": "透射电子显微镜", "name_en": "TEM", "model": "JEM-2100F", "manufacturer": "日本电子株式会社",
              "country": "日本", "category_code": "010101", "price_cny": Decimal("12505000"),
              "commission_date": date(2019, 5, 6), "booking_rules": {"slot_minutes": 30}, **fields}
    instrument = Instrument(unit_id=unit.id, inner_id=inner_id, **values)
    db.session.add(instrument)
    db.session.commit()
    return instrument


def csv_rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def as_dicts(rows: list[list[str]]) -> list[dict]:
    return [dict(zip(rows[0], row)) for row in rows[1:]]


@pytest.fixture
def units(ctx):
    return make_unit(name="甲大学"), make_unit(name="乙研究所", kind="institute", city="大连")


@pytest.fixture
def catalogue(units):
    own, other = units
    return (make_instrument(own, "A-001", internal_notes="仅本单位可见"),
            make_instrument(other, "B-001", name="气相色谱仪", category_code="010501", price_cny=Decimal("800000"),
                            customs_supervised=True, source="purchase", funding_source="central"))


def test_csv_has_a_bom_and_the_api_field_names(api, units, catalogue):
    reader = make_user(units[0])
    r = export(api, reader)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert re.fullmatch(r'attachment; filename="instruments-\d{8}\.csv"', r.headers["Content-Disposition"])
    rows = csv_rows(r)
    assert rows[0] == COLUMNS == list(InstrumentSchema().fields)
    own, other = as_dicts(rows)
    assert (own["inner_id"], own["internal_notes"], own["price_cny"]) == ("A-001", "仅本单位可见", "12505000")
    assert (own["commission_date"], own["customs_supervised"]) == ("2019-05-06", "false")
    assert own["booking_rules"].startswith("{") and '"slot_minutes": 30' in own["booking_rules"]
    # Another unit's asset number and notes are private: empty cells for this caller.
    assert (other["name"], other["inner_id"], other["internal_notes"]) == ("气相色谱仪", "", "")


def test_evaluators_see_every_asset_number(api, units, catalogue):
    evaluator = make_user(units[1], roles=("evaluator",))
    assert [row["inner_id"] for row in as_dicts(csv_rows(export(api, evaluator)))] == ["A-001", "B-001"]
    records = export(api, evaluator, "?format=nrii").get_json()
    assert [record["innerId"] for record in records] == ["A-001", "B-001"]


def test_xlsx(api, units, catalogue):
    r = export(api, make_user(units[1]), "?format=xlsx")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(r.get_data()), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == COLUMNS
    own, other = (dict(zip(COLUMNS, row)) for row in rows)
    assert own["inner_id"] is None and other["inner_id"] == "B-001"  # the caller is of the second unit
    assert other["price_cny"] == 800000 and other["commission_date"].date() == date(2019, 5, 6)


def test_nrii_records(api, units, catalogue):
    catalogue[0].fee_internal, catalogue[0].fee_external = Decimal("300"), Decimal("450.50")
    catalogue[0].typical_state = "standby"
    db.session.commit()
    r = export(api, make_user(units[0]), "?format=nrii")
    assert r.status_code == 200 and r.mimetype == "application/json"
    own, other = r.get_json()
    assert own["innerId"] == "A-001" and "innerId" not in other
    assert own["worth"] == 1250.5 and other["worth"] == 80.0  # 万元, 2 decimals
    assert (own["cname"], own["ename"], own["instrCategory"], own["instrVersion"]) == (
        "透射电子显微镜", "TEM", "010101", "JEM-2100F")
    assert (own["nation"], own["beginDate"], own["type"], own["shareMode"]) == ("日本", "2019-05-06", "通用", "外部共享")
    assert own["status"] == "待机" and other["status"] == "正常"
    assert own["fee"] == "对内300元/小时；对外450.5元/小时" and other["fee"] is None
    assert (other["instrSupervise"], other["instrSource"], other["funds"]) == ("是", "购置", "中央财政资金")
    assert own["instrSupervise"] == "否" and own["instrSource"] is None


def test_worth_rounds_to_two_decimals(api, units):
    make_instrument(units[0], "W-1", price_cny=Decimal("12345.67"))
    assert export(api, make_user(units[0]), "?format=nrii").get_json()[0]["worth"] == 1.23


def test_formula_injection_is_neutralised(api, units):
    make_instrument(units[0], "=1+1", name='=HYPERLINK("http://evil.example","点我")', model="+86 24 1234",
                    manufacturer="@SUM(A1)", specs="-2+3", functions="\tTab", location="安全的文字")
    user = make_user(units[0])
    row = as_dicts(csv_rows(export(api, user)))[0]
    assert row["name"] == '\'=HYPERLINK("http://evil.example","点我")' and row["inner_id"] == "'=1+1"
    assert (row["model"], row["manufacturer"], row["specs"]) == ("'+86 24 1234", "'@SUM(A1)", "'-2+3")
    assert row["functions"] == "'\tTab" and row["location"] == "安全的文字"
    sheet = load_workbook(io.BytesIO(export(api, user, "?format=xlsx").get_data())).worksheets[0]
    cells = {cell.value: cell.data_type for cell in sheet[2]}
    assert cells['\'=HYPERLINK("http://evil.example","点我")'] == "s" and cells["'@SUM(A1)"] == "s"
    assert not any(kind == "f" for kind in cells.values())


def test_filters_apply(api, units, catalogue):
    own, other = units
    make_instrument(own, "A-002", name="扫描电子显微镜", category_code="010102", status="retired")
    make_instrument(own, "A-003", name="液相色谱仪", category_code="010502", status="faulty")
    user = make_user(own)

    def names(query):
        return [row["name"] for row in as_dicts(csv_rows(export(api, user, query)))]

    assert names("") == ["透射电子显微镜", "气相色谱仪", "液相色谱仪"]  # retired ones only when asked for
    assert names("?q=色谱") == ["气相色谱仪", "液相色谱仪"]
    assert names("?category=0105") == ["气相色谱仪", "液相色谱仪"]
    assert names("?status=retired") == ["扫描电子显微镜"]
    assert names(f"?unit_id={other.id}&format=csv") == ["气相色谱仪"]
    assert names("?sort=-price_cny&status=faulty") == ["液相色谱仪"]
    assert [r["cname"] for r in export(api, user, "?format=nrii&q=TEM&category=01").get_json()] == [
        "透射电子显微镜", "气相色谱仪", "液相色谱仪"]
    assert export(api, user, "?format=nrii&category=99").get_json() == []


def test_export_then_import_round_trip(api, units, catalogue):
    manager = make_user(units[0], roles=("manager",))
    exported = export(api, manager, f"?unit_id={units[0].id}").get_data()
    r = api.post("/api/v1/instruments/import", manager, data={"file": (io.BytesIO(exported), "export.csv")},
                 content_type="multipart/form-data")
    assert r.get_json() == {"created": 0, "updated": 1, "errors": []}


def test_bad_requests(api, units):
    assert export(api, None).status_code == 401
    r = export(api, make_user(units[0]), "?format=pdf")
    assert r.status_code == 422 and "format" in r.get_json()["error"]["fields"]


def test_openapi_describes_import_and_export(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    upload = spec["paths"]["/api/v1/instruments/import"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["$ref"].endswith("/ImportFile")
    assert spec["components"]["schemas"]["ImportFile"]["properties"]["file"]["format"] == "binary"
    export = spec["paths"]["/api/v1/instruments/export"]["get"]
    assert {p["name"] for p in export["parameters"]} >= {"format", "q", "category", "status", "unit_id"}
    assert set(export["responses"]["200"]["content"]) == {
        "text/csv", "application/json", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
