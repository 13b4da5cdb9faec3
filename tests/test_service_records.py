"""The national service-record export (API.md, "Reports": ``GET /api/v1/reports/service-records``):
golden records for a hand-built ledger, the same values in every format, roles and validation."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from bookings.ledger_models import Rating
from bookings.models import Booking, UsageLog
from instruments.models import Instrument
from reports import service_records
from reports.service_records import FIELDS, TITLES_ZH
from sharing.extensions import db
from sharing.timeutil import platform_midnight
from tests.helpers import ApiClient, make_unit, make_user

TZ = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/reports/service-records?from=2025-03-01&to=2025-04-01"
WINDOW = (platform_midnight(date(2025, 3, 1)), platform_midnight(date(2025, 4, 1)))


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(timezone.utc)


def add_instrument(unit, inner):
    instrument = Instrument(unit_id=unit.id, inner_id=inner, name=f"仪器{inner}", model="M", manufacturer="F",
                            category_code="010101", price_cny=1_000_000, booking_rules={})
    db.session.add(instrument)
    db.session.commit()
    return instrument


def add_log(instrument, user, start, end, purpose="research", external=False, fee=0, samples=None, voided=False,
            way="occupy", score=None, comment=None, booking_purpose=None):
    booking_id = None
    if booking_purpose is not None:
        booking = Booking(instrument_id=instrument.id, user_id=user.id, start=start, end=end, block_end=end,
                          status="completed", mode="sample" if way == "entrust" else "self", purpose=booking_purpose)
        db.session.add(booking)
        db.session.flush()
        booking_id = booking.id
    log = UsageLog(instrument_id=instrument.id, user_id=user.id, booking_id=booking_id, start=start, end=end,
                   purpose=purpose, service_way=way, sample_count=samples, is_external=external,
                   fee=Decimal(str(fee)), source="manual", voided=voided, comment=comment)
    db.session.add(log)
    db.session.flush()
    if score is not None:
        db.session.add(Rating(usage_log_id=log.id, user_id=user.id, score=score))
    db.session.commit()
    return log


@pytest.fixture
def world(ctx):
    home, other = make_unit(name="甲大学"), make_unit(name="乙研究所")
    alice, bob = make_user(home, name="张三"), make_user(other, name="李四")
    i1, i2, i3 = add_instrument(home, "ZC-001"), add_instrument(home, "ZC-002"), add_instrument(other, "YS-9")
    logs = {
        # crosses the window start: it started before the window → not a record of this window
        "crossing": add_log(i1, alice, at(2025, 2, 28, 23), at(2025, 3, 1, 2), fee=300),
        "at_start": add_log(i1, alice, at(2025, 3, 1, 0), at(2025, 3, 1, 1), way="guided", fee=100),
        # 09:20 → 10:45 = 1.4167 h → 1.4; the comment wins over the booking's purpose
        "commented": add_log(i1, alice, at(2025, 3, 5, 9, 20), at(2025, 3, 5, 10, 45), fee="141.67", score=3,
                             comment="  薄膜样品XRD测试  ", booking_purpose="预约用途"),
        "teaching": add_log(i1, bob, at(2025, 3, 10, 9), at(2025, 3, 10, 13), "teaching", True, fee=1200, score=5,
                            booking_purpose="XRD 物相分析教学"),
        "voided": add_log(i1, bob, at(2025, 3, 12, 9), at(2025, 3, 12, 19), external=True, fee=5000, voided=True,
                          score=1),
        "at_end": add_log(i1, alice, at(2025, 4, 1, 0), at(2025, 4, 1, 2), fee=50),  # `to` is exclusive
        "entrust": add_log(i2, bob, at(2025, 3, 20, 14), at(2025, 3, 20, 15), "social_service", True, fee=1800,
                           samples=12, way="entrust", score=4),
        # starts in the window, ends after it: a record, with its real end
        "maintenance": add_log(i2, alice, at(2025, 3, 31, 23), at(2025, 4, 1, 1), "maintenance"),
        "training": add_log(i3, alice, at(2025, 3, 15, 8), at(2025, 3, 15, 10), "training", True, fee=300,
                            way="guided", score=1),
        "remote": add_log(i3, bob, at(2025, 3, 16, 10), at(2025, 3, 16, 10, 30), way="remote", fee="25.5", score=2),
    }
    return {"home": home, "other": other, "alice": alice, "bob": bob, "i": (i1, i2, i3), "logs": logs}


def golden(world) -> list[dict]:
    ids = {name: str(log.id) for name, log in world["logs"].items()}
    return [
        {"innerId": "ZC-001", "recordInnerId": ids["at_start"], "serviceTime": "2025-03-01 00",
         "endTime": "2025-03-01 01", "amounts": 100, "serviceContent": "科学研究", "serviceWay": "技术共享",
         "serviceAmount": 1, "serviceType": 120, "serviceDirection": 135, "applicant": "张三",
         "applicantUnit": "甲大学", "comment": ""},
        {"innerId": "ZC-001", "recordInnerId": ids["commented"], "serviceTime": "2025-03-05 09",
         "endTime": "2025-03-05 10", "amounts": 141.67, "serviceContent": "薄膜样品XRD测试", "serviceWay": "占用共享",
         "serviceAmount": 1.4, "serviceType": 120, "serviceDirection": 135, "applicant": "张三",
         "applicantUnit": "甲大学", "comment": "一般"},
        {"innerId": "ZC-001", "recordInnerId": ids["teaching"], "serviceTime": "2025-03-10 09",
         "endTime": "2025-03-10 13", "amounts": 1200, "serviceContent": "XRD 物相分析教学", "serviceWay": "占用共享",
         "serviceAmount": 4, "serviceType": 130, "serviceDirection": 137, "applicant": "李四",
         "applicantUnit": "乙研究所", "comment": "非常满意"},
        {"innerId": "ZC-002", "recordInnerId": ids["entrust"], "serviceTime": "2025-03-20 14",
         "endTime": "2025-03-20 15", "amounts": 1800, "serviceContent": "社会服务", "serviceWay": "委托共享",
         "serviceAmount": 12, "serviceType": 130, "serviceDirection": 136, "applicant": "李四",
         "applicantUnit": "乙研究所", "comment": "基本满意"},
        {"innerId": "ZC-002", "recordInnerId": ids["maintenance"], "serviceTime": "2025-03-31 23",
         "endTime": "2025-04-01 01", "amounts": 0, "serviceContent": "维护保养", "serviceWay": "占用共享",
         "serviceAmount": 2, "serviceType": 120, "serviceDirection": 138, "applicant": "张三",
         "applicantUnit": "甲大学", "comment": ""},
        {"innerId": "YS-9", "recordInnerId": ids["training"], "serviceTime": "2025-03-15 08",
         "endTime": "2025-03-15 10", "amounts": 300, "serviceContent": "培训", "serviceWay": "技术共享",
         "serviceAmount": 2, "serviceType": 130, "serviceDirection": 137, "applicant": "张三",
         "applicantUnit": "甲大学", "comment": "极差"},
        {"innerId": "YS-9", "recordInnerId": ids["remote"], "serviceTime": "2025-03-16 10",
         "endTime": "2025-03-16 10", "amounts": 25.5, "serviceContent": "科学研究", "serviceWay": "远程共享",
         "serviceAmount": 0.5, "serviceType": 120, "serviceDirection": 135, "applicant": "李四",
         "applicantUnit": "乙研究所", "comment": "不满意"},
    ]


def test_golden_records(world):
    assert list(service_records.records(*WINDOW)) == golden(world)
    home_only = list(service_records.records(*WINDOW, unit_id=world["home"].id))
    assert home_only == golden(world)[:5]
    assert service_records.count_records(*WINDOW) == 7
    assert service_records.count_records(*WINDOW, unit_id=world["other"].id) == 2


def test_records_come_from_one_query(world):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert len(list(service_records.records(*WINDOW))) == 7
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_content_is_cut_to_200_characters_and_entrust_without_samples_counts_hours(world):
    i1 = world["i"][0]
    add_log(i1, world["alice"], at(2025, 3, 25, 8), at(2025, 3, 25, 9, 30), way="entrust", comment="样" * 300)
    record = [r for r in service_records.records(*WINDOW) if r["serviceTime"] == "2025-03-25 08"][0]
    assert record["serviceContent"] == "样" * 200
    assert record["serviceAmount"] == 1.5 and record["serviceWay"] == "委托共享"


# ---------------------------------------------------------------- API: formats

def _values(line: list[str]) -> list:
    """A CSV line's texts as the JSON values: numbers for the numeric fields."""
    numeric = {"amounts", "serviceAmount", "serviceType", "serviceDirection"}
    return [float(text) if field in numeric else text for field, text in zip(FIELDS, line)]


