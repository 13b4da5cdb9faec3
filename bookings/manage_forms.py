"""Forms of the managers' pages: deciding on bookings, qualifications and downtimes.

Field names are the API's, so that the errors of its schemas and services land next to the
input they are about. Times are typed as local date-times of the platform time zone.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, EmailField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from bookings.display import LEVEL_LABELS
from bookings.models import QUALIFICATION_LEVELS

# What a browser's <input type="datetime-local"> sends, and what people type where it has none.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
REASON_MAX = 500  # as the API's reason fields


def _reason(label, description=None):
    return TextAreaField(label, validators=[DataRequired(), Length(max=REASON_MAX)], description=description,
                         render_kw={"rows": 2, "maxlength": REASON_MAX})


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ButtonForm(FlaskForm):
    """A button that changes state (approve, revoke, delete): only the CSRF token."""


class RejectForm(FlaskForm):
    reason = _reason(_l("Reason for rejecting"), _l("The applicant receives this reason."))


class CancelForm(FlaskForm):
    reason = _reason(_l("Reason for cancelling"), _l("The user receives this reason."))


class QualificationForm(FlaskForm):
    email = EmailField(_l("E-mail of the user"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[_strip],
                       description=_l("Users of any unit can be qualified. Granting again replaces the "
                                      "person's current qualification."))
    level = SelectField(_l("Level"), choices=[SelectChoice(code, LEVEL_LABELS[code]) for code in QUALIFICATION_LEVELS],
                        default="guided")
    expires_at = DateTimeLocalField(_l("Valid until"), format=DATETIME_FORMATS, validators=[Optional()],
                                    description=_l("Leave empty for a qualification without expiry."))


class DowntimeForm(FlaskForm):
    start = DateTimeLocalField(_l("Begins"), format=DATETIME_FORMATS, validators=[InputRequired()])
    end = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMATS, validators=[InputRequired()])
    reason = _reason(_l("Reason"), _l("Users whose bookings are cancelled receive this reason."))
