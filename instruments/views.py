"""Web pages of the catalogue: search, the instrument page, retiring.

The forms live in ``edit_views.py`` and the import page in ``import_views.py``; all of them
call the same service functions as the API, so a rule holds the same way on both.
"""
from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from instruments import categories, display, services
from instruments.forms import (FUNDING_LABELS, SHARE_MODE_LABELS, SOURCE_LABELS, STATUS_LABELS, TYPE_LABELS,
                               TYPICAL_STATE_LABELS, ConfirmForm, SearchForm)
from instruments.models import Instrument
from sharing import roles as policy
from sharing.accounts.models import User
from sharing.api_common import paginate
from sharing.audit import AuditEvent
from sharing.errors import ApiError
from sharing.extensions import db
from sharing.units.models import Unit

bp = Blueprint("instruments", __name__, template_folder="templates")

PER_PAGE = 20
EXPORT_URL = "/api/v1/instruments/export"
EXPORT_FORMATS = (("csv", "CSV"), ("xlsx", "Excel"), ("nrii", None))  # None: labelled in the template
CATEGORY_PREFIX = re.compile(r"^\d{2}(\d{2}){0,2}$")
STATUS_BADGES = {"normal": "bg-success", "faulty": "bg-danger", "under_repair": "bg-warning text-dark",
                 "retired": "bg-secondary"}
TEN_THOUSAND = Decimal(10000)


@bp.app_template_filter("yuan")
def _yuan(value):
    return display.yuan(value)


@bp.context_processor
def _labels():
    """Value labels every catalogue template uses."""
    return {"status_labels": STATUS_LABELS, "share_mode_labels": SHARE_MODE_LABELS, "status_badges": STATUS_BADGES}


def may_register_instruments(user) -> bool:
    """Managers and unit admins (for their unit), admins (for any)."""
    return policy.can_manage_instruments_of(user, user.unit_id)


def instrument_or_404(instrument_id: int) -> Instrument:
    try:
        return services.get_instrument(instrument_id)
    except ApiError:
        abort(404)


# --- the catalogue ---------------------------------------------------------------------------

def category_filter_choices() -> list[SelectChoice]:
    """Every node of the tree, grouped by top class; the value is the code prefix of its level."""
    nodes = categories.all_categories()
    tops = {c.code: c for c in nodes if c.level == 1}
    options = [SelectChoice("", _("All categories"))]
    for node in nodes:
        top = tops[node.code[:2] + "0000"]
        group = top.name
        if node.level == 1:
            options.append(SelectChoice(node.code[:2], _("%(name)s (all)", name=node.name), optgroup=group))
        elif node.level == 2:
            options.append(SelectChoice(node.code[:4], "\u3000" + node.name, optgroup=group))
        else:
            options.append(SelectChoice(node.code, "\u3000\u3000" + node.name, optgroup=group))
    return options


def _search_form() -> SearchForm:
    form = SearchForm(formdata=request.args)
    form.category.choices = category_filter_choices()
    units = db.session.scalars(select(Unit).order_by(Unit.name))
    form.unit_id.choices = [SelectChoice("", _("All units"))] + [SelectChoice(str(u.id), u.name) for u in units]
    cities = db.session.scalars(select(Instrument.city).where(Instrument.city.is_not(None)).distinct()
                                .order_by(Instrument.city))
    form.city.choices = [SelectChoice("", _("All cities"))] + [SelectChoice(c, c) for c in cities]
    form.validate()
    if form.category.data and not CATEGORY_PREFIX.match(form.category.data):
        form.category.errors = list(form.category.errors) + [_("Use a 2-, 4- or 6-digit code.")]
    return form


