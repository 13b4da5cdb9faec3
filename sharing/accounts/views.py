"""Web pages: log in and out, language, own profile, user management."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from sharing import roles as policy
from sharing.accounts import services
from sharing.accounts.forms import ROLE_LABELS, LoginForm, ProfileForm, UserForm
from sharing.accounts.models import User
from sharing.api_common import paginate
from sharing.errors import ApiError
from sharing.extensions import db, limiter, login_manager
from sharing.i18n import COOKIE, LANGUAGES
from sharing.pages import form_data, roles_required, run_service
from sharing.roles import Role
from sharing.units.models import Unit

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def _safe_next(target: str | None) -> str:
    """Only local paths, so a crafted link cannot send people elsewhere after login."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(services.login_ip_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except ApiError as exc:
            flash(exc.message, "error")
        else:
            session.clear()  # a fresh session at login: no fixation
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.get("/lang/<code>")
def set_language(code: str):
    if code not in LANGUAGES:
        code = "zh_CN"
    response = redirect(_safe_next(request.args.get("next")))
    response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.commit()
    return response


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        data = form_data(form, ["name", "phone", "password"])
        if data["password"] is None:
            del data["password"]
        if run_service(form, lambda: services.update_user(current_user, current_user, data)):
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, role_labels=ROLE_LABELS)


# --- user management (admins: all units; unit admins: their own) ---------------------------

def _unit_choices():
    query = select(Unit).order_by(Unit.name)
    if not policy.is_admin(current_user):
        query = query.where(Unit.id == current_user.unit_id)
    return [SelectChoice(u.id, u.name) for u in db.session.scalars(query)]


def _role_choices():
    grantable = list(Role) if policy.is_admin(current_user) else sorted(policy.UNIT_ADMIN_GRANTABLE)
    return [SelectChoice(r.value, ROLE_LABELS[r]) for r in Role if r in grantable]


def _prepare(form: UserForm) -> UserForm:
    form.unit_id.choices = _unit_choices()
    form.roles.choices = _role_choices()
    return form


@bp.get("/users")
@roles_required("admin", "unit_admin")
def list_users():
    query = services.visible_users_query(current_user).order_by(User.id)
    q = request.args.get("q", "").strip()
    if q:
        like = f"%{q.lower()}%"
        query = query.where(db.or_(db.func.lower(User.name).like(like), User.email.like(like)))
    page = paginate(query, {"page": request.args.get("page", 1, type=int) or 1, "per_page": 50}, db.session)
    return render_template("accounts/users.html", page=page, q=q, role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin", "unit_admin")
def new_user():
    form = _prepare(UserForm())
    if request.method == "GET":
        form.unit_id.data = current_user.unit_id
        form.roles.data = ["researcher"]
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors = [_("This field is required.")]
        else:
            data = form_data(form, ["email", "name", "unit_id", "roles", "phone", "password", "active"])
            if run_service(form, lambda: services.create_user(current_user, data)):
                flash(_("User %(email)s created.", email=data["email"]), "success")
                return redirect(url_for("accounts.list_users"))
    return render_template("accounts/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required("admin", "unit_admin")
def edit_user(user_id: int):
    try:
        user = services.get_user_for(current_user, user_id)
    except ApiError:
        return render_template("error.html", status=404, message=_("The requested resource was not found.")), 404
    form = _prepare(UserForm(obj=user))
    if request.method == "GET":
        form.roles.data = user.roles
    if form.validate_on_submit():
        data = form_data(form, ["email", "name", "unit_id", "roles", "phone", "active"])
        if form.password.data:
            data["password"] = form.password.data
        if run_service(form, lambda: services.update_user(current_user, user, data)):
            flash(_("User %(email)s saved.", email=user.email), "success")
            return redirect(url_for("accounts.list_users"))
    return render_template("accounts/user_form.html", form=form, user=user)
