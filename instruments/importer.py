"""Bulk import of the catalogue from an .xlsx or .csv file (API.md, ``POST /api/v1/instruments/import``).

The file is read from memory (no temporary files) into rows; the header row is mapped to API
fields (API names or the usual Chinese column titles); every row is converted to what the JSON
API would receive and checked with the same schemas and rules as POST/PATCH. Nothing is
written when any row is wrong, unless ``partial``; everything is written in one transaction.

Speed matters (10,000 rows in seconds), so nothing is queried per row: existing instruments,
units and the leaves of the classification are loaded once, new rows are flushed in chunks.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import zip_longest

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from bookings.rules import merged_rules
from instruments import services
from instruments.exporter import FORMULA_PREFIXES, NRII_LABELS
from instruments.models import INSTRUMENT_STATUSES, Category, Instrument
from instruments.schemas import REQUIRED_ON_CREATE, InstrumentCreateSchema, InstrumentUpdateSchema
from sharing import roles as policy
from sharing.errors import ApiError, forbidden, translate_message
from sharing.extensions import db
from sharing.units.models import Unit

log = logging.getLogger(__name__)

DEFAULT_MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in asset-system exports
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024  # an .xlsx is a zip: refuse "zip bombs" before parsing
FLUSH_CHUNK = 500
LOOKUP_CHUNK = 5_000  # bound parameters per query stay well below SQLite's and PostgreSQL's limits
PROGRESS_EVERY = 200

# --- column titles -------------------------------------------------------------------------

_TITLES = {
    "inner_id": "所在单位仪器编号 单位仪器编号 仪器编号 资产编号 内部编号 仪器设备编号",
    "name": "仪器名称 中文名称 仪器中文名称 设备名称 仪器设备名称", "name_en": "英文名称 仪器英文名称",
    "model": "规格型号 型号规格 型号 仪器型号", "manufacturer": "生产制造商 生产厂家 制造商 生产厂商 厂家",
    "country": "产地国别 国别 产地 生产国别", "price_cny": "原值 仪器原值 单价 价格",
    "purchase_date": "购置日期 购买日期 购入日期", "commission_date": "启用日期 投入使用日期",
    "register_date": "建账日期 入账日期", "category_code": "分类编码 仪器分类编码 设备分类编码",
    "asset_class_code": "资产分类号 资产分类代码 资产分类编码", "specs": "主要技术指标 技术指标",
    "functions": "主要功能 功能", "service_content": "服务内容", "subject_areas": "主要学科领域 学科领域",
    "sharing_rules": "对外开放共享规定 开放共享规定 共享规定", "fee_summary": "参考收费标准 收费标准",
    "booking_url": "预约服务网址 预约网址", "location": "安放地址 放置地点 安放地点 存放地点",
    "city": "所在城市 城市", "contact_name": "联系人", "contact_phone": "联系电话 电话",
    "contact_email": "电子邮箱 邮箱 电子邮件", "instrument_type": "仪器类别", "share_mode": "共享模式",
    "status": "运行状态 状态", "fee_internal": "对内收费 对内收费标准 校内收费标准 校内收费 内部收费",
    "fee_external": "对外收费 对外收费标准 校外收费标准 校外收费", "department": "所属部门 所属单位内部门 部门",
    "source": "仪器来源 仪器设备来源", "funding_source": "经费来源 主要购置经费来源 购置经费来源",
    "customs_supervised": "海关监管情况 海关监管", "rated_hours": "额定机时 定额机时", "internal_notes": "备注",
}
TITLES = {title: name for name, titles in _TITLES.items() for title in titles.split()}
API_FIELDS = set(InstrumentUpdateSchema().fields)

MONEY = {"price_cny", "fee_internal", "fee_external", "fee_sample_internal", "fee_sample_external"}
DATES = {"purchase_date", "commission_date", "register_date"}
INTEGERS = {"rated_hours", "unit_id"}
# Columns whose empty cell means "default / unchanged" rather than null (the fields are not nullable).
KEEP_WHEN_BLANK = {"instrument_type", "share_mode", "status", "customs_supervised", "booking_rules", "unit_id"}


def _choices() -> dict[str, dict[str, str]]:
    """Cell text → API value: the national (Chinese) labels, common synonyms and the API values."""
    choices = {name: {label: value for value, label in labels.items()} | {value: value for value in labels}
               for name, labels in NRII_LABELS.items()}
    choices["share_mode"].update({"对外共享": "external", "开放共享": "external"})
    choices["source"].update({"自研": "self_built", "自制": "self_built", "捐赠": "gift"})
    choices["funding_source"].update({"中央财政": "central", "地方财政": "local", "自有资金": "own", "其他": "other"})
    # 运行状态 in asset systems is today's state; the national "typical state" words map where they imply one.
    choices["status"] = {"正常": "normal", "待机": "normal", "远程服务中": "normal", "偶有故障": "normal",
                         "故障": "faulty", "故障频繁": "faulty", "维修中": "under_repair", "待修": "under_repair",
                         "报废": "retired", "已报废": "retired"} | {value: value for value in INSTRUMENT_STATUSES}
    return choices


CHOICES = _choices()
BOOLEANS = {"是": True, "否": False, "true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s/>]")


@dataclass(frozen=True)
class Column:
    field: str
    scale: int = 1  # 10,000 for a price column titled in 万元


def normalise_title(title) -> str:
    """``"*原值（万元）"`` → ``"原值(万元)"``: NFKC, no white space, no required-column asterisks."""
    text = unicodedata.normalize("NFKC", str(title))
    return re.sub(r"\s+", "", text).strip("*")


def column_for(title) -> Column | None:
    text = normalise_title(title)
    # "原值(元)", "原值万元", "仪器名称(必填)": a unit or a note is not part of the title.
    for candidate in (text, re.sub(r"\(.*?\)|万?元$", "", text)):
        name = candidate.lower() if candidate.lower() in API_FIELDS else TITLES.get(candidate)
        if name:
            return Column(name, 10_000 if name == "price_cny" and "万元" in text else 1)
    return None


# --- reading the file ----------------------------------------------------------------------

UNCALCULATED = object()  # a formula cell saved without its calculated value


@dataclass
class Table:
    columns: dict[int, Column]  # cell index → column
    rows: list[tuple[int, tuple]] = field(default_factory=list)  # (sheet row number, cells)


def _unreadable(message: str) -> ApiError:
    return ApiError(422, "unreadable_file", message)


def _collect(numbered_rows, max_rows: int) -> Table | None:
    """The header (first non-blank row with known titles) and the non-blank rows below it."""
    table, skipped = None, 0
    for number, cells in numbered_rows:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue  # a blank row; the rows below keep their sheet numbers
        if table is not None:
            table.rows.append((number, cells))
            if len(table.rows) > max_rows:
                raise ApiError(422, "too_many_rows",
                               _("The file has more than %(max)d rows. Split it into smaller files.", max=max_rows))
            continue
        columns = {}
        for index, title in enumerate(cells):
            column = column_for(title) if title is not None else None
            if column and column.field not in {c.field for c in columns.values()}:
                columns[index] = column
        if columns:
            table = Table(columns)
        else:
            skipped += 1
            if skipped >= HEADER_SEARCH_ROWS:
                return None
    return table


def _zip_has_formulas(data: bytes) -> bool:
    """Checks the archive's size and whether any part holds a formula, without parsing the XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise _unreadable(_("The workbook is too large when unpacked."))
        for member in members:
            if member.filename.endswith(".xml"):  # sheets usually live in xl/worksheets/, but may not
                with archive.open(member) as stream:
                    tail = b""
                    while chunk := stream.read(1 << 20):
                        if FORMULA_TAG.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    return False


