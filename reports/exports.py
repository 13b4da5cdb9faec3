"""CSV and XLSX renderings of the sharing report: the JSON fields in order, numbers unchanged.

The machine-readable form (no ``header``) has exactly the contract's columns (API.md); the forms
for people (``header=zh`` or ``en``) add the extension columns (the weighted and count-based
sharing rates, manually entered hours) after them, and a last line of totals.
CSV is streamed: rows are written as the report's cursor yields them.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import gettext as _

from reports.metrics import EXTRA_FIELDS, HOUR_FIELDS, MONEY_FIELDS, RATIO_FIELDS, ROW_FIELDS, ReportStream

# Chinese column titles for people (``header=zh``), following the national report's vocabulary.
TITLES_ZH = {
    "key": "编号",
    "instrument_count": "仪器台套数",
    "effective_hours": "有效工作机时",
    "internal_hours": "对内服务机时",
    "external_hours": "对外服务机时",
    "sharing_rate": "共享率",
    "rated_hours": "定额机时",
    "utilization": "机时利用率",
    "income_internal": "对内服务收入（元）",
    "income_external": "对外服务收入（元）",
    "yield_rate": "收益率",
    "samples": "样品数",
    "bookings": "预约数",
    "no_shows": "爽约数",
    "rating_avg": "平均评分",
    "rating_count": "评价数",
    "flags": "预警",
    "weighted_sharing_rate": "加权共享率",
    "instruments_with_external": "对外服务仪器数",
    "count_sharing_rate": "对外共享仪器比例",
    "manual_hours": "手工录入机时",
    "manual_share": "手工录入机时占比",
}
KEY_TITLES_ZH = {"instrument": "仪器编号", "unit": "单位编号", "category": "分类代码"}
TOTAL_KEY_ZH = "合计"


def columns(header: str | None) -> tuple[str, ...]:
    return ROW_FIELDS if header is None else ROW_FIELDS + EXTRA_FIELDS


def header_row(group_by: str, header: str | None) -> list[str]:
    if header != "zh":
        return list(columns(header))
    return [KEY_TITLES_ZH[group_by] if f == "key" else TITLES_ZH[f] for f in columns(header)]


def lines(report, group_by: str, header: str | None) -> Iterator[list]:
    """Header, one line per row and, for people (``header`` given), a last line of totals.

    ``report`` is a ``ReportStream`` (its totals are known after the rows) or a finished report
    dict. The machine-readable form has rows only, so every ``key`` is an id or a code.
    """
    fields = columns(header)
    yield header_row(group_by, header)
    rows = report if isinstance(report, ReportStream) else report["rows"]
    for row in rows:
        yield [";".join(row["flags"]) if f == "flags" else row[f] for f in fields]
    if header is not None:
        totals = report.totals if isinstance(report, ReportStream) else report["totals"]
        total_key = TOTAL_KEY_ZH if header == "zh" else "total"
        yield [{**totals, "key": total_key, "flags": ""}[f] for f in fields]


def csv_chunks(report, group_by: str, header: str | None, batch: int = 500) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (Excel then reads Chinese correctly), in chunks of ``batch`` lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")
    for count, line in enumerate(lines(report, group_by, header), start=1):
        writer.writerow(["" if value is None else value for value in line])
        if count % batch == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


NUMBER_FORMATS = {**{f: "#,##0.00" for f in HOUR_FIELDS + MONEY_FIELDS}, **{f: "0.00%" for f in RATIO_FIELDS},
                  "rating_avg": "0.00"}


def _display_width(text) -> int:
    """Columns a text takes in a spreadsheet: Chinese characters are about two wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def to_xlsx(report: dict, group_by: str, header: str | None, about: list[tuple[str, str]] = ()) -> bytes:
    """The report's sheet (values exactly as in JSON; ratios shown as percentages) and a second
    sheet stating what the figures are: ``about`` lines such as the window, scope and settings."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Sharing report")[:31]
    for line in lines(report, group_by, header):
        sheet.append(line)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if header is not None:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)  # the totals
    sheet.freeze_panes = "B2"
    for index, field in enumerate(columns(header), start=1):
        number_format = NUMBER_FORMATS.get(field)
        column = sheet.cell(row=1, column=index).column_letter
        widest = max((_display_width(c.value) for (c,) in sheet.iter_rows(min_col=index, max_col=index)
                      if c.value is not None), default=8)
        sheet.column_dimensions[column].width = min(max(10, widest + 2), 40)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    if about:
        notes = book.create_sheet(_("About these figures")[:31])
        for label, value in about:
            notes.append([label, value])
        for (cell,) in notes.iter_rows(min_col=1, max_col=1):
            cell.font = Font(bold=True)
        notes.column_dimensions["A"].width = 24
        notes.column_dimensions["B"].width = 100
        for (cell,) in notes.iter_rows(min_col=2, max_col=2):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def about_lines(window_from, window_to, group_by: str, min_price, unit_name: str | None, category: str | None,
                settings: dict, generated_at: str) -> list[tuple[str, str]]:
    """What a reader of the workbook needs to reproduce its figures: window, scope and settings."""
    from reports.display import COLUMN_HELP, COLUMN_LABELS, FLAG_LABELS

    rows = {"instrument": _("By instrument"), "unit": _("By unit"), "category": _("By category")}[group_by]
    lines = [
        (_("Report"), _("Sharing report")),
        (_("Period"), _("From %(start)s to %(end)s (end not included)", start=window_from.isoformat(),
                        end=window_to.isoformat())),
        (_("Rows"), rows),
        (_("Scope"), _("Instruments with an original value of at least %(price)s yuan", price=f"{min_price:,.0f}")),
        (_("Unit"), unit_name or _("All units")),
        (_("Category"), category or _("All categories")),
        (_("Effective purposes"), ", ".join(settings["effective_purposes"])),
        (_("Rated hours"), _("The instrument's own, else its category's (inherited up the tree), else "
                             "%(general)s h for general and %(special)s h for special instruments; pro-rated to "
                             "the period.", general=settings["rated_hours_defaults"]["general"],
                             special=settings["rated_hours_defaults"]["special"])),
    ]
    lines += [(str(COLUMN_LABELS[field]), str(text)) for field, text in COLUMN_HELP.items()]
    lines += [(f"{FLAG_LABELS[code]} ({code})", text) for code, text in settings["flag_rules"].items()]
    lines.append((_("Generated"), generated_at))
    return lines

