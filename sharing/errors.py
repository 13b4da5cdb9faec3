"""One error envelope for the JSON API and friendly pages for people; never a stack trace.

API errors look like ``{"error": {"code", "message", "fields"?}}`` (API.md, Conventions).
"""
from __future__ import annotations

import logging
import re

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from sharing.i18n_messages import N_

log = logging.getLogger(__name__)

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "bad_request",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


def default_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please log in first."),
        403: _("You do not have permission to do this."),
        404: _("The requested resource was not found."),
        405: _("This method is not allowed here."),
        409: _("The request conflicts with the current state."),
        413: _("The upload is too large."),
        415: _("The request could not be understood."),
        422: _("Some fields are not valid."),
        429: _("Too many requests. Please try again later."),
        500: _("Something went wrong on our side. The error has been logged."),
        503: _("The service is temporarily unavailable."),
    }
    return messages.get(status, _("The request could not be completed."))


class ApiError(Exception):
    """A business-rule refusal with an API.md error code."""

    def __init__(self, status: int, code: str | None = None, message: str | None = None,
                 fields: dict | None = None, headers: dict | None = None, extra: dict | None = None):
        super().__init__(message or code)
        self.extra = extra or {}
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message or default_message(status)
        self.fields = fields
        self.headers = headers or {}


def validation_error(fields: dict, message: str | None = None) -> ApiError:
    return ApiError(422, "validation_error", message or default_message(422), fields=fields)


def not_found() -> ApiError:
    return ApiError(404)


def forbidden(message: str | None = None) -> ApiError:
    return ApiError(403, "forbidden", message)


def is_api_request() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


# Marshmallow formats these messages before we see them, so they are translated by pattern.
FORMATTED_MESSAGES = [
    (re.compile(r"^Must be one of: (?P<choices>.+)\.$"), N_("Must be one of: %(choices)s.")),
    (re.compile(r"^Longer than maximum length (?P<max>\d+)\.$"), N_("Longer than maximum length %(max)s.")),
    (re.compile(r"^Shorter than minimum length (?P<min>\d+)\.$"), N_("Shorter than minimum length %(min)s.")),
    (re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
     N_("Length must be between %(min)s and %(max)s.")),
    (re.compile(r"^Length must be (?P<equal>\d+)\.$"), N_("Length must be %(equal)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.$"),
     N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+)\.$"), N_("Must be greater than or equal to %(min)s.")),
    (re.compile(r"^Must be less than or equal to (?P<max>\S+)\.$"), N_("Must be less than or equal to %(max)s.")),
]


def translate_message(text: str) -> str:
    """A validation message in the user's language (fixed texts by lookup, formatted ones by pattern)."""
    for pattern, msgid in FORMATTED_MESSAGES:
        match = pattern.match(text)
        if match:
            return _(msgid, **match.groupdict())
    return _(text)


def _translate_messages(value):
    """Marshmallow speaks English; give its fixed messages in the user's language."""
    if isinstance(value, dict):
        return {k: _translate_messages(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        out = []
        for v in value:
            t = _translate_messages(v)
            out.extend(t if isinstance(t, list) and not isinstance(v, list) else [t])
        return out
    if isinstance(value, str):
        return translate_message(value)
    return value


def _flatten_fields(messages: dict, prefix: str = "") -> dict[str, list[str]]:
    """``{"booking_rules": {"max_minutes": [...]}}`` → ``{"booking_rules.max_minutes": [...]}``.

    Errors of list items (keyed by index) are reported under the list's own field name.
    """
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        if isinstance(key, int) and prefix:
            name = prefix
        else:
            name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten_fields(value, name))
        elif isinstance(value, list):
            flat.setdefault(name, []).extend(str(v) for v in value if not isinstance(v, dict))
            for v in value:
                if isinstance(v, dict):
                    flat.update(_flatten_fields(v, name))
        else:
            flat.setdefault(name, []).append(str(value))
    return flat


def envelope(status: int, code: str, message: str, fields: dict | None = None, headers=None,
             extra: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if fields is not None:
        body["error"]["fields"] = _flatten_fields(_translate_messages(fields))
    body["error"].update(extra or {})
    response = jsonify(body)
    response.status_code = status
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def _http_exception_fields(exc: HTTPException):
    """webargs/flask-smorest put validation messages under ``exc.data['messages'][location]``."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if not isinstance(messages, dict):
        return None
    merged: dict = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            merged.update(location_messages)
        else:
            merged.setdefault("_schema", []).extend(location_messages)
    return merged


def register_error_handlers(app) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(exc: ApiError):
        return envelope(exc.status, exc.code, exc.message, exc.fields, exc.headers, exc.extra)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        status = exc.code or 500
        if not is_api_request():
            return render_template("error.html", status=status, message=default_message(status)), status
        fields = _http_exception_fields(exc)
        if status == 400 and fields is not None:
            # Malformed JSON is reported by webargs as a 400 with a message list.
            return envelope(400, "bad_request", _("The request body is not valid JSON."))
        code = STATUS_CODES.get(status, "error")
        headers = {}
        if status == 429:
            # Flask-Limiter replaces this with the exact wait in its after-request hook.
            headers["Retry-After"] = "60"
        if status == 405 and exc.valid_methods:
            headers["Allow"] = ", ".join(exc.valid_methods)
        return envelope(status, code, default_message(status), fields if status == 422 else None, headers)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        from sharing.extensions import db
        db.session.rollback()
        if not is_api_request():
            return render_template("error.html", status=500, message=default_message(500)), 500
        return envelope(500, "internal_error", default_message(500))
