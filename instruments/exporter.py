"""Catalogue exports (API.md, ``GET /api/v1/instruments/export``): CSV, XLSX and the national NRII format.

Rows are streamed from the database in chunks (``yield_per``), never loaded all at once, and
each carries only the fields its caller may see (asset numbers and internal notes stay with the
owning unit, evaluators and admins). Spreadsheet cells that a spreadsheet program would run as
a formula are neutralised (OWASP "CSV injection").
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from instruments import services
from instruments.models import Instrument
from instruments.schemas import PRIVATE_FIELDS, InstrumentSchema
from sharing.extensions import db

CHUNK = 500
COLUMNS = list(InstrumentSchema().fields)  # the API field names, in the API's order
DATE_COLUMNS = {"purchase_date", "commission_date", "register_date"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
WIDTHS = {
    "unit_name": 24, "name": 30, "name_en": 30, "model": 20, "manufacturer": 26, "category_name": 16,
    "specs": 40, "functions": 40, "subject_areas": 20, "service_content": 30, "sharing_rules": 40,
    "fee_summary": 30, "booking_url": 30, "location": 30, "contact_email": 24, "booking_rules": 40,
    "internal_notes": 30, "created_at": 26, "updated_at": 26,
}

# The national record's words for our enumerations (research-cn-rules.md §3.1).
NRII_LABELS = {
    "instrument_type": {"general": "通用", "special": "专用"},
    "share_mode": {"internal": "内部共享", "external": "外部共享", "none": "不共享"},
    "source": {"purchase": "购置", "self_built": "研制", "gift": "赠送", "other": "其他"},
    "funding_source": {"central": "中央财政资金", "local": "地方财政资金", "own": "单位自有资金", "other": "其他资金"},
    "typical_state": {"normal": "正常", "standby": "待机", "remote_service": "远程服务中",
                      "occasional_faults": "偶有故障", "frequent_faults": "故障频繁", "awaiting_repair": "待修",
                      "awaiting_disposal": "待报废"},
}
# Without a recorded typical state, today's status is the best guess for the year's.
STATUS_AS_STATE = {"normal": "正常", "faulty": "待修", "under_repair": "待修", "retired": "待报废"}


def neutralise(text: str) -> str:
    """A cell text that Excel/WPS would evaluate (``=HYPERLINK(...)``, ``+1``, ``@SUM``) gets a leading quote."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _instruments(actor, filters: dict) -> Iterator[Instrument]:
    query = services.catalogue_query(actor, filters).execution_options(yield_per=CHUNK)
    return db.session.scalars(query)


def export_rows(actor, filters: dict) -> Iterator[dict]:
    """The instruments matching the list ``filters`` as the API shows them to ``actor``."""
    schema = InstrumentSchema()
    for instrument in _instruments(actor, filters):
        row = schema.dump(instrument)
        if not services.sees_private_fields(actor, instrument.unit_id):
            for key in PRIVATE_FIELDS:
                row.pop(key, None)
        yield row


# --- CSV and XLSX --------------------------------------------------------------------------

def _number_text(value: float) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return neutralise(str(value))


def csv_stream(actor, filters: dict) -> Iterator[str]:
    """UTF-8 text (with a BOM, so that Excel reads the Chinese right) in chunks of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield "\ufeff" + flush()
    for count, row in enumerate(export_rows(actor, filters), 1):
        writer.writerow([_csv_cell(row.get(name)) for name in COLUMNS])
        if count % CHUNK == 0:
            yield flush()
    yield flush()


def _xlsx_cell(name: str, value):
    if name in DATE_COLUMNS and value:
        return date.fromisoformat(value)  # a real date cell
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def xlsx_bytes(actor, filters: dict) -> bytes:
    """An .xlsx workbook (openpyxl write-only mode: rows go to disk, not memory, while it is built)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("instruments")
    for index, name in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(name, max(12, len(name) + 2))
    sheet.freeze_panes = "A2"
    sheet.append(COLUMNS)
    for row in export_rows(actor, filters):
        sheet.append([_xlsx_cell(name, row.get(name)) for name in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the national format -------------------------------------------------------------------

def _yuan_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def fee_text(instrument: Instrument) -> str | None:
    """The fee summary (参考收费标准): the one written by the unit, else one built from the fees."""
    if instrument.fee_summary:
        return instrument.fee_summary
    fees = [("对内", instrument.fee_internal, "小时"), ("对外", instrument.fee_external, "小时"),
            ("送样对内", instrument.fee_sample_internal, "样"), ("送样对外", instrument.fee_sample_external, "样")]
    parts = [f"{label}{_yuan_text(value)}元/{unit}" for label, value, unit in fees if value is not None]
    return "；".join(parts) or None


def worth(price_cny: Decimal) -> float:
    """原值 in 万元 with 2 decimals, as the national format wants it."""
    return float((Decimal(price_cny) / 10_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def nrii_record(instrument: Instrument, with_inner_id: bool) -> dict:
    """One single-instrument record (instruType 4) with the keys of research-cn-rules.md §3.1."""
    state = instrument.typical_state
    record = {"innerId": instrument.inner_id} if with_inner_id else {}
    record.update({
        "cname": instrument.name,
        "ename": instrument.name_en,
        "instrCategory": instrument.category_code,
        "instrVersion": instrument.model,
        "manufacturer": instrument.manufacturer,
        "nation": instrument.country,
        "worth": worth(instrument.price_cny),
        "beginDate": instrument.commission_date.isoformat() if instrument.commission_date else None,
        "type": NRII_LABELS["instrument_type"].get(instrument.instrument_type),
        "technical": instrument.specs,
        "function": instrument.functions,
        "subject": instrument.subject_areas,
        "serviceContent": instrument.service_content,
        "status": NRII_LABELS["typical_state"].get(state) if state else STATUS_AS_STATE.get(instrument.status),
        "shareMode": NRII_LABELS["share_mode"].get(instrument.share_mode),
        "requirement": instrument.sharing_rules,
        "fee": fee_text(instrument),
        "serviceUrl": instrument.booking_url,
        "address": instrument.location,
        "contact": instrument.contact_name,
        "phone": instrument.contact_phone,
        "email": instrument.contact_email,
        "instrSource": NRII_LABELS["source"].get(instrument.source),
        "instrSupervise": "是" if instrument.customs_supervised else "否",
        "funds": NRII_LABELS["funding_source"].get(instrument.funding_source),
        "insideDepart": instrument.department,
    })
    return record


def nrii_records(actor, filters: dict) -> Iterator[dict]:
    for instrument in _instruments(actor, filters):
        yield nrii_record(instrument, services.sees_private_fields(actor, instrument.unit_id))


def nrii_stream(actor, filters: dict) -> Iterator[str]:
    """The records as one JSON list, in chunks of text."""
    parts = ["["]
    for count, record in enumerate(nrii_records(actor, filters)):
        parts.append(("," if count else "") + json.dumps(record, ensure_ascii=False))
        if len(parts) >= CHUNK:
            yield "".join(parts)
            parts = []
    yield "".join(parts) + "]"