def _sheet_rows(values_sheet, formulas_sheet):
    """(row number, cells) of a sheet; with ``formulas_sheet``, formulas lacking a value are marked.

    Read-only mode shows a formula's cached value; a formula never calculated (written by a
    program, not by Excel) reads as empty, so a second reading that shows formulas tells it apart.
    """
    values_sheet.reset_dimensions()  # trust the cells, not the (often stale) <dimension> element
    rows = values_sheet.iter_rows(values_only=True)
    if formulas_sheet is None:
        yield from enumerate(rows, 1)
        return
    formulas_sheet.reset_dimensions()
    for number, (values, formulas) in enumerate(zip(rows, formulas_sheet.iter_rows(values_only=True)), 1):
        yield number, tuple(UNCALCULATED if v is None and f is not None else v
                            for v, f in zip_longest(values, formulas))


def _read_xlsx(data: bytes, max_rows: int) -> Table | None:
    has_formulas = _zip_has_formulas(data)
    values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = load_workbook(io.BytesIO(data), read_only=True) if has_formulas else None
    try:
        for sheet in values.worksheets:  # the first sheet with a header (an instructions sheet may come first)
            table = _collect(_sheet_rows(sheet, formulas[sheet.title] if formulas else None), max_rows)
            if table is not None:
                return table
        return None
    finally:
        values.close()
        if formulas is not None:
            formulas.close()


