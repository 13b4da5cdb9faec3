"""Service records in the national format (API.md, ``GET /api/v1/reports/service-records``).

One record per non-voided usage log *starting* in the window ``[from, to)`` (rules.md §7,
research-cn-rules.md §3.3, NRII ``instruType`` 6). The records come from ONE query joining the
ledger with its instrument, user, the user's unit, the rating and the booking; the cursor is read in
chunks (``yield_per``), so a year of a whole cluster never sits in memory. Writers:

- ``csv_chunks``: UTF-8 with a BOM, a header row of field names (or Chinese titles), streamed;
- ``xlsx_file``: openpyxl write-only workbook in a temporary file (memory stays flat);
- ``nrii_chunks``: a JSON list of records, as the single-instrument export (``instruments.exporter``)
  gives the national format: bare list, Chinese names for the enumerations, streamed.

Field decisions (values are the national ones, not translated to the reader's language):

- ``serviceWay``: the national *names* 占用共享 / 技术共享 / 委托共享 / 远程共享 (research-cn-rules §3.3
  lists names, and the single-instrument export uses names for its enumerations too);
- ``serviceType``: 120 internal user / 130 external (``is_external``), an integer code;
- ``serviceDirection``: integer code; research → 135 科学研究, social_service → 136 科技开发 (work done
  for enterprises and society is the national "development" direction), teaching and training →
  137 教学, maintenance → 138 其他;
- ``serviceAmount``: hours rounded half-up to 0.1; for ``entrust`` the sample count (the hours
  when an entrusted log has no sample count);
- ``serviceContent``: the log's comment, else the booking's purpose, else the purpose's Chinese name;
  at most 200 characters;
- ``recordInnerId``: the usage log id as text (an inner id, like ``innerId``);
- ``comment``: the national rating label (非常满意 … 极差) or empty.
"""
from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import false, func, select

from bookings.ledger_models import RATING_LABELS_ZH, Rating
from bookings.models import Booking, UsageLog
from instruments.exporter import neutralise
from instruments.models import Instrument
from sharing.accounts.models import User
from sharing.extensions import db
from sharing.timeutil import platform_tz
from sharing.units.models import Unit

CHUNK = 1000
FIELDS = ("innerId", "recordInnerId", "serviceTime", "endTime", "amounts", "serviceContent", "serviceWay",
          "serviceAmount", "serviceType", "serviceDirection", "applicant", "applicantUnit", "comment")
TITLES_ZH = {
    "innerId": "所在单位仪器编号",
    "recordInnerId": "服务记录编号",
    "serviceTime": "服务开始时间",
    "endTime": "服务结束时间",
    "amounts": "服务金额（元）",
    "serviceContent": "服务内容",
    "serviceWay": "共享方式",
    "serviceAmount": "服务量",
    "serviceType": "服务对象类型",
    "serviceDirection": "服务方向",
    "applicant": "申请人",
    "applicantUnit": "申请人单位",
    "comment": "用户评价",
}
WIDTHS = {"innerId": 18, "recordInnerId": 14, "serviceTime": 16, "endTime": 16, "amounts": 14,
          "serviceContent": 40, "serviceWay": 12, "serviceAmount": 10, "serviceType": 14, "serviceDirection": 12,
          "applicant": 14, "applicantUnit": 30, "comment": 12}
TEXT_FIELDS = {"innerId", "recordInnerId", "serviceTime", "endTime", "serviceContent", "serviceWay", "applicant",
               "applicantUnit", "comment"}

SERVICE_WAY_NRII = {"occupy": "占用共享", "guided": "技术共享", "entrust": "委托共享", "remote": "远程共享"}
USER_TYPE_INTERNAL, USER_TYPE_EXTERNAL = 120, 130
DIRECTION_CODES = {"research": 135, "social_service": 136, "teaching": 137, "training": 137, "maintenance": 138}
DIRECTION_OTHER = 138
# The default service content: the purpose in the record's language (Chinese, like the record's other words).
PURPOSE_ZH = {"research": "科学研究", "teaching": "教学", "social_service": "社会服务", "training": "培训",
              "maintenance": "维护保养"}
CONTENT_MAX = 200
TIME_FORMAT = "%Y-%m-%d %H"


# --- the query ---------------------------------------------------------------------------------

def _window_filter(query, window_start: datetime, window_end: datetime, unit_id: int | None):
    query = query.where(UsageLog.voided == false(), UsageLog.start >= window_start, UsageLog.start < window_end)
    if unit_id is not None:
        query = query.where(Instrument.unit_id == unit_id)
    return query


def count_records(window_start: datetime, window_end: datetime, unit_id: int | None = None) -> int:
    """How many records the export will hold (one cheap COUNT, for ``X-Total-Records``)."""
    query = select(func.count(UsageLog.id)).select_from(UsageLog)
    if unit_id is not None:
        query = query.join(Instrument, Instrument.id == UsageLog.instrument_id)
    return db.session.scalar(_window_filter(query, window_start, window_end, unit_id)) or 0


