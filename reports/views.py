"""The sharing report page: the same ``reports.metrics.sharing_report`` as the JSON API, for people.

Rows drill down: a unit to its instruments, a category to its instruments, an instrument to its
usage records in the window (``/reports/instruments/<id>/records``, read-only, for everyone who may
see the report of that unit). Downloads link to the API's CSV and XLSX with the same filters
(``header=zh``). Above the table a dashboard: charts drawn by the vendored Apache ECharts from a JSON
blob built here out of the same ``sharing_report`` (and ``reports.monthly``), and the idle / low-use list.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from bookings import usage
from bookings.forms import USAGE_PURPOSE_LABELS
from bookings.manage_views import _users
from bookings.models import UsageLog
from bookings.usage_forms import SERVICE_WAY_LABELS, SOURCE_BADGES, SOURCE_LABELS
from bookings.usage_views import _links
from instruments.models import Category, Instrument
from instruments.views import category_filter_choices
from reports.access import REPORT_ROLES, scoped_unit
from reports.display import (COLUMN_HELP, COLUMN_LABELS, FLAG_LABELS, FLAG_STYLES, LOW_USE_FLAGS, RATIO_COLUMNS,
                             TABLE_COLUMNS, UTILIZATION_BANDS, utilization_band)
from reports.forms import SharingFilterForm
from reports.metrics import FLAG_RULES, effective_purposes, scope_min_price, sharing_report
from reports.monthly import monthly_hours
from reports.windows import year_window
from sharing import roles as policy
from sharing.api_common import paginate
from sharing.errors import ApiError
from sharing.extensions import db
from sharing.pages import roles_required
from sharing.timeutil import as_platform, platform_midnight, utcnow
from sharing.units.models import Unit
from wtforms.fields.choices import SelectChoice

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/reports",
               static_folder="static", static_url_path="/static")  # /reports/static/…: ECharts, charts.js

PER_PAGE = 50
CHART_TOP = 20  # instruments in the by-instrument chart and the idle / low-use list
WINDOW_ARGS = ("window", "year", "date_from", "date_to")
SORTABLE = ("key",) + TABLE_COLUMNS


@dataclass
class RowPage:
    items: list
    total: int
    page: int
    per_page: int = PER_PAGE


@bp.app_template_filter("ratio")
def ratio_filter(value) -> str:
    """A fraction as a percentage with one decimal; no value (division by zero) as a dash."""
    return "—" if value is None else f"{value * 100:.1f}%"


def _form() -> SharingFilterForm:
    form = SharingFilterForm(formdata=request.args)
    form.category.choices = category_filter_choices()
    if scoped_unit(current_user, None) is None:
        units = db.session.scalars(select(Unit).order_by(Unit.name))
        form.unit_id.choices = [SelectChoice("", _("All units"))] + [SelectChoice(str(u.id), u.name) for u in units]
    else:
        form.unit_id.choices = [SelectChoice(str(current_user.unit_id), current_user.unit.name)]
    form.validate()
    if form.year.data is None and not form.year.errors:
        form.year.data = as_platform(utcnow()).year
    return form


def _window(form: SharingFilterForm) -> tuple[date, date] | None:
    """``[from, to)`` of the chosen period, or None (with the reason on the form)."""
    if form.window.data != "custom":
        return year_window(form.window.data, form.year.data) if not form.year.errors else None
    if not form.date_from.data or not form.date_to.data:
        (form.date_from if not form.date_from.data else form.date_to).errors.append(_("Give both dates."))
        return None
    if form.date_to.data <= form.date_from.data:
        form.date_to.errors.append(_("The end must be after the start."))
        return None
    return form.date_from.data, form.date_to.data


def _names(group_by: str, keys: list) -> dict:
    """What a person reads for each row key (name, asset number and unit of an instrument, …)."""
    if not keys:
        return {}
    if group_by == "unit":
        return dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(keys))).all())
    if group_by == "category":
        return dict(db.session.execute(select(Category.code, Category.name).where(Category.code.in_(keys))).all())
    rows = db.session.execute(select(Instrument.id, Instrument.name, Instrument.inner_id, Unit.name)
                              .join(Unit, Unit.id == Instrument.unit_id).where(Instrument.id.in_(keys)))
    return {i: {"name": name, "inner_id": inner, "unit": unit} for i, name, inner, unit in rows}


def _window_args(args: dict) -> dict:
    return {k: v for k, v in args.items() if k in WINDOW_ARGS}


def _drill_down(group_by: str, key, args: dict) -> str:
    if group_by == "unit":
        return url_for("reports.sharing", **{**args, "group_by": "instrument", "unit_id": key, "page": 1})
    if group_by == "category":
        return url_for("reports.sharing", **{**args, "group_by": "instrument", "category": key, "page": 1})
    return url_for("reports.instrument_records", instrument_id=key, **_window_args(args))


def _sorted(rows: list[dict], sort: str, descending: bool) -> list[dict]:
    """Missing values (no ratio) last whichever the direction."""
    present = [r for r in rows if r[sort] is not None]
    missing = [r for r in rows if r[sort] is None]
    return sorted(present, key=lambda r: r[sort], reverse=descending) + missing


def _unit_scope(form: SharingFilterForm) -> int | None:
    unit_id = int(form.unit_id.data) if (form.unit_id.data or "").isdigit() else None
    try:
        return scoped_unit(current_user, unit_id)
    except ApiError:
        abort(403)


def _chart_labels() -> dict:
    """The charts' words, in the user's language (charts.js only places them)."""
    return {
        "by_unit_title": _("Sharing rate and utilization by unit"),
        "by_category_title": _("Sharing rate and utilization by category"),
        "by_instrument_title": _("Sharing rate and utilization of the %(n)d instruments with most effective hours",
                                 n=CHART_TOP),
        "monthly_title": _("Effective and external hours by month"),
        "bands_title": _("Instruments by utilization"),
        "percent_axis": _("Percentage (%)"),
        "hours_axis": _("Hours (h)"),
        "count_axis": _("Instruments (sets)"),
        "month_axis": _("Month"),
        "band_axis": _("Utilization band"),
        "hours_unit": _("h"),
        "count_unit": _("sets"),
        "sharing_rate": str(COLUMN_LABELS["sharing_rate"]),
        "utilization": str(COLUMN_LABELS["utilization"]),
        "effective_hours": str(COLUMN_LABELS["effective_hours"]),
        "external_hours": str(COLUMN_LABELS["external_hours"]),
        "instrument_count": str(COLUMN_LABELS["instrument_count"]),
        "no_data": _("No data"),
    }


def _label(group_by: str, key, names: dict) -> str:
    """A row's name on a chart axis."""
    name = names.get(key)
    if group_by == "instrument":
        return name["name"] if name else str(key)
    if group_by == "category":
        return f"{key} {name or ''}".strip()
    return name or str(key)


