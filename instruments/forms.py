"""Forms of the catalogue pages: search, the instrument record with its booking rules, retiring.

Field names are the API's (``booking_rules`` keys carry the prefix ``rule_``), so that errors
of the services and schemas land next to the input they are about.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

STATUS_LABELS = {
    "normal": _l("In service"),
    "faulty": _l("Faulty"),
    "under_repair": _l("Under repair"),
    "retired": _l("Retired"),
}
SHARE_MODE_LABELS = {
    "external": _l("Open to other units"),
    "internal": _l("Own unit only"),
    "none": _l("Not shared"),
}
TYPE_LABELS = {"general": _l("General-purpose"), "special": _l("Special-purpose")}
SOURCE_LABELS = {
    "purchase": _l("Purchased"),
    "self_built": _l("Built in-house"),
    "gift": _l("Donated"),
    "other": _l("Other"),
}
FUNDING_LABELS = {
    "central": _l("Central government funds"),
    "local": _l("Local government funds"),
    "own": _l("The unit's own funds"),
    "other": _l("Other"),
}
TYPICAL_STATE_LABELS = {
    "normal": _l("Normal"),
    "standby": _l("Standby"),
    "remote_service": _l("Remote service"),
    "occasional_faults": _l("Occasional faults"),
    "frequent_faults": _l("Frequent faults"),
    "awaiting_repair": _l("Awaiting repair"),
    "awaiting_disposal": _l("Awaiting disposal"),
}
APPROVAL_LABELS = {"auto": _l("Confirmed automatically"), "manager": _l("Needs the manager's approval")}
SORT_LABELS = {
    "name": _l("Name"),
    "-price_cny": _l("Price, highest first"),
    "price_cny": _l("Price, lowest first"),
    "-commission_date": _l("Commission date, latest first"),
    "-id": _l("Newest registrations first"),
}
WEEKDAYS = range(7)  # Monday = 0, as in the API


def choices(labels: dict, blank=None) -> list[SelectChoice]:
    """Select options from a label map, after an optional blank option."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in labels.items()]


def _number(label, **kwargs):
    return DecimalField(label, validators=[Optional()], places=None, render_kw={"inputmode": "decimal"}, **kwargs)


def _integer(label, **kwargs):
    return IntegerField(label, validators=[Optional()], render_kw={"inputmode": "numeric"}, **kwargs)


