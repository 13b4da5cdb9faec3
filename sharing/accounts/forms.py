from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from sharing.roles import Role

ROLE_LABELS = {
    Role.RESEARCHER: _l("Researcher"),
    Role.MANAGER: _l("Equipment manager"),
    Role.UNIT_ADMIN: _l("Unit administrator"),
    Role.EVALUATOR: _l("Evaluator"),
    Role.ADMIN: _l("Platform administrator"),
}


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class ProfileForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    password = PasswordField(_l("New password"), validators=[Optional(), Length(max=200)],
                             description=_l("Leave empty to keep the current password."))


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    unit_id = SelectField(_l("Unit"), coerce=int)
    roles = SelectMultipleField(_l("Roles"), validators=[DataRequired()])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    password = PasswordField(_l("Password"), validators=[Length(max=200)])
    active = BooleanField(_l("Active"), default=True)