def _dashboard(group_by: str, report: dict, instrument_rows: list[dict], monthly: list[dict]) -> dict:
    """The charts' data (ratios as fractions, as in the report) and the idle / low-use rows."""
    if group_by == "instrument":
        rows = sorted(report["rows"], key=lambda r: (-r["effective_hours"], r["key"]))[:CHART_TOP]
    else:
        rows = report["rows"]
    names = _names(group_by, [r["key"] for r in rows])
    bars = [{"key": r["key"], "name": _label(group_by, r["key"], names), "sharing_rate": r["sharing_rate"],
             "utilization": r["utilization"]} for r in rows]
    bands = dict.fromkeys(UTILIZATION_BANDS, 0)
    for row in instrument_rows:
        band = utilization_band(row)
        if band is not None:
            bands[band] += 1
    low = [r for r in instrument_rows if any(flag in LOW_USE_FLAGS for flag in r["flags"])]
    low.sort(key=lambda r: ("IDLE" not in r["flags"], r["utilization"] or 0, r["effective_hours"], r["key"]))
    charts = {
        "labels": _chart_labels(),
        "by_key": {"group_by": group_by, "rows": bars},
        "monthly": {"months": [m["month"] for m in monthly],
                    "effective_hours": [m["effective_hours"] for m in monthly],
                    "external_hours": [m["external_hours"] for m in monthly]},
        "bands": {"labels": list(bands), "counts": list(bands.values())},
    }
    return {"charts": charts, "low_use": low[:CHART_TOP], "low_use_total": len(low),
            "low_use_names": _names("instrument", [r["key"] for r in low[:CHART_TOP]])}