def _expected(records: list[dict]) -> list[list]:
    return [[float(r[f]) if isinstance(r[f], int | float) else r[f] for f in FIELDS] for r in records]


def test_nrii_is_a_json_list_of_records(client, world):
    api = ApiClient(client)
    evaluator = make_user(world["other"], roles=("evaluator",))
    response = api.get(URL, evaluator)  # nrii is the default
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["X-Total-Records"] == "7"
    assert 'filename="service-records-20250301-20250401.json"' in response.headers["Content-Disposition"]
    body = json.loads(response.get_data())
    assert body == golden(world)
    assert all(list(record) == list(FIELDS) for record in body)  # the fields in the contract's order
    assert json.loads(api.get(URL + "&format=nrii", evaluator).get_data()) == body


def test_csv_carries_the_same_values(client, world):
    api = ApiClient(client)
    evaluator = make_user(world["other"], roles=("evaluator",))
    response = api.get(URL + "&format=csv", evaluator)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["X-Total-Records"] == "7"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0] == list(FIELDS)
    assert [_values(line) for line in lines[1:]] == _expected(golden(world))
    zh = list(csv.reader(io.StringIO(api.get(URL + "&format=csv&header=zh", evaluator).get_data().decode("utf-8-sig"))))
    assert zh[0] == [TITLES_ZH[f] for f in FIELDS] and zh[0][:2] == ["所在单位仪器编号", "服务记录编号"]
    assert zh[1:] == lines[1:]


