"""Bulk import of the catalogue (API.md, POST /api/v1/instruments/import), with files built here."""
from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from instruments.importer import import_instruments
from instruments.models import Instrument
from sharing.audit import AuditEvent
from sharing.extensions import db
from tests.helpers import make_unit, make_user

URL = "/api/v1/instruments/import"
EN = {"Accept-Language": "en"}
# The usual Chinese titles, with the markings and units seen in real files, and one column we ignore.
HEADER = ["*所在单位仪器编号", "*仪器名称", "英文名称", "型号规格", "生产制造商", "产地国别", "原值（万元）",
          "购置日期", "启用日期", "分类编码", "共享模式", "仪器类别", "不认识的列"]
CELLS = {"inner_id": "A-001", "name": "透射电子显微镜", "name_en": "Transmission electron microscope",
         "model": "JEM-2100F", "manufacturer": "日本电子株式会社", "country": "日本", "price": Decimal("1250.5"),
         "purchase_date": date(2019, 3, 1), "commission_date": date(2019, 5, 6), "category": "010101",
         "share_mode": "外部共享", "instrument_type": "通用", "unknown": "ignored"}


def tem(inner_id="A-001", unit_id=None, **cells):
    """One row under HEADER (plus a ``unit_id`` cell when given); keywords replace the cells of CELLS."""
    values = {**CELLS, "inner_id": inner_id, **cells}
    return [values[key] for key in CELLS] + ([unit_id] if unit_id is not None else [])


def xlsx(*rows, header=HEADER, before=(), sheets=()) -> bytes:
    """A workbook: optional extra sheets first, then one with ``before`` rows, the header and ``rows``."""
    book = Workbook()
    book.remove(book.active)
    for title, content in sheets:
        extra = book.create_sheet(title)
        for line in content:
            extra.append(line)
    sheet = book.create_sheet("仪器")
    for line in (*before, header, *rows):
        sheet.append(list(line))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(*lines, encoding="utf-8") -> bytes:
    return "\r\n".join(",".join(line) for line in lines).encode(encoding)


def upload(api, user, data, filename="仪器清单.xlsx", query="", headers=None):
    return api.post(URL + query, user, data={"file": (io.BytesIO(data), filename)},
                    content_type="multipart/form-data", headers=headers)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Instrument))


def by_inner_id(inner_id: str) -> Instrument:
    return db.session.scalars(select(Instrument).where(Instrument.inner_id == inner_id)).one()


@pytest.fixture
def unit(ctx):
    return make_unit()


@pytest.fixture
def manager(unit):
    return make_user(unit, roles=("manager",))


def test_xlsx_with_chinese_titles_creates_instruments(api, manager):
    data = xlsx(tem(), tem("A-002", name="扫描电镜", price=85, category=10102, purchase_date="2018/07/15",
                         commission_date="2018年8月1日", share_mode="内部共享", instrument_type="专用"))
    r = upload(api, manager, data)
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"created": 2, "updated": 0, "errors": []}
    first, second = by_inner_id("A-001"), by_inner_id("A-002")
    assert first.unit_id == manager.unit_id and first.price_cny == Decimal("12505000.00")  # 1250.5 万元
    assert (first.model, first.manufacturer, first.country) == ("JEM-2100F", "日本电子株式会社", "日本")
    assert (first.purchase_date, first.commission_date) == (date(2019, 3, 1), date(2019, 5, 6))
    assert (first.share_mode, first.instrument_type, first.status) == ("external", "general", "normal")
    assert first.booking_rules["slot_minutes"] == 30  # the defaults, as for POST
    assert second.category_code == "010102"  # Excel's number 10102 gets its leading zero back
    assert second.price_cny == Decimal("850000.00")
    assert (second.purchase_date, second.commission_date) == (date(2018, 7, 15), date(2018, 8, 1))
    assert (second.share_mode, second.instrument_type) == ("internal", "special")
    listed = api.get("/api/v1/instruments?q=扫描电镜", manager).get_json()
    assert [i["inner_id"] for i in listed["items"]] == ["A-002"]  # search text kept up to date
    created = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "instruments", AuditEvent.action == "create", AuditEvent.actor_id == manager.id))
    assert created == 2