@bp.route("/sharing")
@roles_required(*REPORT_ROLES)
def sharing():
    form = _form()
    window = _window(form)
    unit_id = _unit_scope(form)
    min_price = (form.min_price_wan.data * 10000 if form.min_price_wan.data is not None and not form.min_price_wan.errors
                 else Decimal(scope_min_price()))
    group_by = form.group_by.data if form.group_by.data in ("unit", "instrument", "category") else "unit"
    context = {"form": form, "window": window, "group_by": group_by, "min_price_wan": min_price / 10000,
               "columns": TABLE_COLUMNS, "labels": COLUMN_LABELS, "help": COLUMN_HELP, "ratios": RATIO_COLUMNS,
               "flag_labels": FLAG_LABELS, "flag_styles": FLAG_STYLES, "flag_rules": FLAG_RULES}
    if window is None:
        return render_template("reports/sharing.html", report=None, **context), 422
    category = form.category.data or None
    start, end = platform_midnight(window[0]), platform_midnight(window[1])
    cluster_only = form.members.data == "cluster"
    scope = {"unit_id": unit_id, "category": category, "min_price": min_price, "cluster_only": cluster_only}
    report = sharing_report(start, end, group_by, **scope)
    instrument_rows = report["rows"] if group_by == "instrument" else sharing_report(start, end, "instrument",
                                                                                     **scope)["rows"]
    dashboard = _dashboard(group_by, report, instrument_rows, monthly_hours(start, end, **scope))
    sort = request.args.get("sort") if request.args.get("sort") in SORTABLE else "key"
    descending = request.args.get("order") == "desc"
    rows = report["rows"]
    if group_by == "instrument" and form.only.data == "low_use":
        rows = [r for r in rows if any(flag in LOW_USE_FLAGS for flag in r["flags"])]
    rows = _sorted(rows, sort, descending)
    page_number = max(request.args.get("page", 1, type=int) or 1, 1)
    shown = rows[(page_number - 1) * PER_PAGE:page_number * PER_PAGE]
    names = _names(group_by, [r["key"] for r in shown])
    args = {k: v for k, v in request.args.items() if k != "page"}
    api_args = {"from": window[0].isoformat(), "to": window[1].isoformat(), "group_by": group_by,
                "in_scope_min_price": f"{min_price:f}", "header": "zh"}
    if unit_id is not None:
        api_args["unit_id"] = unit_id
    if category:
        api_args["category"] = category
    if cluster_only:
        api_args["cluster_only"] = "true"
    downloads = {kind: url_for("reports_api.sharing", format=kind, **api_args) for kind in ("xlsx", "csv")}
    record_args = {"from": api_args["from"], "to": api_args["to"], "header": "zh",
                   **({"unit_id": unit_id} if unit_id is not None else {})}
    for kind in ("csv", "xlsx"):  # the national service records: one per use, so large; shown with progress
        downloads[f"records_{kind}"] = url_for("service_records_api.service_records_export", format=kind,
                                               **record_args)
    low_use_all = url_for("reports.sharing", **{**args, "group_by": "instrument", "only": "low_use",
                                                 "sort": "utilization", "order": "asc", "page": 1})
    return render_template(
        "reports/sharing.html", report=report, page=RowPage(shown, len(rows), page_number), names=names,
        links={r["key"]: _drill_down(group_by, r["key"], args) for r in shown}, sort=sort, descending=descending,
        args=args, downloads=downloads, low_use_all=low_use_all,
        records_args=_window_args(args), **dashboard, **context)


# --- one instrument's usage records, read-only -------------------------------------------------

RECORDS_PER_PAGE = 50


def _in_window(log, start, end) -> float:
    """The part of a log's hours inside the report window (what the report counts of it)."""
    return max((min(log.end, end) - max(log.start, start)).total_seconds(), 0) / 3600


@bp.route("/instruments/<int:instrument_id>/records")
@roles_required(*REPORT_ROLES)
def instrument_records(instrument_id: int):
    """The usage records behind an instrument's figures: evaluators and admins of any unit, managers
    and unit admins of its own (another unit's: 403). Nothing here changes a record; managers of the
    instrument get a link to their usage ledger, where corrections are made."""
    instrument = db.session.get(Instrument, instrument_id)
    if instrument is None:
        abort(404)
    try:
        scoped_unit(current_user, instrument.unit_id)
    except ApiError:
        abort(403)
    form = _form()
    window = _window(form)
    context = {"instrument": instrument, "form": form, "window": window,
               "may_manage": policy.can_manage_instruments_of(current_user, instrument.unit_id),
               # the names bookings/_usage_macros.html expects (the usage_admin blueprint's context)
               "usage_source_badges": SOURCE_BADGES, "usage_source_labels": SOURCE_LABELS,
               "usage_purpose_labels": USAGE_PURPOSE_LABELS, "service_way_labels": SERVICE_WAY_LABELS,
               "window_args": _window_args(request.args),
               "report_url": url_for("reports.sharing", group_by="instrument", unit_id=instrument.unit_id,
                                     **_window_args(request.args))}
    if window is None:
        return render_template("reports/records.html", page=None, **context), 422
    start, end = platform_midnight(window[0]), platform_midnight(window[1])
    # Its figures whatever the price threshold: the report's row of it, so the page and the report agree.
    rows = sharing_report(start, end, "instrument", unit_id=instrument.unit_id, min_price=0)["rows"]
    row = next((r for r in rows if r["key"] == instrument.id), None)
    query = usage.logs_query(current_user, {"instrument_id": instrument.id, "from_": start, "to": end})
    query = query.order_by(None).order_by(UsageLog.start, UsageLog.id)
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    page = paginate(query, {"page": number, "per_page": RECORDS_PER_PAGE}, db.session)
    logs = page["items"]
    purposes = effective_purposes()
    return render_template(
        "reports/records.html", page=page, row=row, users=_users(log.user_id for log in logs),
        corrected_by=_links(logs), counted={log.id for log in logs if not log.voided and log.purpose in purposes},
        in_window={log.id: _in_window(log, start, end) for log in logs}, labels=COLUMN_LABELS,
        flag_labels=FLAG_LABELS, flag_styles=FLAG_STYLES, flag_rules=FLAG_RULES, **context)
