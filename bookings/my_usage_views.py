"""Pages for researchers: my usage records and rating a service (once).

The rating calls ``bookings.usage.rate`` — the function the JSON API calls — with the form checked
by the API's own schema (``RatingInput``).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from bookings import usage
from bookings.manage_views import _load
from bookings.models import UsageLog
from bookings.usage_forms import RatingForm
from bookings.usage_schemas import RatingInput
from bookings.usage_views import _attempt, _usage_labels
from instruments.models import Instrument
from sharing.api_common import paginate
from sharing.errors import ApiError
from sharing.extensions import db

bp = Blueprint("my_usage", __name__, template_folder="templates")
bp.context_processor(_usage_labels)

PER_PAGE = 20


@bp.app_template_global()
def usage_rating(log):
    """The rating of a usage log, or None (booking pages show it)."""
    return usage.rating_of(log)


@bp.app_template_global()
def rating_label(score: int) -> str:
    return usage.rating_label(score)


def _instruments(ids) -> dict[int, Instrument]:
    ids = set(ids)
    if not ids:
        return {}
    return {i.id: i for i in db.session.scalars(db.select(Instrument).where(Instrument.id.in_(ids)))}


@bp.get("/my/usage")
@login_required
def my_usage():
    query = usage.logs_query(current_user, {"user_id": current_user.id})
    query = query.order_by(None).order_by(UsageLog.start.desc(), UsageLog.id.desc())
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    page = paginate(query, {"page": number, "per_page": PER_PAGE}, db.session)
    usage.preload_ratings(page["items"])
    return render_template("bookings/my_usage.html", page=page,
                           instruments=_instruments(log.instrument_id for log in page["items"]))


def _own_log(log_id: int) -> UsageLog:
    try:
        log = usage.get_log(current_user, log_id)
    except ApiError as exc:
        abort(exc.status)
    if log.user_id != current_user.id:
        abort(403)
    return log


def _back() -> str:
    """Where to go after rating: the local page the form came from, else my usage."""
    target = request.values.get("next") or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("my_usage.my_usage")
    return target


@bp.route("/my/usage/<int:log_id>/rate", methods=["GET", "POST"])
@login_required
def rate(log_id: int):
    log = _own_log(log_id)
    rating = usage.rating_of(log)
    form = RatingForm()
    problems: list[str] = []
    if rating is None and not log.voided and form.validate_on_submit():
        payload = {"score": form.score.data, "comment": form.comment.data or None}
        rating, problems = _attempt(form, lambda: usage.rate(current_user, log.id, _load(RatingInput(), payload)))
        if rating is not None:
            flash(_("Thank you: your rating (%(label)s) has been recorded.", label=usage.rating_label(rating.score)),
                  "success")
            return redirect(_back())
        rating = usage.rating_of(log)  # a second rating: the first one stands
    return render_template("bookings/usage_rate.html", log=log, rating=rating, form=form, problems=problems,
                           instrument=db.session.get(Instrument, log.instrument_id), back=_back())