def _filters(form: SearchForm) -> dict:
    """The search form as the API's list filters (prices in yuan); invalid inputs are left out."""
    filters: dict = {}
    if (form.q.data or "").strip():
        filters["q"] = form.q.data.strip()
    if form.category.data and not form.category.errors:
        filters["category"] = form.category.data
    if (form.unit_id.data or "").isdigit():
        filters["unit_id"] = int(form.unit_id.data)
    for name in ("city", "status", "share_mode"):
        if form[name].data and not form[name].errors:
            filters[name] = form[name].data
    if form.bookable.data:
        filters["bookable"] = True
    for name, key in (("price_min_wan", "price_min"), ("price_max_wan", "price_max")):
        if form[name].data is not None and not form[name].errors:
            filters[key] = form[name].data * TEN_THOUSAND
    filters["sort"] = form.sort.data if not form.sort.errors else "name"
    return filters


def _export_links(filters: dict) -> list[tuple[str, str | None]]:
    params = {}
    for key, value in filters.items():
        if value is True:
            value = "1"
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        params[key] = value
    return [(f"{EXPORT_URL}?{urlencode({'format': fmt, **params})}", label) for fmt, label in EXPORT_FORMATS]


@bp.get("/instruments")
@login_required
def catalogue():
    form = _search_form()
    filters = _filters(form)
    page_number = max(request.args.get("page", 1, type=int) or 1, 1)
    page = paginate(services.catalogue_query(current_user, filters), {"page": page_number, "per_page": PER_PAGE},
                    db.session)
    return render_template("instruments/list.html", form=form, page=page, export_links=_export_links(filters),
                           may_register=may_register_instruments(current_user))


# --- one instrument --------------------------------------------------------------------------

def status_history(instrument: Instrument) -> list[dict]:
    """Status and share-mode changes from the audit trail, newest first."""
    rows = db.session.execute(
        select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.entity_type == Instrument.__tablename__, AuditEvent.entity_id == str(instrument.id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    history = []
    for event, user in rows:
        for key, title, labels in (("status", _("Status"), STATUS_LABELS),
                                   ("share_mode", _("Share mode"), SHARE_MODE_LABELS)):
            if key not in (event.changes or {}):
                continue
            old, new = event.changes[key]
            history.append({
                "at": event.at,
                "who": user.name if user else _("System"),
                "unit": user.unit.name if user else "",
                "registered": event.action == "create",
                "field": title,
                "old": labels.get(old, old) if old else "—",
                "new": labels.get(new, new) if new else "—",
            })
    return history


@bp.get("/instruments/<int:instrument_id>")
@login_required
def detail(instrument_id: int):
    instrument = instrument_or_404(instrument_id)
    private = services.sees_private_fields(current_user, instrument.unit_id)
    rated, rated_source = display.rated_hours(instrument)
    return render_template(
        "instruments/detail.html",
        instrument=instrument,
        private=private,
        may_manage=policy.can_manage_instruments_of(current_user, instrument.unit_id),
        category_path=display.category_path(instrument.category_code),
        rules=display.booking_rules(instrument.booking_rules),
        rated_hours=rated,
        rated_source=rated_source,
        history=status_history(instrument) if private else None,
        retire_form=ConfirmForm(),
        labels={"type": TYPE_LABELS, "source": SOURCE_LABELS, "funding": FUNDING_LABELS,
                "typical_state": TYPICAL_STATE_LABELS},
        display=display,
    )


@bp.route("/instruments/<int:instrument_id>/retire", methods=["GET", "POST"])
@login_required
def retire(instrument_id: int):
    """GET: the confirmation (also shown as a dialog on the instrument page); POST: retire it."""
    instrument = instrument_or_404(instrument_id)
    if not policy.can_manage_instruments_of(current_user, instrument.unit_id):
        abort(403)
    if instrument.status == "retired":
        flash(_("This instrument is already retired."), "info")
        return redirect(url_for("instruments.detail", instrument_id=instrument.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        services.retire_instrument(current_user, instrument)
        flash(_("%(name)s has been retired and left the catalogue; its records are kept.", name=instrument.name),
              "success")
        return redirect(url_for("instruments.detail", instrument_id=instrument.id))
    return render_template("instruments/retire.html", instrument=instrument, form=form)


# The form and import pages register their routes on ``bp``.
from instruments import edit_views, import_views  # noqa: E402,F401
