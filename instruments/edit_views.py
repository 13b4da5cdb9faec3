"""Registering and editing an instrument on a form.

The form is turned into the dict the API takes, checked with the API's own schemas
(``InstrumentCreateSchema`` / ``InstrumentUpdateSchema``) and saved through the same service
functions; every error, of the schema or of the service, is shown next to its input.
"""
from __future__ import annotations

import re
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from bookings.rules import DEFAULT_RULES, merged_rules
from instruments import categories, display, services
from instruments.forms import RULE_FIELDS, WEEKDAYS, InstrumentForm
from instruments.models import Instrument
from instruments.schemas import REQUIRED_ON_CREATE, InstrumentCreateSchema, InstrumentUpdateSchema
from instruments.views import bp, instrument_or_404
from sharing import roles as policy
from sharing.errors import ApiError, translate_message
from sharing.extensions import db
from sharing.units.models import Unit

RECORD_FIELDS = (
    "inner_id", "name", "name_en", "model", "manufacturer", "country", "category_code", "asset_class_code",
    "price_cny", "purchase_date", "commission_date", "register_date", "instrument_type", "source",
    "customs_supervised", "funding_source", "department", "specs", "functions", "subject_areas",
    "service_content", "sharing_rules", "fee_summary", "booking_url", "location", "city", "contact_name",
    "contact_phone", "contact_email", "status", "typical_state", "share_mode", "fee_internal", "fee_external",
    "fee_sample_internal", "fee_sample_external", "rated_hours", "internal_notes",
)


# --- choices and initial values ---------------------------------------------------------------

def category_choices() -> list[SelectChoice]:
    """Only leaves can be chosen, grouped by middle class ("大类 / 中类")."""
    nodes = categories.all_categories()
    by_code = {c.code: c for c in nodes}
    parents = {c.parent_code for c in nodes}
    options = [SelectChoice("", _("Choose a category"))]
    for node in nodes:
        if node.code in parents:
            continue
        group_node = by_code[node.parent_code] if node.level == 3 else node
        path = [group_node.name]
        if group_node.parent_code:
            path.insert(0, by_code[group_node.parent_code].name)
        options.append(SelectChoice(node.code, f"{node.code} {node.name}", optgroup=" / ".join(path)))
    return options


def _prepare(form: InstrumentForm) -> InstrumentForm:
    form.category_code.choices = category_choices()
    if policy.is_admin(current_user):
        units = db.session.scalars(select(Unit).order_by(Unit.name))
        form.unit_id.choices = [SelectChoice(u.id, u.name) for u in units]
    else:
        del form.unit_id  # managers register for their own unit only
    return form


def _fill_rules(form: InstrumentForm, rules: dict) -> None:
    rules = {**DEFAULT_RULES, **(rules or {})}
    for key in RULE_FIELDS:
        form[f"rule_{key}"].data = rules[key]
    form.always_open.data = not rules["open_hours"]
    for day, (start, end) in _rows_of(rules["open_hours"]).items():
        form[f"open_{day}"].data = True
        form[f"open_{day}_start"].data, form[f"open_{day}_end"].data = start, end


def _rows_of(open_hours: list[dict]) -> dict[int, tuple[str, str]]:
    """The first opening period of each weekday: what the form's seven rows can show."""
    rows: dict[int, tuple[str, str]] = {}
    for period in sorted(open_hours, key=lambda p: (p["weekday"], p["start"])):
        rows.setdefault(period["weekday"], (period["start"], period["end"]))
    return rows


def _several_periods(open_hours: list[dict]) -> bool:
    return len({p["weekday"] for p in open_hours}) < len(open_hours)


# --- form → API dict ----------------------------------------------------------------------------

def _value(form: InstrumentForm, name: str):
    """An input as the API would receive it: blank is null, dates are ISO text."""
    value = form[name].data
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, date):
        return value.isoformat()
    return value


def _open_hours(form: InstrumentForm, errors: dict) -> tuple[list[dict] | None, list[int]]:
    """The opening hours of the seven rows and, for error messages, the weekday of each item."""
    if form.always_open.data:
        return [], []
    days = [d for d in WEEKDAYS if form[f"open_{d}"].data]
    if not days:
        errors["always_open"] = [_("Tick at least one open day, or choose to be open at all times.")]
        return None, []
    periods = [{"weekday": d, "start": _hhmm(form[f"open_{d}_start"].data),
                "end": _hhmm(form[f"open_{d}_end"].data)} for d in days]
    return periods, days


