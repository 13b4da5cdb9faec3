"""Pages for managers: the approval queue, qualifications and downtimes of their instruments.

Every action calls the same service functions as the JSON API (``bookings.services``,
``bookings.qualifications``, ``bookings.downtimes``), with request bodies checked by the API's own
schemas, so that a rule holds the same way on both. The pages only choose what to list.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, gettext as _, ngettext
from flask_login import current_user, login_required
from marshmallow import ValidationError
from sqlalchemy import func, select

from bookings import downtimes, qualifications, services
from bookings.display import LEVEL_LABELS, MODE_LABELS, STATUS_LABELS
from bookings.manage_forms import ButtonForm, CancelForm, DowntimeForm, QualificationForm, RejectForm
from bookings.models import Booking
from bookings.schemas import DowntimeInput, QualificationInput
from instruments.models import Instrument
from instruments.services import get_instrument
from sharing import roles as policy
from sharing.accounts.models import User
from sharing.accounts.services import normalise_email
from sharing.api_common import paginate
from sharing.errors import ApiError, translate_message, validation_error
from sharing.extensions import db
from sharing.pages import roles_required, run_service
from sharing.timeutil import utcnow

bp = Blueprint("booking_admin", __name__, template_folder="templates")

MANAGER_ROLES = ("manager", "unit_admin", "admin")
PER_PAGE = 20
TABS = ("pending", "confirmed")  # requests to decide; confirmed bookings still to come
RECENT_DOWNTIMES = timedelta(days=30)  # how far back the downtimes page lists past ones


@bp.context_processor
def _labels():
    return {"booking_status_labels": STATUS_LABELS, "booking_mode_labels": MODE_LABELS,
            "level_labels": LEVEL_LABELS}


def _when(booking) -> str:
    return format_datetime(booking.start, "yyyy-MM-dd HH:mm")


def _refused(exc: ApiError) -> None:
    """A service said no: forget the attempt; 403/404 as such, anything else in plain words."""
    db.session.rollback()
    if exc.status in (403, 404):
        abort(exc.status)


def _load(schema, payload: dict, renamed: dict | None = None) -> dict:
    """A request body checked by the API's schema; its messages in the user's language."""
    try:
        return schema.load(payload)
    except ValidationError as exc:
        fields = {}
        for key, messages in exc.messages.items():
            texts = messages if isinstance(messages, list) else [messages]
            fields[(renamed or {}).get(key, key)] = [translate_message(str(text)) for text in texts]
        raise validation_error(fields) from None


# --- the approval queue -------------------------------------------------------------------------

def _queue_args() -> dict:
    """The queue's tab, instrument filter and page: where to come back to after an action."""
    args = {}
    if request.args.get("tab") in TABS[1:]:
        args["tab"] = request.args["tab"]
    instrument_id = request.args.get("instrument_id", type=int)
    if instrument_id:
        args["instrument_id"] = instrument_id
    page = request.args.get("page", type=int)
    if page and page > 1:
        args["page"] = page
    return args


def _queue_query(tab: str, instrument_id: int | None):
    """Bookings the caller decides on: of their unit's instruments (admins: all), oldest start first."""
    filters = {"status": "pending"} if tab == "pending" else {"status": "confirmed", "from_": utcnow()}
    if instrument_id is not None:
        filters["instrument_id"] = instrument_id
    query = services.bookings_query(current_user, filters)
    if not policy.is_admin(current_user):  # not their own bookings of other units' instruments
        query = query.where(Instrument.unit_id == current_user.unit_id)
    return query.order_by(None).order_by(Booking.start, Booking.id)


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def _back_to_queue():
    return redirect(url_for("booking_admin.queue", **_queue_args()))


@bp.get("/manage/bookings")
@roles_required(*MANAGER_ROLES)
def queue():
    args = _queue_args()
    tab, instrument_id = args.get("tab", "pending"), args.get("instrument_id")
    page = paginate(_queue_query(tab, instrument_id), {"page": args.get("page", 1), "per_page": PER_PAGE},
                    db.session)
    counts = {name: _count(_queue_query(name, instrument_id)) for name in TABS}
    instrument = db.session.get(Instrument, instrument_id) if instrument_id else None
    return render_template("bookings/manage_queue.html", page=page, tab=tab, counts=counts, instrument=instrument,
                           back=args, reject_form=RejectForm(), cancel_form=CancelForm(), now=utcnow())