class SearchForm(FlaskForm):
    """The catalogue filters; read from the query string (``formdata=request.args``), no CSRF."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"))
    category = SelectField(_l("Category"), validate_choice=False)
    unit_id = SelectField(_l("Unit"), validate_choice=False)
    city = SelectField(_l("City"), validate_choice=False)
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS, _l("Any (except retired)")), default="")
    share_mode = SelectField(_l("Share mode"), choices=choices(SHARE_MODE_LABELS, _l("Any")), default="")
    bookable = BooleanField(_l("Bookable by me only"))
    price_min_wan = DecimalField(_l("Price from (10,000 yuan)"), places=None,
                                 validators=[Optional(), NumberRange(min=0)], render_kw={"inputmode": "decimal"})
    price_max_wan = DecimalField(_l("Price up to (10,000 yuan)"), places=None,
                                 validators=[Optional(), NumberRange(min=0)], render_kw={"inputmode": "decimal"})
    sort = SelectField(_l("Sort by"), choices=choices(SORT_LABELS), default="name")


RULE_FIELDS = ("approval", "slot_minutes", "min_minutes", "max_minutes", "lead_minutes", "horizon_days",
               "cancel_deadline_minutes", "requires_qualification", "max_active_per_user", "buffer_minutes",
               "closed_on_holidays")


class InstrumentForm(FlaskForm):
    """The national record of one instrument and its booking rules."""

    unit_id = SelectField(_l("Unit"), coerce=int)
    inner_id = StringField(_l("Asset number in the unit"))
    name = StringField(_l("Instrument name"))
    name_en = StringField(_l("English name"))
    model = StringField(_l("Model"))
    manufacturer = StringField(_l("Manufacturer"))
    country = StringField(_l("Country of origin"))
    category_code = SelectField(_l("Classification code"), validate_choice=False)
    asset_class_code = StringField(_l("Asset class code"),
                                   description=_l("Optional: the accounting asset classification (GB/T 14885)."))
    price_cny = _number(_l("Original value (yuan)"))
    purchase_date = DateField(_l("Purchase date"), validators=[Optional()])
    commission_date = DateField(_l("Commission date"), validators=[Optional()])
    register_date = DateField(_l("Asset register date"), validators=[Optional()])
    instrument_type = SelectField(_l("Instrument type"), choices=choices(TYPE_LABELS))
    source = SelectField(_l("Source"), choices=choices(SOURCE_LABELS, "—"))
    customs_supervised = BooleanField(_l("Under customs supervision"))
    funding_source = SelectField(_l("Funding source"), choices=choices(FUNDING_LABELS, "—"))
    department = StringField(_l("Department"))
    specs = TextAreaField(_l("Main technical specifications"), render_kw={"rows": 4})
    functions = TextAreaField(_l("Main functions"), render_kw={"rows": 3})
    subject_areas = StringField(_l("Main subject areas"))
    service_content = TextAreaField(_l("Service content"), render_kw={"rows": 3})
    sharing_rules = TextAreaField(_l("Sharing rules"), render_kw={"rows": 3})
    fee_summary = TextAreaField(_l("Fee summary"), render_kw={"rows": 3})
    booking_url = StringField(_l("Booking website"))
    location = StringField(_l("Address"))
    city = StringField(_l("City"))
    contact_name = StringField(_l("Contact person"))
    contact_phone = StringField(_l("Contact phone"))
    contact_email = StringField(_l("Contact e-mail"))
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS))
    typical_state = SelectField(_l("Typical state during the year"), choices=choices(TYPICAL_STATE_LABELS, "—"))
    share_mode = SelectField(_l("Share mode"), choices=choices(SHARE_MODE_LABELS))
    fee_internal = _number(_l("Internal users, per hour (yuan)"))
    fee_external = _number(_l("External users, per hour (yuan)"))
    fee_sample_internal = _number(_l("Internal users, per sample (yuan)"))
    fee_sample_external = _number(_l("External users, per sample (yuan)"))
    rated_hours = _integer(_l("Rated hours per year"),
                           description=_l("Leave empty to use the category's or the default quota."))
    internal_notes = TextAreaField(_l("Internal notes"), render_kw={"rows": 3},
                                   description=_l("Seen only by the owning unit, evaluators and administrators."))

    rule_approval = SelectField(_l("Confirmation of bookings"), choices=choices(APPROVAL_LABELS))
    rule_slot_minutes = _integer(_l("Time grid (minutes)"),
                                 description=_l("Bookings start and end on this grid, counted from midnight."))
    rule_min_minutes = _integer(_l("Shortest booking (minutes)"))
    rule_max_minutes = _integer(_l("Longest booking (minutes)"))
    rule_lead_minutes = _integer(_l("Minimum notice (minutes)"))
    rule_horizon_days = _integer(_l("Bookable up to (days ahead)"))
    rule_cancel_deadline_minutes = _integer(_l("Cancellation deadline (minutes before the start)"))
    rule_requires_qualification = BooleanField(_l("Self-operated use requires a qualification"))
    rule_max_active_per_user = _integer(_l("Future bookings per user"), description=_l("Empty means no limit."))
    rule_buffer_minutes = _integer(_l("Buffer after each booking (minutes)"))
    rule_closed_on_holidays = BooleanField(_l("Closed on public holidays"))
    always_open = BooleanField(_l("Open at all times (the opening hours below do not apply)"))

    def open_hours_rows(self):
        """(weekday, checkbox, start, end) for the seven rows of the opening-hours table."""
        return [(d, self[f"open_{d}"], self[f"open_{d}_start"], self[f"open_{d}_end"]) for d in WEEKDAYS]


# Seven rows of opening hours: open_0 … open_6 with their start and end times (HH:MM).
for _day in WEEKDAYS:
    setattr(InstrumentForm, f"open_{_day}", BooleanField(_l("Open")))
    setattr(InstrumentForm, f"open_{_day}_start",
            StringField(_l("From"), render_kw={"placeholder": "08:00", "inputmode": "numeric", "maxlength": 5}))
    setattr(InstrumentForm, f"open_{_day}_end",
            StringField(_l("To"), render_kw={"placeholder": "18:00", "inputmode": "numeric", "maxlength": 5}))


class ConfirmForm(FlaskForm):
    """A button that changes state: only the CSRF token."""
