"""An instrument's booking rules (API.md, "Booking rules"): defaults, validation, merging."""
from __future__ import annotations

import copy
import re

from marshmallow import ValidationError, fields, validate, validates_schema

from sharing.api_common import StrictSchema

WEEKDAY_HOURS = [{"weekday": d, "start": "08:00", "end": "18:00"} for d in range(5)]

DEFAULT_RULES = {
    "approval": "auto",
    "open_hours": WEEKDAY_HOURS,
    "closed_on_holidays": True,
    "slot_minutes": 30,
    "min_minutes": 30,
    "max_minutes": 480,
    "lead_minutes": 0,
    "horizon_days": 14,
    "cancel_deadline_minutes": 60,
    "requires_qualification": False,
    "max_active_per_user": None,
    "buffer_minutes": 0,
}

_HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")


def minutes_of(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


class OpenHoursSchema(StrictSchema):
    weekday = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=6))
    start = fields.String(required=True, validate=validate.Regexp(_HHMM, error="Use HH:MM."))
    end = fields.String(required=True, validate=validate.Regexp(_HHMM, error="Use HH:MM."))

    @validates_schema
    def _start_before_end(self, data, **kwargs):
        if "start" in data and "end" in data and minutes_of(data["start"]) >= minutes_of(data["end"]):
            raise ValidationError("The end must be after the start.", "end")


def _minutes(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=366 * 24 * 60), **kwargs)


class BookingRulesSchema(StrictSchema):
    """Every key optional; what is given is validated, the rest keeps its current value."""

    approval = fields.String(validate=validate.OneOf(["auto", "manager"]))
    open_hours = fields.List(fields.Nested(OpenHoursSchema))
    closed_on_holidays = fields.Boolean()
    slot_minutes = fields.Integer(strict=True, validate=validate.Range(min=1, max=24 * 60))
    min_minutes = _minutes()
    max_minutes = _minutes()
    lead_minutes = _minutes()
    horizon_days = fields.Integer(strict=True, validate=validate.Range(min=0, max=366))
    cancel_deadline_minutes = _minutes()
    requires_qualification = fields.Boolean()
    max_active_per_user = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1))
    buffer_minutes = _minutes()


def merged_rules(current: dict | None, changes: dict | None) -> dict:
    """Defaults, then the stored rules, then the changes, key by key; checked as a whole."""
    rules = copy.deepcopy(DEFAULT_RULES)
    rules.update(copy.deepcopy(current or {}))
    rules.update(copy.deepcopy(changes or {}))
    errors = {}
    if rules["min_minutes"] > rules["max_minutes"]:
        errors["max_minutes"] = ["The longest booking cannot be shorter than the shortest."]
    if rules["slot_minutes"] > rules["max_minutes"]:
        errors["slot_minutes"] = ["The slot cannot be longer than the longest booking."]
    if errors:
        raise ValidationError({"booking_rules": errors})
    return rules