def test_reimport_updates_instead_of_duplicating(api, manager):
    assert upload(api, manager, xlsx(tem(), tem("A-002"))).get_json()["created"] == 2
    r = upload(api, manager, xlsx(tem(price=2000), tem("A-003")))
    assert r.get_json() == {"created": 1, "updated": 1, "errors": []}
    assert count() == 3 and by_inner_id("A-001").price_cny == Decimal("20000000.00")
    update = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert update.changes["price_cny"] == [12505000.0, 20000000.0]
    # Columns absent from the file are kept; an empty cell of a present column clears the field.
    r = upload(api, manager, csv_bytes(["inner_id", "name_en"], ["A-001", ""], ["A-002", "TEM 2"]), "x.csv")
    assert r.get_json() == {"created": 0, "updated": 2, "errors": []}
    assert by_inner_id("A-001").name_en is None and by_inner_id("A-001").model == "JEM-2100F"
    assert by_inner_id("A-002").name_en == "TEM 2"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_chinese_encodings(api, manager, encoding):
    data = csv_bytes(
        ["仪器编号", "中文名称", "型号", "生产厂家", "国别", "原值（元）", "购置日期", "设备分类编码", "联系人"],
        ["C-1", "气相色谱仪", "7890B", "安捷伦科技", "美国", '"12,500,000"', "2019.03.01", '"=""010501"""', "王工"],
        [],
        ["C-2", "液相色谱仪", "1260", "安捷伦科技", "美国", "980000.5", "2019/3/1", "010502", "李工"],
        encoding=encoding,
    )
    r = upload(api, manager, data, "仪器.csv")
    assert r.get_json() == {"created": 2, "updated": 0, "errors": []}
    first = by_inner_id("C-1")
    assert (first.name, first.price_cny, first.contact_name) == ("气相色谱仪", Decimal("12500000.00"), "王工")
    assert first.purchase_date == date(2019, 3, 1) and first.category_code == "010501"
    assert by_inner_id("C-2").price_cny == Decimal("980000.50")


def test_errors_reject_the_whole_file_with_sheet_row_numbers(api, manager):
    data = xlsx(tem("B-1"), [None] * len(HEADER), tem("B-2", category="010100"), tem("B-3", category="123456"),
                before=[["某某大学大型仪器设备清单"], []])  # a title row and a blank row above the header
    r = upload(api, manager, data, headers=EN)
    body = r.get_json()
    assert r.status_code == 200 and body["created"] == 0 and body["updated"] == 0
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(6, "category_code"), (7, "category_code")]
    assert "leaf" in body["errors"][0]["message"]
    assert count() == 0


def test_every_error_of_a_row_is_reported_with_api_field_names(api, manager):
    header = ["仪器编号", "仪器名称", "型号", "制造商", "原值", "分类编码", "电子邮箱", "购置日期", "启用日期",
              "共享模式", "booking_rules"]
    row = ["E-1", "", "M", "Maker", -5, "010101", "not-an-email", "2019-05-01", "2019-04-01", "随便",
           '{"max_minutes": 40, "min_minutes": 60}']
    body = upload(api, manager, xlsx(row, header=header), headers=EN).get_json()
    errors = {e["field"]: e["message"] for e in body["errors"]}
    assert set(errors) == {"name", "price_cny", "contact_email", "commission_date", "share_mode",
                           "booking_rules.max_minutes"}
    assert errors["name"] == "Missing data for required field."
    assert errors["share_mode"].startswith("Must be one of: ") and "外部共享" in errors["share_mode"]
    assert {e["row"] for e in body["errors"]} == {2} and count() == 0


def test_chinese_messages_by_default(api, manager):
    body = upload(api, manager, xlsx(tem(name=None))).get_json()
    assert body["errors"] == [{"row": 2, "field": "name", "message": "缺少必填字段。"}]


def test_duplicate_asset_number_in_one_file(api, manager):
    body = upload(api, manager, xlsx(tem("D-1"), tem("D-2"), tem("D-1")), headers=EN).get_json()
    assert body["created"] == 0 and count() == 0
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(4, "inner_id")]
    assert "row 2" in body["errors"][0]["message"]


def test_partial_import_writes_the_valid_rows(api, manager):
    data = xlsx(tem("P-1"), tem("P-2", category="010100"), tem("P-1"), tem("P-3"))
    body = upload(api, manager, data, query="?partial=1").get_json()
    assert (body["created"], body["updated"]) == (2, 0)
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "category_code"), (4, "inner_id")]
    assert sorted(db.session.scalars(select(Instrument.inner_id))) == ["P-1", "P-3"]


def test_dry_run_counts_and_writes_nothing(api, manager):
    upload(api, manager, xlsx(tem("R-1")))
    data = xlsx(tem("R-1", price=1), tem("R-2"), tem("R-3"))
    assert upload(api, manager, data, query="?dry_run=true").get_json() == {"created": 2, "updated": 1, "errors": []}
    assert count() == 1 and by_inner_id("R-1").price_cny == Decimal("12505000.00")
    with_error = xlsx(tem("R-1", price=1), tem("R-2"), tem("R-3", category="1"))
    assert upload(api, manager, with_error, query="?dry_run=1").get_json()["created"] == 0
    body = upload(api, manager, with_error, query="?dry_run=1&partial=1").get_json()
    assert (body["created"], body["updated"], len(body["errors"])) == (1, 1, 1) and count() == 1


