"""Account rules as plain functions: authentication, tokens, user creation and changes."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from sharing import roles as policy
from sharing.accounts.models import ApiToken, LoginFailure, User
from sharing.accounts.passwords import hash_password, needs_rehash, verify_password
from sharing.errors import ApiError, forbidden, not_found, validation_error
from sharing.extensions import db
from sharing.timeutil import utcnow
from sharing.units.models import Unit

MIN_PASSWORD_LENGTH = 8


def normalise_email(email: str) -> str:
    return email.strip().lower()


# --- authentication -------------------------------------------------------------------------

def _failure_window():
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def login_ip_limit() -> str:
    """Flask-Limiter's limit for login attempts per client address (a setting)."""
    return current_app.config["LOGIN_IP_RATE_LIMIT"]


def login_blocked_for(email: str) -> int | None:
    """Seconds to wait when this address has too many recent failures, else None."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    # The limit-th most recent failure inside the window; once it leaves, logins may resume.
    nth_latest = db.session.scalars(
        select(LoginFailure.at)
        .where(LoginFailure.email == email, LoginFailure.at > utcnow() - _failure_window())
        .order_by(LoginFailure.at.desc())
        .offset(limit - 1)
        .limit(1)
    ).first()
    if nth_latest is None:
        return None
    return max(1, int((nth_latest + _failure_window() - utcnow()).total_seconds()) + 1)


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials; raises 429 or 401 (same 401 for any mismatch)."""
    email = normalise_email(email or "")
    wait = login_blocked_for(email)
    if wait is not None:
        raise ApiError(429, "rate_limited", _("Too many failed logins for this address. Try again later."),
                       headers={"Retry-After": str(wait)})
    user = db.session.scalar(select(User).where(User.email == email))
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or not user.active:
        db.session.add(LoginFailure(email=email))
        db.session.commit()
        raise ApiError(401, "invalid_credentials", _("Wrong e-mail address or password."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    db.session.commit()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=_token_hash(token),
        expires_at=utcnow() + timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"]),
    )
    db.session.add(row)
    db.session.commit()
    return token, row


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.active:
        return None
    return row.user, row


def revoke_token(row: ApiToken) -> None:
    row.revoked_at = utcnow()
    db.session.commit()


def purge_expired_credentials() -> int:
    """Scheduled clean-up: expired or revoked tokens and login failures out of their window."""
    now = utcnow()
    removed = db.session.execute(
        delete(ApiToken).where((ApiToken.expires_at < now) | (ApiToken.revoked_at.is_not(None)))
    ).rowcount
    removed += db.session.execute(
        delete(LoginFailure).where(LoginFailure.at < now - _failure_window())
    ).rowcount
    db.session.commit()
    return removed


# --- users ----------------------------------------------------------------------------------

def visible_users_query(actor: User):
    query = select(User)
    if policy.sees_all_units(actor):
        return query
    if actor.has_role(policy.Role.UNIT_ADMIN):
        return query.where(User.unit_id == actor.unit_id)
    return query.where(User.id == actor.id)


def get_user_for(actor: User, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not policy.can_read_user(actor, user):
        raise not_found()
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise validation_error({"password": [_("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH)]})


def _check_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise validation_error({"unit_id": [_("No such unit.")]})
    return unit


def _check_email_free(email: str, except_id: int | None = None) -> None:
    query = select(User.id).where(User.email == email)
    if except_id is not None:
        query = query.where(User.id != except_id)
    if db.session.scalar(query) is not None:
        raise ApiError(409, "email_taken", _("This e-mail address is already registered."),
                       fields={"email": [_("This e-mail address is already registered.")]})


def create_user(actor: User, data: dict) -> User:
    unit = _check_unit(data["unit_id"])
    if not policy.can_manage_users_of(actor, unit.id):
        raise forbidden()
    if not policy.may_grant_roles(actor, data["roles"]):
        raise forbidden(_("You may not grant these roles."))
    email = normalise_email(data["email"])
    _check_email_free(email)
    _check_password(data["password"])
    user = User(
        email=email,
        name=data["name"].strip(),
        unit_id=unit.id,
        phone=data.get("phone"),
        active=data.get("active", True),
        password_hash=hash_password(data["password"]),
    )
    user.roles = data["roles"]
    db.session.add(user)
    db.session.commit()
    return user


SELF_EDITABLE = {"name", "phone", "password", "locale"}


def update_user(actor: User, user: User, data: dict) -> User:
    managing = policy.can_manage_user(actor, user)
    if not managing and not (actor.id == user.id and set(data) <= SELF_EDITABLE):
        raise forbidden()
    if "unit_id" in data and data["unit_id"] != user.unit_id:
        unit = _check_unit(data["unit_id"])
        if not policy.can_manage_users_of(actor, unit.id):
            raise forbidden()
    if "roles" in data and not policy.may_grant_roles(actor, data["roles"]):
        raise forbidden(_("You may not grant these roles."))
    if "email" in data:
        data["email"] = normalise_email(data["email"])
        _check_email_free(data["email"], except_id=user.id)
    if "password" in data:
        _check_password(data["password"])
        user.password_hash = hash_password(data.pop("password"))
    if actor.id == user.id and data.get("active") is False:
        raise validation_error({"active": [_("You cannot deactivate your own account.")]})
    for key, value in data.items():
        setattr(user, key, value)
    db.session.commit()
    return user