def _read_csv(data: bytes, max_rows: int) -> Table | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # a superset of GBK, what Excel saves on Chinese Windows
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _collect(enumerate(reader, 1), max_rows)


READERS = {".xlsx": _read_xlsx, ".csv": _read_csv}


def _damaged_message(suffix: str) -> str:
    if suffix == ".csv":
        return _("The file could not be read as CSV text (UTF-8 or GB18030).")
    return _("The file could not be read as an Excel workbook. Save it again in Excel as .xlsx, or as .csv.")


def read_table(filename: str, data: bytes) -> Table:
    """The header and data rows of an uploaded file; 422 ``unreadable_file`` when there are none."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in READERS:
        raise _unreadable(_("Upload the catalogue as an .xlsx or .csv file."))
    if not data.strip():
        raise _unreadable(_("The file is empty."))
    max_rows = current_app.config.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    try:
        table = READERS[suffix](data, max_rows)
    except ApiError:
        raise
    except Exception as exc:
        # Uploads are untrusted; openpyxl, zipfile, codecs and csv report damage with many exception types.
        log.info("unreadable import file %r: %r", filename, exc)
        raise _unreadable(_damaged_message(suffix)) from exc
    if table is None:
        raise _unreadable(_("No header row with known column titles (such as 仪器名称 or name) was found."))
    return table


# --- cell values ---------------------------------------------------------------------------

EMPTY = object()


class CellError(Exception):
    """A cell that cannot be converted; ``args[0]`` is the translated message."""


def _plain(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _text(value, column: Column) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # asset numbers and phone numbers that Excel stored as numbers
    elif isinstance(value, datetime) and value == datetime(value.year, value.month, value.day):
        value = value.date()
    text = str(value)
    if text[:1] == "'" and text[1:2] in FORMULA_PREFIXES:
        text = text[1:]  # undo the exporter's protection against formula injection
    return text


def _number(value, column: Column) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        try:
            number = Decimal(re.sub(r"[\s,¥]", "", _plain(value)))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise CellError(_("Not a valid number."))
    return number * column.scale


def _date(value, column: Column) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    match = DATE_TEXT.fullmatch(_plain(value))
    if match:
        try:
            return date(*map(int, match.groups())).isoformat()
        except ValueError:
            pass
    raise CellError(_("Not a valid date."))


def _integer(value, column: Column) -> int:
    text = _plain(_text(value, column))
    if not re.fullmatch(r"[+-]?\d+", text, re.ASCII):
        raise CellError(_("Not a valid integer."))
    return int(text)


def _category(value, column: Column) -> str:
    """Excel turns ``010101`` into the number 10101: give it its leading zero back."""
    text = _plain(_text(value, column))
    return text.zfill(6) if re.fullmatch(r"\d{1,5}", text, re.ASCII) else text


def _choice(value, column: Column) -> str:
    text = _plain(value)
    choices = CHOICES[column.field]
    found = choices.get(text) or choices.get(text.lower())
    if found is None:
        raise CellError(_("Must be one of: %(choices)s.", choices=", ".join(choices)))
    return found


def _boolean(value, column: Column) -> bool:
    found = BOOLEANS.get(_plain(_text(value, column)).lower())
    if found is None:
        raise CellError(_("Not a valid boolean."))
    return found


def _rules(value, column: Column) -> dict:
    try:
        rules = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        rules = None
    if not isinstance(rules, dict):
        raise CellError(_("Enter the booking rules as a JSON object."))
    return rules


CONVERTERS = {
    **{name: _number for name in MONEY}, **{name: _date for name in DATES},
    **{name: _integer for name in INTEGERS}, **{name: _choice for name in CHOICES},
    "category_code": _category, "customs_supervised": _boolean, "booking_rules": _rules,
}


def convert(value, column: Column):
    """One cell as the JSON API would receive it; ``EMPTY`` for a blank cell; CellError if unusable."""
    if value is UNCALCULATED:
        raise CellError(_("The formula in this cell has no saved result. "
                          "Open the file in Excel, save it and upload it again."))
    if isinstance(value, str):
        value = value.strip()
        if value.startswith('="') and value.endswith('"'):
            value = value[2:-1]  # ="010101": how CSV exports keep Excel from dropping leading zeros
        if value in EXCEL_ERRORS:
            raise CellError(_("The cell holds a spreadsheet error (%(error)s).", error=value))
    if value is None or value == "":
        return EMPTY
    return CONVERTERS.get(column.field, _text)(value, column)


# --- checking rows -------------------------------------------------------------------------

@dataclass
class Row:
    number: int
    values: dict
    errors: dict[str, list[str]] = field(default_factory=dict)
    unit_id: int | None = None

    def add(self, name: str, message: str) -> None:
        messages = self.errors.setdefault(name, [])
        if message not in messages:
            messages.append(message)

    def add_all(self, messages, prefix: str = "") -> None:
        """Marshmallow's nested messages, under API field names (``booking_rules.max_minutes``)."""
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix and not isinstance(key, int) else prefix or str(key)
            if isinstance(value, dict):
                self.add_all(value, name)
            else:
                for message in value if isinstance(value, list) else [value]:
                    if isinstance(message, dict):
                        self.add_all(message, name)
                    else:
                        self.add(name, translate_message(str(message)))


