"""CSV and XLSX renderings of the sharing report: the JSON fields in order, numbers unchanged."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from reports.metrics import HOUR_FIELDS, MONEY_FIELDS, RATIO_FIELDS, ROW_FIELDS

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
}
KEY_TITLES_ZH = {"instrument": "仪器编号", "unit": "单位编号", "category": "分类代码"}
TOTAL_KEY_ZH = "合计"


def header_row(group_by: str, header: str | None) -> list[str]:
    if header != "zh":
        return list(ROW_FIELDS)
    return [KEY_TITLES_ZH[group_by] if f == "key" else TITLES_ZH[f] for f in ROW_FIELDS]


def table(report: dict, group_by: str, header: str | None) -> list[list]:
    """Header and one line per row; for people (``header=zh``) a last line of totals (合计).

    The default, machine-readable form has rows only, so every ``key`` is an id or a code.
    """
    lines = [header_row(group_by, header)]
    for row in report["rows"]:
        lines.append([";".join(row["flags"]) if f == "flags" else row[f] for f in ROW_FIELDS])
    if header == "zh":
        totals = {**report["totals"], "key": TOTAL_KEY_ZH, "flags": ""}
        lines.append([totals[f] for f in ROW_FIELDS])
    return lines


def to_csv(report: dict, group_by: str, header: str | None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in table(report, group_by, header):
        writer.writerow(["" if value is None else value for value in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


NUMBER_FORMATS = {**{f: "0.00" for f in HOUR_FIELDS + MONEY_FIELDS}, **{f: "0.0000" for f in RATIO_FIELDS},
                  "rating_avg": "0.00"}


def to_xlsx(report: dict, group_by: str, header: str | None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Sharing report")[:31]
    for line in table(report, group_by, header):
        sheet.append(line)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, field in enumerate(ROW_FIELDS, start=1):
        number_format = NUMBER_FORMATS.get(field)
        column = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[column].width = max(10, len(str(sheet.cell(row=1, column=index).value)) + 2)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