def test_xlsx_carries_the_same_values(client, world):
    from openpyxl import load_workbook

    api = ApiClient(client)
    evaluator = make_user(world["other"], roles=("evaluator",))
    response = api.get(URL + "&format=xlsx", evaluator)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["X-Total-Records"] == "7"
    assert "service-records-20250301-20250401.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == [TITLES_ZH[f] for f in FIELDS]  # for people: Chinese titles by default
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width == 40
    assert [[("" if v is None else v) for v in row] for row in values[1:]] == [
        [r[f] for f in FIELDS] for r in golden(world)]
    assert sheet.cell(row=2, column=FIELDS.index("amounts") + 1).number_format == "0.00"
    en = load_workbook(io.BytesIO(api.get(URL + "&format=xlsx&header=en", evaluator).get_data())).active
    assert [c.value for c in next(en.iter_rows(max_row=1))] == list(FIELDS)


def test_csv_and_nrii_are_streamed(app, client, world):
    from flask import request_finished

    api = ApiClient(client)
    admin = make_user(world["home"], roles=("admin",))
    seen = []

    def finished(sender, response, **extra):  # the response as the view made it, before its body is read
        seen.append((response.is_streamed, response.headers.get("X-Total-Records")))

    for kind in ("csv", "nrii"):
        with request_finished.connected_to(finished, app):
            response = api.get(URL + f"&format={kind}", admin)
        assert response.status_code == 200 and len(response.get_data()) > 100
    assert seen == [(True, "7"), (True, "7")]