def _draft(number: int, cells: tuple, columns: dict[int, Column], actor) -> Row:
    row = Row(number, {})
    for index, column in columns.items():
        try:
            value = convert(cells[index] if index < len(cells) else None, column)
        except CellError as exc:
            row.add(column.field, exc.args[0])
            continue
        if value is not EMPTY:
            row.values[column.field] = value
        elif column.field in REQUIRED_ON_CREATE:  # also what a merged cell's lower rows look like
            row.add(column.field, _("Missing data for required field."))
        elif column.field not in KEEP_WHEN_BLANK:
            row.values[column.field] = None  # the file is the record: an empty cell clears the field
    row.unit_id = row.values.pop("unit_id", actor.unit_id) if "unit_id" not in row.errors else None
    return row


def _existing(unit_ids: set[int], inner_ids: set[str]) -> dict[tuple[int, str], Instrument]:
    """The instruments the file's rows refer to, by (unit, asset number), in few queries."""
    found, wanted = {}, sorted(inner_ids)
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        query = (select(Instrument).options(lazyload("*"))
                 .where(Instrument.unit_id.in_(unit_ids), Instrument.inner_id.in_(wanted[start:start + LOOKUP_CHUNK])))
        found.update(((i.unit_id, i.inner_id), i) for i in db.session.scalars(query))
    return found


@dataclass
class Plan:
    """What the valid rows will do."""

    new: list[dict] = field(default_factory=list)  # fields of instruments to create, with unit_id
    changes: list[tuple[Instrument, dict]] = field(default_factory=list)


