"""The evaluation of a year under a rubric as an Excel workbook for people: one row per unit (or
instrument) with score, grade and every item's points, and a sheet stating the rubric, its version,
the period, the scope, the grade bands and each item's rule, so the file can be checked on its own."""
from __future__ import annotations

import io

from flask_babel import format_datetime
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from reports import rubrics
from reports.exports import _display_width
from sharing.timeutil import utcnow


def _rule(item: dict) -> str:
    if item.get("bands"):
        return "; ".join(f"≥ {band['min']} → {band['points']}" for band in item["bands"])
    return item.get("expression") or ""


def evaluation_xlsx(result: dict, unit_names: dict) -> bytes:
    version = rubrics.get_version(result["scheme"], result["scheme_version"])
    items = version.definition["items"]
    book = Workbook()
    sheet = book.active
    sheet.title = _("Evaluation")[:31]
    per_instrument = result["level"] == "instrument"
    head = [_("Unit")] + ([_("Instrument"), _("Asset number")] if per_instrument else []) + [
        _("Score"), _("Grade")] + [rubrics.text(item["label"]) for item in items]
    sheet.append(head)
    for row in result["rows"]:
        points = {item["id"]: item["points"] for item in row["items"]}
        subject = [unit_names.get(row["unit_id"], row["unit_id"])]
        if per_instrument:
            subject += [row.get("name"), row.get("inner_id")]
        sheet.append(subject + [row["score"], row["grade_label"]] + [points.get(item["id"]) for item in items])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    for index, title in enumerate(head, start=1):
        column = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[column].width = min(max(10, _display_width(title) // 2 + 2), 30)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    about = book.create_sheet(_("About these figures")[:31])
    lines = [
        (_("Rubric"), f"{result['scheme_name']} ({result['scheme']})"),
        (_("Version"), result["scheme_version"]),
        (_("Period"), _("From %(start)s to %(end)s (end not included)", start=result["window"]["from"],
                        end=result["window"]["to"])),
        (_("Scope"), _("Instruments with an original value of at least %(price)s yuan",
                       price=f"{result['settings']['scope_min_price']:,}")),
        (_("Grades"), "; ".join(f"{g['label']} ≥ {g['min']}" for g in result["grades"])),
    ]
    maximum, entered = _("Maximum"), _("entered by evaluators")
    lines += [(rubrics.text(item["label"]), f"{maximum} {item['points']}; {_rule(item)}"
               + ("" if item["kind"] == "metric" else f" ({entered})")) for item in items]
    lines.append((_("Generated"), format_datetime(utcnow(), "yyyy-MM-dd HH:mm")))
    for label, value in lines:
        about.append([label, value])
    for (cell,) in about.iter_rows(min_col=1, max_col=1):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width = 40
    about.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
