from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

UNIT_KIND_LABELS = {
    "university": _l("University"),
    "institute": _l("Research institute"),
    "enterprise": _l("Enterprise"),
    "hospital": _l("Hospital"),
    "other": _l("Other"),
}


class UnitForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=50)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in UNIT_KIND_LABELS.items()])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=50)])
    in_cluster = BooleanField(_l("Member of the laboratory cluster"))
    credit_code = StringField(
        _l("Unified social credit code"),
        validators=[Optional(), Regexp(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
                                       message=_l("Not a valid unified social credit code."))],
    )