def test_merged_and_blank_cells(api, manager):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(tem("M-1"))
    sheet.append([])
    sheet.append(tem("M-2"))
    sheet.append(tem("M-3"))
    sheet.merge_cells("B4:B5")  # read-only mode shows the value in the top-left cell only
    buffer = io.BytesIO()
    book.save(buffer)
    body = upload(api, manager, buffer.getvalue()).get_json()
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(5, "name")]


def _with_cached_value(data: bytes, formula: str, value: str) -> bytes:
    """openpyxl saves formulas without a result; Excel saves the result too: add it to the XML."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{value}</v>".encode())
            out.writestr(item, content)
    return target.getvalue()


def test_formulas_are_read_as_their_saved_values(api, manager):
    data = _with_cached_value(xlsx(tem("F-1", price="=1000*2"), tem("F-2", price="=2*2")), "1000*2", "2000")
    body = upload(api, manager, data, query="?partial=1", headers=EN).get_json()
    assert body["created"] == 1 and by_inner_id("F-1").price_cny == Decimal("20000000.00")
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "price_cny")]
    assert "formula" in body["errors"][0]["message"]


def test_instructions_sheet_before_the_data(api, manager):
    data = xlsx(tem(), sheets=[("填写说明", [["请按模板填写"], ["带 * 的列必填"]])])
    assert upload(api, manager, data).get_json()["created"] == 1


@pytest.mark.parametrize("data, filename", [
    (b"", "x.xlsx"),
    (b"   \r\n", "x.csv"),
    (b"This is not a workbook", "instruments.xlsx"),
    (b"PK\x03\x04 a broken zip", "instruments.xlsx"),
    ("<html><body>仪器</body></html>".encode(), "instruments.xlsx"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.xlsx"),
    (b"inner_id,name\r\nA,B", "instruments.xls"),
    (b"inner_id,name\r\nA,B", "instruments"),
    ("说明\r\n没有表头".encode(), "x.csv"),
    (b"\xff\xfe\x00\x00\x81\x30", "x.csv"),
])
def test_unreadable_files(api, manager, data, filename):
    r = upload(api, manager, data, filename)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "unreadable_file"
    assert r.get_json()["error"]["message"]


def test_a_zip_that_is_not_a_workbook_is_unreadable(api, manager):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    r = upload(api, manager, buffer.getvalue())
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "unreadable_file"


def test_oversized_upload_is_413(api, manager, app, monkeypatch):
    data = xlsx(*[tem(f"O-{n}") for n in range(200)])
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", len(data) // 2)
    r = upload(api, manager, data)
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "payload_too_large"
    assert count() == 0


def test_row_limit(api, manager, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 2)
    assert upload(api, manager, xlsx(tem("L-1"), tem("L-2"))).status_code == 200
    r = upload(api, manager, xlsx(tem("L-3"), tem("L-4"), tem("L-5")))
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "too_many_rows"


def test_missing_file_field(api, manager):
    r = api.post(URL, manager, data={"other": "x"}, content_type="multipart/form-data")
    assert r.status_code == 422 and list(r.get_json()["error"]["fields"]) == ["file"]
    assert api.post(URL, manager).status_code == 422


def test_who_may_import(api, unit, manager):
    data = xlsx(tem())
    assert upload(api, None, data).status_code == 401
    for roles in (("researcher",), ("evaluator",)):
        r = upload(api, make_user(unit, roles=roles), data)
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert upload(api, make_user(unit, roles=("unit_admin",)), data).get_json()["created"] == 1
    assert count() == 1


def test_unit_id_column(api, unit, manager):
    other = make_unit(name="另一所大学")
    admin = make_user(unit, roles=("admin",))
    header = [*HEADER, "unit_id"]
    into_other = xlsx(tem("U-1", other.id), header=header)
    body = upload(api, manager, into_other).get_json()
    assert body["created"] == 0 and [e["field"] for e in body["errors"]] == ["unit_id"] and count() == 0
    assert upload(api, manager, xlsx(tem("U-1", unit.id), header=header)).get_json()["created"] == 1
    body = upload(api, admin, xlsx(tem("U-1", other.id), tem("U-2", 999_999), header=header)).get_json()
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "unit_id")]
    body = upload(api, admin, into_other).get_json()
    assert body == {"created": 1, "updated": 0, "errors": []}  # same asset number, but another unit
    assert db.session.scalar(select(Instrument.unit_id).where(Instrument.unit_id == other.id)) == other.id
    assert count() == 2


def test_progress_is_reported(ctx, manager):
    calls = []
    result = import_instruments(manager, "x.xlsx", xlsx(*[tem(f"G-{n}") for n in range(450)]),
                                progress=lambda done, total: calls.append((done, total)))
    assert result["created"] == 450 and calls == [(200, 450), (400, 450), (450, 450)]
