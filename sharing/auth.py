"""Who is calling: bearer tokens for programs, the session cookie (with CSRF) for our own pages.

Every /api/ endpoint needs a caller unless its view is marked ``@public(...)``.
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError as WTFValidationError

from sharing.errors import ApiError

PUBLIC_ATTR = "_public_methods"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MULTIPART_ATTR = "_accepts_multipart"
# Endpoints of extensions (whose views we do not decorate) that need no credentials.
PUBLIC_ENDPOINTS: dict[str, set[str]] = {}


def public(*methods: str):
    """Mark an API view as callable without credentials for the given HTTP methods."""

    def mark(view):
        setattr(view, PUBLIC_ATTR, {m.upper() for m in methods} or {"GET", "POST", "HEAD"})
        return view

    return mark


def accepts_multipart(view):
    setattr(view, MULTIPART_ATTR, True)
    return view


def _view_attr(name: str, default):
    view = current_app.view_functions.get(request.endpoint)
    return getattr(getattr(view, "view_class", view), name, getattr(view, name, default))


def actor():
    """The authenticated user of this API request."""
    user = g.get("actor")
    if user is None:
        raise ApiError(401)
    return user


def _check_content_type() -> None:
    if request.method not in UNSAFE_METHODS or not request.content_length:
        return
    if request.mimetype == "application/json":
        return
    if request.mimetype == "multipart/form-data" and _view_attr(MULTIPART_ATTR, False):
        return
    raise ApiError(400, "bad_request", _("The request body must be JSON (Content-Type: application/json)."))


def _session_csrf() -> None:
    if request.method not in UNSAFE_METHODS:
        return
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except (CSRFError, WTFValidationError) as exc:
        raise ApiError(400, "csrf_failed", _("The form has expired. Reload the page and try again.")) from exc


def _terminal_caller(token: str) -> None:
    """An instrument terminal's token: it may only post usage logs (of its instrument; the
    service checks that). Anything else, or an unknown token, is 401."""
    from bookings.usage import terminal_instrument_for
    from bookings.usage_api import TERMINAL_ENDPOINT

    instrument_id = terminal_instrument_for(token)
    if instrument_id is None or request.endpoint != TERMINAL_ENDPOINT or request.method != "POST":
        raise ApiError(401, "unauthorized", _("The token is invalid, expired or revoked."))
    g.terminal_instrument_id = instrument_id


def resolve_caller() -> None:
    """before_request: sets ``g.actor`` (API) and ``g.actor_id`` (audit) for every request."""
    from sharing.accounts.services import user_for_token

    if not request.path.startswith("/api/"):
        if current_user.is_authenticated:
            g.actor_id = current_user.id
        return
    if request.endpoint is None:  # unknown path or method: let routing answer 404/405
        return
    is_public = request.method in (PUBLIC_ENDPOINTS.get(request.endpoint) or _view_attr(PUBLIC_ATTR, set()))
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
        found = user_for_token(token)
        if found is None:
            _terminal_caller(token)
        else:
            g.actor, g.api_token = found
    elif current_user.is_authenticated:
        _session_csrf()
        g.actor = current_user._get_current_object()
    elif not is_public:
        raise ApiError(401)
    if g.get("actor") is not None:
        g.actor_id = g.actor.id
    _check_content_type()