def _hhmm(text: str | None) -> str:
    """Pad "8:00" to "08:00" (people type it so); anything else is left for the schema to judge."""
    text = (text or "").strip().replace("：", ":")
    return "0" + text if re.fullmatch(r"\d:\d\d", text) else text


def _booking_rules(form: InstrumentForm, instrument: Instrument | None, errors: dict):
    rules = {}
    for key in RULE_FIELDS:
        field = form[f"rule_{key}"]
        if field.errors:
            continue
        if field.data is not None or key == "max_active_per_user":  # blank keeps the current value
            rules[key] = field.data
    open_hours, days = _open_hours(form, errors)
    stored = (instrument.booking_rules or {}).get("open_hours") if instrument else None
    unchanged = stored is not None and open_hours is not None and _several_periods(stored) and (
        {p["weekday"]: (p["start"], p["end"]) for p in open_hours} == _rows_of(stored))
    if open_hours is not None and not unchanged:  # untouched rows keep several periods a day
        rules["open_hours"] = open_hours
    return rules, days


def payload(form: InstrumentForm, instrument: Instrument | None, unit_id: int | None):
    """(data for the service, errors by API field name, weekday of each opening-hours item)."""
    errors: dict = {}
    # Inputs the form itself could not read (a date, a number) already show their error.
    data = {name: _value(form, name) for name in RECORD_FIELDS if not form[name].errors}
    for name in REQUIRED_ON_CREATE:
        if name in data and data[name] is None:
            errors[name] = [_("This field is required.")]
            del data[name]
    rules, days = _booking_rules(form, instrument, errors)
    data["booking_rules"] = rules
    if "unit_id" in form:
        if not form.unit_id.errors:
            data["unit_id"] = form.unit_id.data
    elif instrument is None:
        data["unit_id"] = unit_id
    schema = InstrumentUpdateSchema() if instrument else InstrumentCreateSchema()
    try:
        data = schema.load(data)
        valid = data
    except ValidationError as exc:
        for key, messages in exc.messages.items():
            errors.setdefault(key, messages)
        valid = exc.valid_data or {}
    # The service's own checks (a leaf category, dates not in the future …) on what is readable,
    # so that they show up together with the format errors; the service checks again on saving.
    for key, messages in services.problems(valid, instrument).items():
        errors.setdefault(key, messages)
    _check_rules_together(instrument, rules, errors)
    unreadable = {name for name in RECORD_FIELDS if form[name].errors}  # one message is enough there
    return data, {key: value for key, value in errors.items() if key not in unreadable}, days


def _check_rules_together(instrument: Instrument | None, rules: dict, errors: dict) -> None:
    """Rules that contradict each other (shortest longer than longest …), as the service checks them."""
    numbers = {key: value for key, value in rules.items() if key != "open_hours"}
    try:
        merged_rules(instrument.booking_rules if instrument else None, numbers)
    except ValidationError as exc:
        found = errors.setdefault("booking_rules", {})
        if isinstance(found, dict):
            for key, messages in exc.messages["booking_rules"].items():
                found.setdefault(key, messages)


# --- errors → next to their inputs --------------------------------------------------------------

def _texts(messages) -> list[str]:
    if isinstance(messages, dict):
        return [t for value in messages.values() for t in _texts(value)]
    if isinstance(messages, list | tuple):
        return [t for value in messages for t in _texts(value)]
    return [translate_message(str(messages))]


def _nest(errors: dict) -> dict:
    """``{"booking_rules.max_minutes": [...]}`` → ``{"booking_rules": {"max_minutes": [...]}}``."""
    nested: dict = {}
    for key, value in errors.items():
        if isinstance(key, str) and "." in key:
            head, rest = key.split(".", 1)
            nested.setdefault(head, {}).update(_nest({rest: value}))
        elif isinstance(value, dict) and isinstance(nested.get(key), dict):
            nested[key].update(value)
        else:
            nested[key] = value
    return nested


def _add(field, messages) -> None:
    field.errors = list(field.errors) + _texts(messages)


