"""Forms of the researcher's booking pages: the booking form and the buttons on a booking.

The booking form only reads what was typed (dates, times, a purpose); every booking rule is
checked by ``bookings.services.create_booking``, the same function the JSON API calls.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from bookings.display import MODE_LABELS, STATUS_LABELS
from bookings.models import BOOKING_STATUSES, USAGE_PURPOSES

PURPOSE_MAX = 500
REASON_MAX = 500
MAX_SAMPLES = 100000

USAGE_PURPOSE_LABELS = {
    "research": _l("Research"),
    "teaching": _l("Teaching"),
    "social_service": _l("Service to society"),
    "training": _l("Training"),
    "maintenance": _l("Maintenance"),
}


class BookingForm(FlaskForm):
    """Start and end (a date and a time each), the mode, the samples and what the time is for."""

    start_date = DateField(_l("Start date"), validators=[InputRequired(_l("Choose a date."))])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Give a time (HH:MM)."))])
    end_date = DateField(_l("End date"), validators=[InputRequired(_l("Choose a date."))])
    end_time = TimeField(_l("End time"), validators=[InputRequired(_l("Give a time (HH:MM)."))])
    mode = RadioField(_l("Kind of use"), default="self", validators=[InputRequired()],
                      choices=[SelectChoice(value, label) for value, label in MODE_LABELS.items()])
    sample_count = IntegerField(_l("Number of samples"), validators=[Optional(), NumberRange(min=1, max=MAX_SAMPLES)],
                                render_kw={"inputmode": "numeric", "min": 1, "max": MAX_SAMPLES})
    purpose = TextAreaField(
        _l("Purpose"),
        validators=[DataRequired(_l("Say briefly what the instrument time is for.")), Length(max=PURPOSE_MAX)],
        description=_l("What you will measure or analyse, at most %(max)d characters.", max=PURPOSE_MAX),
        render_kw={"rows": 3, "maxlength": PURPOSE_MAX},
    )

    def validate_sample_count(self, field):
        """A sample submission says how many samples (the service says the same; here it is shown early)."""
        if self.mode.data == "sample" and not field.data and not field.errors:
            raise ValueError(_l("A sample submission needs the number of samples."))


class ActionForm(FlaskForm):
    """A button that changes a booking (check in): only the CSRF token."""


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=REASON_MAX)],
                         render_kw={"maxlength": REASON_MAX})


class CheckOutForm(FlaskForm):
    """Ending the use; the usage record gets what it was for and, for samples, how many were done."""

    purpose = SelectField(_l("Use for"), choices=[SelectChoice(p, USAGE_PURPOSE_LABELS[p]) for p in USAGE_PURPOSES],
                          default="research")
    sample_count = IntegerField(_l("Samples measured"), validators=[Optional(), NumberRange(min=0, max=MAX_SAMPLES)],
                                render_kw={"inputmode": "numeric", "min": 0, "max": MAX_SAMPLES})


class StatusFilterForm(FlaskForm):
    """The status filter of "My bookings"; read from the query string, no CSRF."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[SelectChoice("", _l("All statuses"))]
                         + [SelectChoice(s, STATUS_LABELS[s]) for s in BOOKING_STATUSES], default="")