def records_query(window_start: datetime, window_end: datetime, unit_id: int | None = None):
    """The one query: logs with their instrument, user, user's unit, rating and booking."""
    query = (
        select(UsageLog.id, UsageLog.start, UsageLog.end, UsageLog.fee, UsageLog.service_way, UsageLog.sample_count,
               UsageLog.is_external, UsageLog.purpose, UsageLog.comment, Instrument.inner_id,
               User.name.label("user_name"), Unit.name.label("unit_name"), Rating.score,
               Booking.purpose.label("booking_purpose"))
        .select_from(UsageLog)
        .join(Instrument, Instrument.id == UsageLog.instrument_id)
        .join(User, User.id == UsageLog.user_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .outerjoin(Rating, Rating.usage_log_id == UsageLog.id)
        .outerjoin(Booking, Booking.id == UsageLog.booking_id)
    )
    query = _window_filter(query, window_start, window_end, unit_id)
    return query.order_by(UsageLog.instrument_id, UsageLog.start, UsageLog.id).execution_options(yield_per=CHUNK)


# --- one record --------------------------------------------------------------------------------

def _number(value: Decimal) -> int | float:
    """A JSON number: an integer when it has no fraction."""
    return int(value) if value == value.to_integral_value() else float(value)


def service_hours(start: datetime, end: datetime) -> Decimal:
    """Hours rounded half up to 0.1, in integer arithmetic (0.1 h = 360 s)."""
    tenths = (int((end - start).total_seconds()) + 180) // 360
    return Decimal(tenths).scaleb(-1)


def service_content(comment: str | None, booking_purpose: str | None, purpose: str) -> str:
    for text in (comment, booking_purpose):
        text = (text or "").strip()
        if text:
            return text[:CONTENT_MAX]
    return PURPOSE_ZH.get(purpose, "其他")


def to_record(row, tz=None) -> dict:
    """One service record (research-cn-rules.md §3.3) from a row of ``records_query``.

    ``tz``: the platform zone, looked up once per export by ``records`` (it is per row otherwise).
    """
    tz = tz or platform_tz()
    if row.service_way == "entrust" and row.sample_count is not None:
        amount = row.sample_count
    else:
        amount = _number(service_hours(row.start, row.end))
    fee = Decimal(row.fee if row.fee is not None else 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return {
        "innerId": row.inner_id,
        "recordInnerId": str(row.id),
        "serviceTime": row.start.astimezone(tz).strftime(TIME_FORMAT),
        "endTime": row.end.astimezone(tz).strftime(TIME_FORMAT),
        "amounts": _number(fee),
        "serviceContent": service_content(row.comment, row.booking_purpose, row.purpose),
        "serviceWay": SERVICE_WAY_NRII.get(row.service_way, "其他"),
        "serviceAmount": amount,
        "serviceType": USER_TYPE_EXTERNAL if row.is_external else USER_TYPE_INTERNAL,
        "serviceDirection": DIRECTION_CODES.get(row.purpose, DIRECTION_OTHER),
        "applicant": row.user_name,
        "applicantUnit": row.unit_name or "",
        "comment": RATING_LABELS_ZH.get(row.score, "") if row.score is not None else "",
    }


def records(window_start: datetime, window_end: datetime, unit_id: int | None = None) -> Iterator[dict]:
    """The records, in instrument then start order, read from the cursor in chunks."""
    tz = platform_tz()
    for row in db.session.execute(records_query(window_start, window_end, unit_id)):
        yield to_record(row, tz)


# --- writers ------------------------------------------------------------------------------------

def header_row(header: str | None) -> list[str]:
    return [TITLES_ZH[f] for f in FIELDS] if header == "zh" else list(FIELDS)


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if type(value) is int:  # the common cases first: codes and counts, then amounts with a fraction
        return str(value)
    if type(value) is float:
        return repr(value)  # the shortest text that reads back as the same number
    if isinstance(value, int | float):
        return format(Decimal(str(value)).normalize(), "f")
    return neutralise(str(value))


def csv_chunks(rows, header: str | None = None, batch: int = 500) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (Excel then reads the Chinese right), in chunks of ``batch`` lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow(header_row(header))
    yield out.getvalue().encode("utf-8")
    out.seek(0)
    out.truncate()
    for count, record in enumerate(rows, start=1):
        writer.writerow([_csv_cell(record[f]) for f in FIELDS])
        if count % batch == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def nrii_chunks(rows, batch: int = 500) -> Iterator[bytes]:
    """The records as one JSON list (the national push format's shape), in chunks of text."""
    parts = ["["]
    for count, record in enumerate(rows):
        parts.append(("," if count else "") + json.dumps(record, ensure_ascii=False))
        if len(parts) >= batch:
            yield "".join(parts).encode("utf-8")
            parts = []
    yield ("".join(parts) + "]").encode("utf-8")


def _xlsx_value(field: str, value):
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)) if field in TEXT_FIELDS else value
    return value


def xlsx_file(rows, header: str | None = "zh", sheet_title: str = "服务记录"):
    """An .xlsx workbook in a temporary file, rewound; openpyxl's write-only mode keeps memory flat.

    The header row is frozen and bold; the fee column has two decimals.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    for index, field in enumerate(FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(field, 12)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    titles = []
    for title in header_row(header):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    for record in rows:
        line = []
        for field in FIELDS:
            value = _xlsx_value(field, record[field])
            if field == "amounts":
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "0.00"
                value = cell
            line.append(value)
        sheet.append(line)
    target = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    book.save(target)
    target.seek(0)
    return target
