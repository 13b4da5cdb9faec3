"""Helpers shared by the web pages: access checks and showing rule errors on forms."""
from __future__ import annotations

from functools import wraps

from flask import abort, flash
from flask_login import current_user, login_required

from sharing.errors import ApiError
from sharing.extensions import db


def roles_required(*roles: str):
    """Logged in and holding one of ``roles``; else the login page or 403."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not any(current_user.has_role(r) for r in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def show_errors(form, exc: ApiError) -> None:
    """Put a service's field errors next to the form's fields; the rest as a message."""
    shown = False
    for name, messages in (exc.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
            shown = True
    if exc.status in (403, 404):
        abort(exc.status)
    if not shown:
        flash(exc.message, "error")


def run_service(form, call):
    """Run a service call for a submitted form; on a refusal, show its errors on the form.

    Returns the call's result, or None when the service refused (nothing is kept then).
    """
    try:
        return call()
    except ApiError as exc:
        db.session.rollback()
        show_errors(form, exc)
        return None


def form_data(form, names) -> dict:
    """The submitted values of ``names``, blanks as None, strings stripped."""
    out = {}
    for name in names:
        value = getattr(form, name).data
        if isinstance(value, str):
            value = value.strip() or None
        out[name] = value
    return out