@bp.post("/manage/bookings/<int:booking_id>/approve")
@roles_required(*MANAGER_ROLES)
def approve(booking_id: int):
    if ButtonForm().validate_on_submit():
        try:
            booking = services.approve(current_user, booking_id)
        except ApiError as exc:
            _refused(exc)
            flash(_("Booking no. %(id)d could not be approved: %(problem)s", id=booking_id, problem=exc.message),
                  "error")
        else:
            flash(_("Approved: %(instrument)s for %(user)s at %(start)s. %(user)s has been notified.",
                    instrument=booking.instrument.name, user=booking.user.name, start=_when(booking)), "success")
    return _back_to_queue()


def _managed_booking(booking_id: int) -> Booking:
    """A booking the caller may decide on: another unit's is not found, one they cannot manage forbidden."""
    try:
        booking = services.get_booking(current_user, booking_id)
    except ApiError as exc:
        abort(exc.status)
    if not policy.can_manage_instruments_of(current_user, booking.instrument.unit_id):
        abort(403)
    return booking


def _decide_with_reason(booking_id: int, form, action, kind: str, done_message):
    """Reject or cancel with a reason: the small page (GET), or the inline form's submission (POST)."""
    booking = _managed_booking(booking_id)
    if form.validate_on_submit():
        decided = run_service(form, lambda: action(current_user, booking_id, form.reason.data.strip()))
        if decided is not None:
            flash(done_message(decided), "success")
            return _back_to_queue()
    return render_template("bookings/manage_reason.html", booking=booking, form=form, kind=kind, back=_queue_args())


