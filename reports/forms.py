"""The report page's filters, read from the query string (no CSRF: it changes nothing)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from instruments.forms import choices

WINDOW_LABELS = {"calendar": _l("Calendar year"), "academic": _l("Academic year (1 Sep – 31 Aug)"),
                 "custom": _l("Custom dates")}
MEMBER_LABELS = {"": _l("The whole province"), "cluster": _l("Members of the laboratory cluster")}
GROUP_LABELS = {"unit": _l("By unit"), "instrument": _l("By instrument"), "category": _l("By category")}
ONLY_LABELS = {"": _l("All instruments"), "low_use": _l("Idle or low use only")}


class SharingFilterForm(FlaskForm):
    class Meta:
        csrf = False

    window = SelectField(_l("Period"), choices=choices(WINDOW_LABELS), default="calendar")
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=1990, max=2100)],
                        render_kw={"inputmode": "numeric"},
                        description=_l("An academic year is named after the year it begins in."))
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To (exclusive)"), validators=[Optional()])
    group_by = SelectField(_l("Rows"), choices=choices(GROUP_LABELS), default="unit")
    unit_id = SelectField(_l("Unit"), validate_choice=False)
    category = SelectField(_l("Category"), validate_choice=False)
    members = SelectField(_l("Units counted"), choices=choices(MEMBER_LABELS), default="")
    min_price_wan = DecimalField(_l("In scope from (10,000 yuan)"), places=None,
                                 validators=[Optional(), NumberRange(min=0)], render_kw={"inputmode": "decimal"})
    only = SelectField(_l("Show"), choices=choices(ONLY_LABELS), default="", validate_choice=False)  # instrument rows