class Checker:
    """Checks rows with the rules of POST/PATCH, against data loaded once for the whole file."""

    def __init__(self, actor, columns: set[str], rows: list[Row]):
        self.actor = actor
        self.units = (set(db.session.scalars(select(Unit.id))) if policy.is_admin(actor) else {actor.unit_id})
        parents = select(Category.parent_code).where(Category.parent_code.is_not(None))
        self.leaves = set(db.session.scalars(select(Category.code).where(Category.code.not_in(parents))))
        self.existing = _existing({r.unit_id for r in rows if r.unit_id in self.units},
                                  {r.values["inner_id"] for r in rows if r.values.get("inner_id")})
        self.seen: dict[tuple[int, str], int] = {}
        self.default_rules = json.dumps(merged_rules(None, None))
        # Only the file's columns (and the required ones): marshmallow visits every declared field per row.
        columns = columns - {"unit_id"}
        self.create_schema = InstrumentCreateSchema(only=columns | set(REQUIRED_ON_CREATE))
        self.update_schema = InstrumentUpdateSchema(only=columns)

    def check(self, row: Row, plan: Plan) -> None:
        """Adds the row's errors to it, or its change to ``plan``."""
        unit_id = row.unit_id
        if unit_id is not None and not policy.can_manage_instruments_of(self.actor, unit_id):
            row.add("unit_id", _("You may only import instruments of units you manage."))
        elif unit_id is not None and unit_id not in self.units:
            row.add("unit_id", _("No such unit."))
        key = (unit_id, row.values.get("inner_id"))
        if key in self.seen:
            row.add("inner_id", _("This asset number already appears in row %(row)d.", row=self.seen[key]))
        elif key[1] and not row.errors.get("unit_id"):
            self.seen[key] = row.number
        instrument = self.existing.get(key)
        data = self._load(row, instrument)
        if row.errors:
            return
        if instrument is None:
            plan.new.append({"unit_id": unit_id, **data})
        else:
            plan.changes.append((instrument, data))

    def _load(self, row: Row, instrument: Instrument | None) -> dict:
        schema = self.update_schema if instrument else self.create_schema
        try:
            data = schema.load(row.values)
        except ValidationError as exc:
            # A cell that could not be read already has its error; "missing" would only repeat it.
            row.add_all({k: v for k, v in exc.messages.items() if k not in row.errors})
            data = exc.valid_data or {}
        code = data.get("category_code")
        if code is not None and code not in self.leaves:  # categories.is_leaf, without two queries per row
            row.add("category_code",
                    _("Choose a leaf of the national classification (a code without sub-codes)."))
        row.add_all(services.problems({k: v for k, v in data.items() if k != "category_code"}, instrument))
        if "booking_rules" in data:
            try:
                data["booking_rules"] = merged_rules(instrument.booking_rules if instrument else None,
                                                     data["booking_rules"])
            except ValidationError as exc:
                row.add_all(exc.messages)
        elif instrument is None:
            data["booking_rules"] = json.loads(self.default_rules)  # a fresh copy, faster than deepcopy
        return data


# --- the import ----------------------------------------------------------------------------

def _write(plan: Plan) -> None:
    """One transaction; new instruments are flushed in chunks (the audit trail is written per flush)."""
    try:
        for instrument, data in plan.changes:
            for key, value in data.items():
                if getattr(instrument, key) != value:  # unchanged rows stay clean: no UPDATE, no audit work
                    setattr(instrument, key, value)
        for start in range(0, len(plan.new), FLUSH_CHUNK):
            db.session.add_all(Instrument(**data) for data in plan.new[start:start + FLUSH_CHUNK])
            db.session.flush()
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        if isinstance(exc, IntegrityError) and "inner_id" in str(exc.orig):  # a concurrent registration
            message = _("This asset number is already registered in the unit.")
            raise ApiError(409, "duplicate_inner_id", message, fields={"inner_id": [message]}) from exc
        raise


def import_instruments(actor, filename: str, data: bytes, *, dry_run: bool = False, partial: bool = False,
                       progress=None) -> dict:
    """Create or update instruments from a spreadsheet; see the module docstring and API.md.

    Returns ``{"created", "updated", "errors": [{"row", "field", "message"}]}``. With errors and
    without ``partial`` nothing is written and both counts are 0; ``dry_run`` reports exactly
    what the same call would report, and writes nothing. ``progress(done, total)`` is called
    every 200 checked rows and once at the end.
    """
    if not (policy.is_admin(actor) or policy.can_manage_instruments_of(actor, actor.unit_id)):
        raise forbidden()
    table = read_table(filename, data)
    rows = [_draft(number, cells, table.columns, actor) for number, cells in table.rows]
    columns = {column.field for column in table.columns.values()}
    checker, plan, errors = Checker(actor, columns, rows), Plan(), []
    for done, row in enumerate(rows, 1):
        checker.check(row, plan)
        errors.extend({"row": row.number, "field": name, "message": message}
                      for name, messages in row.errors.items() for message in messages)
        if progress and done % PROGRESS_EVERY == 0 and done < len(rows):
            progress(done, len(rows))
    if errors and not partial:
        plan = Plan()
    if not dry_run and (plan.new or plan.changes):
        _write(plan)
    if progress:
        progress(len(rows), len(rows))
    return {"created": len(plan.new), "updated": len(plan.changes), "errors": errors}