def test_empty_window(client, world):
    api = ApiClient(client)
    admin = make_user(world["home"], roles=("admin",))
    response = api.get("/api/v1/reports/service-records?from=2024-01-01&to=2024-02-01", admin)
    assert response.status_code == 200 and json.loads(response.get_data()) == []
    assert response.headers["X-Total-Records"] == "0"
    lines = api.get("/api/v1/reports/service-records?from=2024-01-01&to=2024-02-01&format=csv", admin)
    assert lines.get_data().decode("utf-8-sig").splitlines() == [",".join(FIELDS)]


# ---------------------------------------------------------------- API: roles and validation

def test_roles_scope_the_records(client, world):
    api = ApiClient(client)
    home, other = world["home"], world["other"]
    evaluator = make_user(other, roles=("evaluator",))
    admin = make_user(home, roles=("admin",))
    manager = make_user(home, roles=("manager",))
    unit_admin = make_user(home, roles=("unit_admin",))
    ids = [r["recordInnerId"] for r in golden(world)]

    def record_ids(response):
        assert response.status_code == 200
        return [r["recordInnerId"] for r in json.loads(response.get_data())]

    assert record_ids(api.get(URL, evaluator)) == ids
    assert record_ids(api.get(URL + f"&unit_id={other.id}", admin)) == ids[5:]
    mine = api.get(URL, manager)
    assert record_ids(mine) == ids[:5] and mine.headers["X-Total-Records"] == "5"
    assert record_ids(api.get(URL + f"&unit_id={home.id}", unit_admin)) == ids[:5]
    denied = api.get(URL + f"&unit_id={other.id}", manager)
    assert denied.status_code == 403 and denied.get_json()["error"]["code"] == "forbidden"
    assert api.get(URL + "&format=csv", world["alice"]).status_code == 403  # researcher
    anonymous = api.get(URL)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"


def test_window_and_parameters_are_validated(client, world):
    api = ApiClient(client)
    admin = make_user(world["home"], roles=("admin",))
    base = "/api/v1/reports/service-records"
    bad = api.get(base + "?from=2025-02-01&to=2025-02-01", admin)
    assert bad.status_code == 422
    error = bad.get_json()["error"]
    assert error["code"] == "validation_error" and "to" in error["fields"]
    assert api.get(base + "?from=2025-03-01&to=2025-02-01", admin).status_code == 422
    assert "from" in api.get(base + "?to=2025-02-01", admin).get_json()["error"]["fields"]
    assert "format" in api.get(URL + "&format=pdf", admin).get_json()["error"]["fields"]
    assert "header" in api.get(URL + "&format=csv&header=fr", admin).get_json()["error"]["fields"]
    assert "from" in api.get(base + "?from=yesterday&to=2025-02-01", admin).get_json()["error"]["fields"]


def test_openapi_describes_the_export(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/reports/service-records"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"from", "to", "unit_id", "format", "header"} <= names
    ok = operation["responses"]["200"]
    assert "X-Total-Records" in ok["headers"]
    assert {"application/json", "text/csv"} <= set(ok["content"])


def test_time_is_local_hour_even_when_utc_is_the_previous_day(world):
    # 2025-03-02 07:00 in Shanghai is 2025-03-01 23:00 UTC.
    i1 = world["i"][0]
    log = add_log(i1, world["alice"], at(2025, 3, 2, 7), at(2025, 3, 2, 8) + timedelta(minutes=59))
    record = [r for r in service_records.records(*WINDOW) if r["recordInnerId"] == str(log.id)][0]
    assert (record["serviceTime"], record["endTime"], record["serviceAmount"]) == ("2025-03-02 07", "2025-03-02 08", 2)
