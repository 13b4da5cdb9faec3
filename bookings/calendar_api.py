"""iCalendar feeds (API.md, "Calendars and health"): an instrument's busy time and a user's own bookings.

The personal feed lives at a secret URL, ``/api/v1/calendar/<user id>-<secret>.ics``, that a
calendar app can poll without credentials. The secret is never stored: it is the HMAC-SHA256,
keyed with the app's ``SECRET_KEY``, of the user id and ``calendar_key_version``; raising the
version (``POST /users/me/calendar-url/reset``) revokes every URL given out before. A wrong
secret, an unknown or an inactive user all answer the same 404.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from contextlib import nullcontext

from flask import Response, current_app, url_for
from flask_babel import force_locale
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from bookings import ical
from instruments.services import get_instrument
from sharing.accounts.models import User
from sharing.auth import actor, public
from sharing.errors import not_found
from sharing.extensions import ErrorEnvelope, db
from sharing.i18n import LANGUAGES

blp = Blueprint("calendar_api", __name__, url_prefix="/api/v1", description="Calendar feeds")

FEED_KEY = re.compile(r"^([1-9][0-9]{0,11})-([0-9a-f]{64})$")
ICS_RESPONSE = {"200": {"description": "An iCalendar (RFC 5545) document.",
                        "content": {"text/calendar": {"schema": {"type": "string"}}}}}


class CalendarUrlSchema(Schema):
    url = fields.String(required=True, metadata={
        "description": "Absolute URL of the secret iCalendar feed of the user's bookings; anyone who has it "
                       "can read the feed, so reset it when it may have leaked."})


def feed_secret(user: User) -> str:
    """The secret part of the user's feed URL (hex HMAC-SHA256; changes with the key version)."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    message = f"calendar-feed:{user.id}:{user.calendar_key_version or 0}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def feed_url(user: User) -> str:
    """Absolute, from the request's own root URL (right behind a proxy once ProxyFix is set up)."""
    return url_for("calendar_api.personal_feed", feed_key=f"{user.id}-{feed_secret(user)}", _external=True)


def _ics(body: bytes, filename: str, cache_control: str) -> Response:
    response = Response(body, mimetype="text/calendar")  # Flask adds "; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = cache_control
    response.vary.update(("Accept-Language", "Cookie"))  # summaries are in the caller's language
    return response


@blp.route("/instruments/<int:instrument_id>/calendar.ics", methods=["GET"])
@public("GET", "HEAD")
@blp.doc(security=[{}, {"bearerAuth": []}], responses=ICS_RESPONSE)
@blp.alt_response(401, schema=ErrorEnvelope, description="No credentials, and the instrument is not shared "
                                                         "with other units.")
@blp.alt_response(404, schema=ErrorEnvelope, description="No such instrument.")
def instrument_feed(instrument_id):
    """Busy time of an instrument: pending and confirmed bookings and downtimes, never who or why.

    From 30 days ago to 90 days ahead. No credentials are needed when the instrument's
    ``share_mode`` is ``external``; otherwise any logged-in user (bearer token or session), as for
    its availability.
    """
    instrument = get_instrument(instrument_id)
    shared = instrument.share_mode == "external"
    if not shared:
        actor()
    return _ics(ical.instrument_calendar(instrument), f"instrument-{instrument.id}.ics",
                "public, max-age=300" if shared else "private, no-cache")


@blp.route("/users/me/calendar-url", methods=["GET"])
@blp.response(200, CalendarUrlSchema)
def my_calendar_url():
    """The secret feed URL of the caller's bookings, to subscribe to in a calendar app."""
    return {"url": feed_url(actor())}


@blp.route("/users/me/calendar-url/reset", methods=["POST"])
@blp.response(200, CalendarUrlSchema)
def reset_my_calendar_url():
    """A new secret feed URL; the old one stops working at once."""
    user = actor()
    user.calendar_key_version = (user.calendar_key_version or 0) + 1
    db.session.commit()
    return {"url": feed_url(user)}


@blp.route("/calendar/<feed_key>.ics", methods=["GET"])
@public("GET", "HEAD")
@blp.doc(security=[], responses=ICS_RESPONSE)
@blp.alt_response(404, schema=ErrorEnvelope, description="Unknown, revoked or mistyped feed URL.")
def personal_feed(feed_key):
    """A user's own bookings (pending, confirmed, and completed ones of the last 30 days), by secret URL.

    Cancelled, rejected and no-show bookings are left out. Texts follow the user's saved language.
    """
    match = FEED_KEY.match(feed_key)
    if match is None:
        raise not_found()
    user = db.session.get(User, int(match[1]))
    if user is None or not user.active or not hmac.compare_digest(match[2], feed_secret(user)):
        raise not_found()
    with force_locale(user.locale) if user.locale in LANGUAGES else nullcontext():
        body = ical.user_calendar(user)
    return _ics(body, "bookings.ics", "private, no-store")
