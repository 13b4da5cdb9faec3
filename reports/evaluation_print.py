"""The print-friendly annual evaluation of one unit: scores and grades under a rubric, the unit's
sharing figures for the same window, flagged instruments and two charts; laid out for A4.

Everything comes from the functions behind the API: ``evaluate_scheme`` and ``sharing_report``.
"""
from __future__ import annotations

from decimal import Decimal

from flask import abort, render_template
from flask_babel import format_datetime
from flask_login import current_user
from sqlalchemy import select

from instruments.models import Instrument
from reports import rubrics
from reports.access import REPORT_ROLES, scoped_unit
from reports.display import COLUMN_LABELS, FLAG_LABELS, RATIO_COLUMNS
from reports.evaluation import evaluate_scheme, window_of
from reports.evaluation_views import bp
from reports.metrics import FLAG_RULES, sharing_report
from sharing.errors import ApiError
from sharing.extensions import db
from sharing.pages import roles_required
from sharing.timeutil import platform_midnight, utcnow
from sharing.units.models import Unit

SUMMARY_COLUMNS = ("instrument_count", "effective_hours", "external_hours", "sharing_rate", "utilization",
                   "income_internal", "income_external", "yield_rate", "rating_avg", "manual_share")
CHART_INSTRUMENTS = 15


@bp.get("/evaluations/<scheme_id>/<int:year>/units/<int:unit_id>")
@roles_required(*REPORT_ROLES)
def unit_report(scheme_id: str, year: int, unit_id: int):
    try:
        scoped_unit(current_user, unit_id)
        version = rubrics.get_version(scheme_id)
    except ApiError as exc:
        abort(exc.status if exc.status in (403, 404) else 400)
    unit = db.session.get(Unit, unit_id) or abort(404)
    result = evaluate_scheme(scheme_id, year, unit_id=unit_id)
    first, last = window_of(version, year)
    min_price = Decimal(str(version.definition["settings"]["scope_min_price"]))
    window = platform_midnight(first), platform_midnight(last)
    figures = sharing_report(*window, "unit", unit_id=unit_id, min_price=min_price)["totals"]
    instruments = sharing_report(*window, "instrument", unit_id=unit_id, min_price=min_price)["rows"]
    names = dict(db.session.execute(select(Instrument.id, Instrument.name)
                                    .where(Instrument.unit_id == unit_id)).all())
    flagged = [{"name": names.get(r["key"], r["key"]), "flags": r["flags"], "utilization": r["utilization"],
                "effective_hours": r["effective_hours"]} for r in instruments if r["flags"]]
    busiest = sorted(instruments, key=lambda r: r["effective_hours"], reverse=True)[:CHART_INSTRUMENTS]
    rows = result["rows"]
    chart = {
        "items": [{"label": item["label"], "points": item["points"], "max": item["max_points"]}
                  for item in (rows[0]["items"] if rows and result["level"] == "unit" else [])],
        "instruments": [{"name": str(names.get(r["key"], r["key"])), "utilization": r["utilization"]}
                        for r in busiest],
    }
    return render_template(
        "evaluations/unit_report.html", unit=unit, result=result, version=version, rows=rows, figures=figures,
        summary_columns=SUMMARY_COLUMNS, labels=COLUMN_LABELS, ratios=RATIO_COLUMNS, flagged=flagged,
        flag_labels=FLAG_LABELS, flag_rules=FLAG_RULES, chart=chart, text=rubrics.text,
        generated=format_datetime(utcnow(), "yyyy-MM-dd HH:mm"))
