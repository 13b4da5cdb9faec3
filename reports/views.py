"""The sharing report page: the same ``reports.metrics.sharing_report`` as the JSON API, for people.

Rows drill down: a unit to its instruments, a category to its instruments, an instrument to its
page. Downloads link to the API's CSV and XLSX with the same filters (``header=zh``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from instruments.models import Category, Instrument
from instruments.views import _category_filter_choices
from reports.access import REPORT_ROLES, scoped_unit
from reports.display import (COLUMN_HELP, COLUMN_LABELS, FLAG_LABELS, FLAG_STYLES, RATIO_COLUMNS,
                             TABLE_COLUMNS)
from reports.forms import SharingFilterForm
from reports.metrics import FLAG_RULES, scope_min_price, sharing_report
from reports.windows import year_window
from sharing.errors import ApiError
from sharing.extensions import db
from sharing.pages import roles_required
from sharing.timeutil import as_platform, platform_midnight, utcnow
from sharing.units.models import Unit
from wtforms.fields.choices import SelectChoice

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/reports")

PER_PAGE = 50
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
    form.category.choices = _category_filter_choices()
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


def _drill_down(group_by: str, key, args: dict) -> str:
    if group_by == "unit":
        return url_for("reports.sharing", **{**args, "group_by": "instrument", "unit_id": key, "page": 1})
    if group_by == "category":
        return url_for("reports.sharing", **{**args, "group_by": "instrument", "category": key, "page": 1})
    return url_for("instruments.detail", instrument_id=key)


def _sorted(rows: list[dict], sort: str, descending: bool) -> list[dict]:
    """Missing values (no ratio) last whichever the direction."""
    present = [r for r in rows if r[sort] is not None]
    missing = [r for r in rows if r[sort] is None]
    return sorted(present, key=lambda r: r[sort], reverse=descending) + missing


@bp.route("/sharing")
@roles_required(*REPORT_ROLES)
def sharing():
    form = _form()
    window = _window(form)
    unit_id = int(form.unit_id.data) if (form.unit_id.data or "").isdigit() else None
    try:
        unit_id = scoped_unit(current_user, unit_id)
    except ApiError:
        abort(403)
    min_price = (form.min_price_wan.data * 10000 if form.min_price_wan.data is not None and not form.min_price_wan.errors
                 else Decimal(scope_min_price()))
    group_by = form.group_by.data if form.group_by.data in ("unit", "instrument", "category") else "unit"
    context = {"form": form, "window": window, "group_by": group_by, "min_price_wan": min_price / 10000,
               "columns": TABLE_COLUMNS, "labels": COLUMN_LABELS, "help": COLUMN_HELP, "ratios": RATIO_COLUMNS,
               "flag_labels": FLAG_LABELS, "flag_styles": FLAG_STYLES, "flag_rules": FLAG_RULES}
    if window is None:
        return render_template("reports/sharing.html", report=None, **context), 422
    category = form.category.data or None
    report = sharing_report(platform_midnight(window[0]), platform_midnight(window[1]), group_by, unit_id=unit_id,
                            category=category, min_price=min_price)
    sort = request.args.get("sort") if request.args.get("sort") in SORTABLE else "key"
    descending = request.args.get("order") == "desc"
    rows = _sorted(report["rows"], sort, descending)
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
    downloads = {kind: url_for("reports_api.sharing", format=kind, **api_args) for kind in ("xlsx", "csv")}
    return render_template(
        "reports/sharing.html", report=report, page=RowPage(shown, len(rows), page_number), names=names,
        links={r["key"]: _drill_down(group_by, r["key"], args) for r in shown}, sort=sort, descending=descending,
        args=args, downloads=downloads, **context)