@bp.route("/manage/bookings/<int:booking_id>/reject", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def reject(booking_id: int):
    return _decide_with_reason(booking_id, RejectForm(), services.reject, "reject", lambda b: _(
        "Rejected: %(instrument)s for %(user)s at %(start)s. %(user)s has been told the reason.",
        instrument=b.instrument.name, user=b.user.name, start=_when(b)))


@bp.route("/manage/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def cancel(booking_id: int):
    return _decide_with_reason(booking_id, CancelForm(), services.cancel, "cancel", lambda b: _(
        "Cancelled: %(instrument)s for %(user)s at %(start)s. %(user)s has been told the reason.",
        instrument=b.instrument.name, user=b.user.name, start=_when(b)))


# --- one instrument: qualifications and downtimes --------------------------------------------------

def _managed_instrument(instrument_id: int) -> Instrument:
    try:
        instrument = get_instrument(instrument_id)
    except ApiError:
        abort(404)
    if not policy.can_manage_instruments_of(current_user, instrument.unit_id):
        abort(403)
    return instrument


def _users(ids) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def _grant(instrument: Instrument, form: QualificationForm):
    """The form as the API's request (the person picked by e-mail), then the API's service."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(form.email.data)))
    if user is None:
        raise validation_error({"email": [_("No user has this e-mail address.")]})
    expires = form.expires_at.data
    data = _load(QualificationInput(), {"user_id": user.id, "level": form.level.data,
                                        "expires_at": expires.isoformat() if expires else None},
                 renamed={"user_id": "email"})
    qualifications.grant(current_user, instrument, data)
    return user


def _qualification_rows(instrument: Instrument) -> list[dict]:
    """Everyone qualified, valid ones first, by name; expired and soon expiring ones flagged."""
    found = qualifications.list_for(current_user, instrument)
    users = _users(q.user_id for q in found)
    now = utcnow()
    soon = now + timedelta(days=current_app.config["QUALIFICATION_EXPIRY_NOTICE_DAYS"])
    rows = [{"qualification": q, "user": users[q.user_id],
             "expired": q.expires_at is not None and q.expires_at <= now,
             "expiring": q.expires_at is not None and now < q.expires_at <= soon} for q in found]
    return sorted(rows, key=lambda r: (r["expired"], r["user"].name, r["user"].id))


@bp.route("/instruments/<int:instrument_id>/qualifications", methods=["GET", "POST"])
@login_required
def qualifications_page(instrument_id: int):
    instrument = _managed_instrument(instrument_id)
    form = QualificationForm()
    if form.validate_on_submit():
        user = run_service(form, lambda: _grant(instrument, form))
        if user is not None:
            flash(_("%(name)s (%(unit)s) is qualified: %(level)s.", name=user.name, unit=user.unit.name,
                    level=LEVEL_LABELS[form.level.data]), "success")
            return redirect(url_for("booking_admin.qualifications_page", instrument_id=instrument.id))
    return render_template("bookings/manage_qualifications.html", instrument=instrument, form=form,
                           rows=_qualification_rows(instrument), button_form=ButtonForm(), section="qualifications")


@bp.post("/instruments/<int:instrument_id>/qualifications/<int:user_id>/revoke")
@login_required
def revoke_qualification(instrument_id: int, user_id: int):
    instrument = _managed_instrument(instrument_id)
    if ButtonForm().validate_on_submit():
        user = db.session.get(User, user_id)
        try:
            qualifications.revoke(current_user, instrument, user_id)
        except ApiError as exc:
            _refused(exc)
            flash(exc.message, "error")
        else:
            flash(_("The qualification of %(name)s has been revoked.", name=user.name), "success")
    return redirect(url_for("booking_admin.qualifications_page", instrument_id=instrument.id))


def _create_downtime(instrument: Instrument, form: DowntimeForm):
    data = _load(DowntimeInput(), {"start": form.start.data.isoformat(), "end": form.end.data.isoformat(),
                                   "reason": form.reason.data})
    return downtimes.create_downtime(current_user, instrument, data)


def _downtime_message(cancelled: int) -> str:
    if not cancelled:
        return _("The downtime has been scheduled. No bookings were in the way.")
    return ngettext("The downtime has been scheduled. %(num)d booking in this time was cancelled; "
                    "its user has been notified.",
                    "The downtime has been scheduled. %(num)d bookings in this time were cancelled; "
                    "their users have been notified.", cancelled)


@bp.route("/instruments/<int:instrument_id>/downtimes", methods=["GET", "POST"])
@login_required
def downtimes_page(instrument_id: int):
    instrument = _managed_instrument(instrument_id)
    form = DowntimeForm()
    if form.validate_on_submit():
        downtime = run_service(form, lambda: _create_downtime(instrument, form))
        if downtime is not None:
            flash(_downtime_message(len(downtime.cancelled_booking_ids)), "success")
            return redirect(url_for("booking_admin.downtimes_page", instrument_id=instrument.id))
    now = utcnow()
    listed = downtimes.list_downtimes(instrument, now - RECENT_DOWNTIMES)
    return render_template("bookings/manage_downtimes.html", instrument=instrument, form=form, now=now,
                           upcoming=[d for d in listed if d.end > now],
                           recent=[d for d in reversed(listed) if d.end <= now],
                           creators=_users(d.created_by for d in listed), button_form=ButtonForm(),
                           section="downtimes")


@bp.post("/instruments/<int:instrument_id>/downtimes/<int:downtime_id>/delete")
@login_required
def delete_downtime(instrument_id: int, downtime_id: int):
    instrument = _managed_instrument(instrument_id)
    if ButtonForm().validate_on_submit():
        try:
            downtimes.delete_downtime(current_user, instrument, downtime_id)
        except ApiError as exc:
            _refused(exc)
            flash(exc.message, "error")
        else:
            flash(_("The downtime has been deleted. Bookings it cancelled stay cancelled."), "success")
    return redirect(url_for("booking_admin.downtimes_page", instrument_id=instrument.id))


@bp.app_template_global()
def may_decide_on(booking) -> bool:
    """Pages show managers' actions (approve, reject, cancel) only to those who may take them."""
    return current_user.is_authenticated and policy.can_manage_instruments_of(current_user, booking.instrument.unit_id)