def place_errors(form: InstrumentForm, errors: dict, days: list[int]) -> list[str]:
    """Put each message beside its input; return those for the top of the booking-rules section."""
    rule_messages: list[str] = []
    for key, value in _nest(errors).items():
        if key == "booking_rules":
            if not isinstance(value, dict):
                rule_messages += _texts(value)
                continue
            for rule_key, rule_value in value.items():
                if rule_key == "open_hours":
                    rule_messages += _place_open_hours(form, rule_value, days)
                elif f"rule_{rule_key}" in form:
                    _add(form[f"rule_{rule_key}"], rule_value)
                else:
                    rule_messages += _texts(rule_value)
        elif isinstance(key, str) and key in form and key != "csrf_token":
            _add(form[key], value)
        else:
            for text in _texts(value):
                flash(text, "error")
    return rule_messages


def _place_open_hours(form: InstrumentForm, errors, days: list[int]) -> list[str]:
    if not isinstance(errors, dict):
        return _texts(errors)
    unplaced = []
    for index, item_errors in errors.items():
        day = days[index] if isinstance(index, int) and index < len(days) else None
        if day is None or not isinstance(item_errors, dict):
            unplaced += _texts(item_errors)
            continue
        for part, messages in item_errors.items():
            _add(form[f"open_{day}_end" if part == "end" else f"open_{day}_start"], messages)
    return unplaced


# --- the pages ------------------------------------------------------------------------------------

def _save(form: InstrumentForm, instrument: Instrument | None, unit_id: int | None):
    """Create or update from the form; the instrument, or None and the booking-rules messages.

    The form's own checks (readable numbers and dates, offered choices) and the API schema's
    run together, so that every problem is shown at once.
    """
    form_valid = form.validate()
    data, errors, days = payload(form, instrument, unit_id)
    if form_valid and not errors:
        try:
            if instrument is None:
                return services.create_instrument(current_user, data), []
            return services.update_instrument(current_user, instrument, data), []
        except ApiError as exc:
            db.session.rollback()
            if exc.status in (403, 404):
                abort(exc.status)
            errors = exc.fields or {"_schema": [exc.message]}
    form_errors = place_errors(form, errors, days)
    if not any(field.errors for field in form) and not form_errors:
        flash(_("Some fields are not valid."), "error")
    return None, form_errors


def _render(form: InstrumentForm, instrument: Instrument | None, unit: Unit, rule_errors: list[str]):
    stored_hours = (instrument.booking_rules or {}).get("open_hours", []) if instrument else []
    return render_template("instruments/form.html", form=form, instrument=instrument, unit=unit,
                           rule_errors=rule_errors, several_periods=_several_periods(stored_hours),
                           required_fields=REQUIRED_ON_CREATE, day_names=display.day_names("wide"))


@bp.route("/instruments/new", methods=["GET", "POST"])
@login_required
def new():
    unit_id = request.args.get("unit_id", type=int) or current_user.unit_id
    unit = db.session.get(Unit, unit_id)
    if unit is None or not policy.can_manage_instruments_of(current_user, unit_id):
        abort(403)
    defaults = {"status": "normal", "share_mode": "external", "instrument_type": "general", "city": unit.city,
                "unit_id": unit_id}
    form = _prepare(InstrumentForm(data=defaults) if request.method == "GET" else InstrumentForm())
    if request.method == "GET":
        _fill_rules(form, {})
    rule_errors: list[str] = []
    if form.is_submitted():
        instrument, rule_errors = _save(form, None, unit_id)
        if instrument is not None:
            flash(_("%(name)s has been registered.", name=instrument.name), "success")
            return redirect(url_for("instruments.detail", instrument_id=instrument.id))
    return _render(form, None, unit, rule_errors)


@bp.route("/instruments/<int:instrument_id>/edit", methods=["GET", "POST"])
@login_required
def edit(instrument_id: int):
    instrument = instrument_or_404(instrument_id)
    if not policy.can_manage_instruments_of(current_user, instrument.unit_id):
        abort(403)
    form = _prepare(InstrumentForm(obj=instrument) if request.method == "GET" else InstrumentForm())
    if request.method == "GET":
        _fill_rules(form, instrument.booking_rules)
    rule_errors: list[str] = []
    if form.is_submitted():
        saved, rule_errors = _save(form, instrument, None)
        if saved is not None:
            flash(_("%(name)s has been saved.", name=saved.name), "success")
            return redirect(url_for("instruments.detail", instrument_id=saved.id))
    return _render(form, instrument, instrument.unit, rule_errors)
