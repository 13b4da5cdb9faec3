"""Forms of the usage-ledger pages: recording, correcting and voiding uses; rating a service.

Field names are the API's (``email`` stands for ``user_id``), so that the errors of its schemas
and of ``bookings.usage`` land next to the input they are about. Times are typed as local
date-times of the platform time zone; the service stores them in UTC.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, DecimalField, EmailField, IntegerField, RadioField,
                     SelectField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from bookings.forms import USAGE_PURPOSE_LABELS
from bookings.manage_forms import DATETIME_FORMATS
from bookings.models import SERVICE_WAYS, USAGE_PURPOSES, USAGE_SOURCES
from bookings.usage import RATING_LABELS
from bookings.usage_schemas import MAX_SAMPLES

TEXT_MAX = 500  # as the API's comment and reason fields
FEE_MAX = 9999999999

SERVICE_WAY_LABELS = {
    "occupy": _l("Occupy (the user operates)"),
    "guided": _l("Guided (under staff guidance)"),
    "entrust": _l("Entrusted (staff run the samples)"),
    "remote": _l("Remote"),
}
SOURCE_LABELS = {"terminal": _l("Terminal"), "checkin": _l("Check-in"), "manual": _l("Manual entry")}
SOURCE_BADGES = {"terminal": "bg-success", "checkin": "bg-info text-dark", "manual": "bg-secondary"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _text(label, description=None, required=False):
    checks = [DataRequired(), Length(max=TEXT_MAX)] if required else [Optional(), Length(max=TEXT_MAX)]
    return TextAreaField(label, validators=checks, description=description, filters=[_strip],
                         render_kw={"rows": 2, "maxlength": TEXT_MAX})


class UsageForm(FlaskForm):
    """One use of an instrument, as a manager records or corrects it."""

    email = EmailField(_l("E-mail of the user"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[_strip], description=_l("The person who used the instrument or sent the samples."))
    start = DateTimeLocalField(_l("Actual start"), format=DATETIME_FORMATS, validators=[InputRequired()])
    end = DateTimeLocalField(_l("Actual end"), format=DATETIME_FORMATS, validators=[InputRequired()])
    purpose = SelectField(_l("Use for"), default="research",
                          choices=[SelectChoice(p, USAGE_PURPOSE_LABELS[p]) for p in USAGE_PURPOSES])
    service_way = SelectField(_l("Service way"), default="occupy",
                              choices=[SelectChoice(w, SERVICE_WAY_LABELS[w]) for w in SERVICE_WAYS])
    sample_count = IntegerField(_l("Number of samples"), validators=[Optional(), NumberRange(min=0, max=MAX_SAMPLES)],
                                render_kw={"inputmode": "numeric", "min": 0, "max": MAX_SAMPLES})
    fee = DecimalField(_l("Fee (yuan)"), places=2, validators=[Optional(), NumberRange(min=0, max=FEE_MAX)],
                       description=_l("Leave empty to compute it from the instrument's published rates."),
                       render_kw={"inputmode": "decimal", "min": 0, "step": "0.01"})
    comment = _text(_l("Comment"))


class RecordUseForm(UsageForm):
    """Recording the use of a booking: the user is the booking's."""

    email = None


class CorrectionForm(UsageForm):
    """Changing a record; the reason is kept in the record's history."""

    reason = _text(_l("Reason for the change"), _l("Kept in the record's history."))


class VoidForm(FlaskForm):
    reason = _text(_l("Reason for voiding"), _l("Kept in the record's history. A voided use counts nowhere."),
                   required=True)


class RatingForm(FlaskForm):
    score = RadioField(_l("How satisfied are you with this service?"), coerce=int,
                       validators=[InputRequired(_l("Choose one of the five levels."))],
                       choices=[SelectChoice(score, RATING_LABELS[score]) for score in (5, 4, 3, 2, 1)])
    comment = _text(_l("Comment (optional)"))


class LedgerFilterForm(FlaskForm):
    """The ledger's filters; read from the query string, no CSRF."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    source = SelectField(_l("Recorded by"), default="",
                         choices=[SelectChoice("", _l("All sources"))]
                         + [SelectChoice(s, SOURCE_LABELS[s]) for s in USAGE_SOURCES])
    voided = BooleanField(_l("Include voided records"))
