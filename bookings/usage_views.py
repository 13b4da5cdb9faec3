"""Pages for managers: an instrument's usage ledger — record, correct, void, history — and
recording the use of a booking (which completes it).

Every change calls ``bookings.usage`` — the functions the JSON API calls — with the form checked
by the API's own schemas, so a rule (overlap, locked year, fee, booking completion) holds the same
way on a page and in the API. A refusal is shown in the form; what was typed stays.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from bookings import usage
from bookings.display import MODE_LABELS, STATUS_LABELS
from bookings.forms import USAGE_PURPOSE_LABELS
from bookings.manage_views import _load, _managed_booking, _managed_instrument, _users
from bookings.models import Booking, UsageLog
from bookings.usage_forms import (SERVICE_WAY_LABELS, SOURCE_BADGES, SOURCE_LABELS, CorrectionForm, LedgerFilterForm,
                                  RecordUseForm, UsageForm, VoidForm)
from bookings.usage_schemas import UsageLogInput, UsageLogPatch
from instruments.models import Instrument
from sharing import roles as policy
from sharing.accounts.models import User
from sharing.accounts.services import normalise_email
from sharing.api_common import paginate
from sharing.audit import set_reason
from sharing.errors import ApiError, translate_message, validation_error
from sharing.extensions import db
from sharing.timeutil import as_platform, parse_datetime, platform_midnight, platform_tz, utcnow

bp = Blueprint("usage_admin", __name__, template_folder="templates")

PER_PAGE = 20
FORM_FIELD = {"user_id": "email"}  # the service's field names → the form's
FIELD_LABELS = {
    "user_id": _l("User"), "booking_id": _l("Booking"), "start": _l("Start"), "end": _l("End"),
    "purpose": _l("Use for"), "service_way": _l("Service way"), "sample_count": _l("Number of samples"),
    "is_external": _l("External"), "fee": _l("Fee (yuan)"), "source": _l("Recorded by"), "voided": _l("Voided"),
    "void_reason": _l("Reason for voiding"), "corrects_id": _l("Corrects record"), "comment": _l("Comment"),
}


@bp.context_processor
def _usage_labels():
    return {"usage_purpose_labels": USAGE_PURPOSE_LABELS, "service_way_labels": SERVICE_WAY_LABELS,
            "usage_source_labels": SOURCE_LABELS, "usage_source_badges": SOURCE_BADGES,
            "booking_status_labels": STATUS_LABELS, "booking_mode_labels": MODE_LABELS}


@bp.app_template_global()
def usage_page_url(number: int) -> str:
    """This page (its path and filters) at another page number."""
    return url_for(request.endpoint, **(request.view_args or {}), **{**request.args.to_dict(), "page": number})


@bp.app_template_global()
def may_record_use(booking) -> bool:
    """Managers record the use of a confirmed sample submission, or of a self-operated booking once it
    has begun (its user did not check out)."""
    return (booking.status == "confirmed" and policy.can_manage_instruments_of(current_user, booking.instrument.unit_id)
            and (booking.mode == "sample" or booking.start <= utcnow()))


# --- reading -----------------------------------------------------------------------------------

def _managed_log(log_id: int) -> tuple[UsageLog, Instrument]:
    """A log the caller may manage: another unit's is not found, one they only see is forbidden."""
    try:
        log = usage.get_log(current_user, log_id)
    except ApiError as exc:
        abort(exc.status)
    instrument = db.session.get(Instrument, log.instrument_id)
    if not policy.can_manage_instruments_of(current_user, instrument.unit_id):
        abort(403)
    return log, instrument


def _locked(log: UsageLog) -> bool:
    return usage.is_locked(usage.year_of(log.start))


def _links(logs) -> dict[int, list[int]]:
    """For each listed log, the records that correct it."""
    ids = [log.id for log in logs]
    found: dict[int, list[int]] = {}
    if ids:
        for log_id, corrects_id in db.session.execute(
                select(UsageLog.id, UsageLog.corrects_id).where(UsageLog.corrects_id.in_(ids)).order_by(UsageLog.id)):
            found.setdefault(corrects_id, []).append(log_id)
    return found


def _ledger_filters(form: LedgerFilterForm, instrument: Instrument) -> dict:
    filters = {"instrument_id": instrument.id}
    if not form.validate():
        return {**filters, "voided": False}
    if form.date_from.data:
        filters["from_"] = platform_midnight(form.date_from.data)
    if form.date_to.data:
        filters["to"] = platform_midnight(form.date_to.data + timedelta(days=1))
    if form.source.data:
        filters["source"] = form.source.data
    if not form.voided.data:
        filters["voided"] = False
    return filters


@bp.get("/manage/instruments/<int:instrument_id>/usage")
@login_required
def ledger(instrument_id: int):
    instrument = _managed_instrument(instrument_id)
    filters = LedgerFilterForm(formdata=request.args)
    query = usage.logs_query(current_user, _ledger_filters(filters, instrument))
    query = query.order_by(None).order_by(UsageLog.start.desc(), UsageLog.id.desc())
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    page = paginate(query, {"page": number, "per_page": PER_PAGE}, db.session)
    logs = page["items"]
    usage.preload_ratings(logs)
    locked_years = {year for year in {usage.year_of(log.start) for log in logs} if usage.is_locked(year)}
    return render_template("bookings/usage_ledger.html", instrument=instrument, page=page, filters=filters,
                           users=_users(log.user_id for log in logs), corrected_by=_links(logs),
                           locked_ids={log.id for log in logs if usage.year_of(log.start) in locked_years},
                           section="usage")


def _change_rows(event) -> list[dict]:
    """An audit event's changes as (field, old, new) in words and local times."""
    rows = []
    for key, (old, new) in sorted((event.changes or {}).items()):
        if key in ("id", "instrument_id", "created_by"):
            continue
        rows.append({"field": key, "label": str(FIELD_LABELS.get(key, key)), "old": _shown(key, old),
                     "new": _shown(key, new)})
    return rows


def _shown(key: str, value):
    if value is None or value == "":
        return "—"
    if key in ("start", "end") and isinstance(value, str):
        try:
            return as_platform(parse_datetime(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    if key == "user_id":
        person = db.session.get(User, value)
        return person.name if person is not None else str(value)
    labels = {"purpose": USAGE_PURPOSE_LABELS, "service_way": SERVICE_WAY_LABELS, "source": SOURCE_LABELS}
    if key in labels:
        return str(labels[key].get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


@bp.get("/manage/usage/<int:log_id>/history")
@login_required
def history(log_id: int):
    log, instrument = _managed_log(log_id)
    events = db.session.scalars(usage.history_query(current_user, log.id)).all()
    people = _users([log.user_id] + [e.actor_id for e in events])
    return render_template("bookings/usage_history.html", log=log, instrument=instrument, events=events,
                           people=people, change_rows=_change_rows, rating=usage.rating_of(log),
                           corrected_by=_links([log]).get(log.id, []), locked=_locked(log), section="usage")


# --- writing -----------------------------------------------------------------------------------

def _attempt(form, call):
    """Run a service call for a submitted form: (its result, []) or (None, messages for the whole form).

    Field errors go next to their inputs; the rest (overlap, locked year, booking status) above the form.
    """
    try:
        return call(), []
    except ApiError as exc:
        db.session.rollback()
        if exc.status in (403, 404) and not exc.fields:
            abort(exc.status)
        general = []
        for name, messages in (exc.fields or {}).items():
            texts = [translate_message(str(m)) for m in (messages if isinstance(messages, list) else [messages])]
            field = form._fields.get(FORM_FIELD.get(name, name))
            if field is not None:
                field.errors = list(field.errors) + texts
            else:
                general += texts
        if not exc.fields:
            general.append(exc.message)
        return None, general


def _person(form) -> User:
    person = db.session.scalar(select(User).where(User.email == normalise_email(form.email.data)))
    if person is None:
        raise validation_error({"email": [_("No user has this e-mail address.")]})
    return person


def _local(moment) -> str:
    return moment.replace(tzinfo=platform_tz()).isoformat()


def _payload(form) -> dict:
    """The form as the API's request body (``UsageLogInput``) without who and which instrument."""
    return {"start": _local(form.start.data), "end": _local(form.end.data), "purpose": form.purpose.data,
            "service_way": form.service_way.data, "sample_count": form.sample_count.data,
            "fee": form.fee.data, "comment": form.comment.data or None}


def _values(log: UsageLog, with_fee: bool = True) -> dict:
    """A log as form values (local times)."""
    person = db.session.get(User, log.user_id)
    return {"email": person.email, "start": as_platform(log.start).replace(tzinfo=None),
            "end": as_platform(log.end).replace(tzinfo=None), "purpose": log.purpose, "service_way": log.service_way,
            "sample_count": log.sample_count, "fee": log.fee if with_fee else None, "comment": log.comment}


def _create(instrument: Instrument, form, corrected: UsageLog | None) -> UsageLog:
    payload = {**_payload(form), "instrument_id": instrument.id, "user_id": _person(form).id,
               "corrects_id": corrected.id if corrected is not None else None}
    return usage.create_log(current_user, _load(UsageLogInput(), payload, renamed=FORM_FIELD))


@bp.route("/manage/instruments/<int:instrument_id>/usage/new", methods=["GET", "POST"])
@login_required
def new_log(instrument_id: int):
    """Manual entry; with ``?corrects=<id>`` a correction record of a (locked) record."""
    instrument = _managed_instrument(instrument_id)
    corrected = None
    if request.args.get("corrects"):
        corrected, _instrument = _managed_log(request.args.get("corrects", type=int) or 0)
        if corrected.instrument_id != instrument.id:
            abort(404)
    if request.method == "POST":
        form = UsageForm()
    else:
        form = UsageForm(data=_values(corrected, with_fee=False) if corrected is not None else None)
    problems: list[str] = []
    if form.validate_on_submit():
        log, problems = _attempt(form, lambda: _create(instrument, form, corrected))
        if log is not None:
            flash(_("The use has been recorded (record no. %(id)d, fee %(fee)s yuan).", id=log.id, fee=log.fee),
                  "success")
            return redirect(url_for("usage_admin.ledger", instrument_id=instrument.id))
    return render_template("bookings/usage_form.html", instrument=instrument, form=form, problems=problems,
                           corrected=corrected, kind="correction" if corrected is not None else "new",
                           person=db.session.get(User, corrected.user_id) if corrected is not None else None,
                           section="usage")


def _changes(log: UsageLog, form) -> dict:
    """What the form changes, as the API's PATCH body; an empty fee keeps (or recomputes) the fee."""
    wanted = _payload(form)
    person = _person(form)
    current = _values(log)
    out = {}
    if person.id != log.user_id:
        out["user_id"] = person.id
    for key in ("start", "end"):  # the form shows minutes: a check-in's seconds are no change
        if getattr(form, key).data != current[key].replace(second=0, microsecond=0):
            out[key] = wanted[key]
    for key in ("purpose", "service_way", "sample_count", "comment"):
        if wanted[key] != current[key]:
            out[key] = wanted[key]
    if wanted["fee"] is not None and wanted["fee"] != log.fee:
        out["fee"] = wanted["fee"]
    return out


def _update(log: UsageLog, form) -> UsageLog | None:
    changes = _changes(log, form)
    if not changes:
        return None
    data = _load(UsageLogPatch(), changes, renamed=FORM_FIELD)
    set_reason(form.reason.data or None)
    return usage.update_log(current_user, log.id, data)


@bp.route("/manage/usage/<int:log_id>/edit", methods=["GET", "POST"])
@login_required
def edit_log(log_id: int):
    """Correct a record; in a locked year (or voided) it is read-only and a correction record is offered."""
    log, instrument = _managed_log(log_id)
    locked = _locked(log)
    form = None
    problems: list[str] = []
    if not (locked or log.voided):
        form = CorrectionForm() if request.method == "POST" else CorrectionForm(data=_values(log, with_fee=False))
        form.fee.description = _("Now %(fee)s yuan. Leave empty to keep it; it is computed again from the rates "
                                 "when the time, service way, samples or user change.", fee=log.fee)
        if form.validate_on_submit():
            updated, problems = _attempt(form, lambda: _update(log, form) or False)
            if updated is False:
                flash(_("Nothing was changed."), "info")
                return redirect(url_for("usage_admin.ledger", instrument_id=instrument.id))
            if updated is not None:
                flash(_("Record no. %(id)d has been corrected; the earlier version is kept in its history.",
                        id=log.id), "success")
                return redirect(url_for("usage_admin.ledger", instrument_id=instrument.id))
    return render_template("bookings/usage_form.html", instrument=instrument, form=form, problems=problems,
                           log=log, locked=locked, kind="edit", rating=usage.rating_of(log),
                           person=db.session.get(User, log.user_id), section="usage")


@bp.route("/manage/usage/<int:log_id>/void", methods=["GET", "POST"])
@login_required
def void_log(log_id: int):
    log, instrument = _managed_log(log_id)
    form = VoidForm()
    problems: list[str] = []
    if form.validate_on_submit():
        voided, problems = _attempt(form, lambda: usage.void_log(current_user, log.id, form.reason.data))
        if voided is not None:
            flash(_("Record no. %(id)d has been voided.", id=log.id), "success")
            return redirect(url_for("usage_admin.ledger", instrument_id=instrument.id))
    return render_template("bookings/usage_void.html", instrument=instrument, log=log, form=form, problems=problems,
                           locked=_locked(log), person=db.session.get(User, log.user_id), section="usage")


# --- the use of a booking ----------------------------------------------------------------------

def _booking_values(booking: Booking) -> dict:
    """The booked slot (from the check-in, if there was one), and the way the booking implies."""
    start = booking.checked_in_at or booking.start
    return {"start": as_platform(start).replace(tzinfo=None), "end": as_platform(booking.end).replace(tzinfo=None),
            "purpose": "research", "service_way": "entrust" if booking.mode == "sample" else "occupy",
            "sample_count": booking.sample_count}


def _record(booking: Booking, form) -> UsageLog:
    payload = {**_payload(form), "instrument_id": booking.instrument_id, "user_id": booking.user_id,
               "booking_id": booking.id}
    return usage.create_log(current_user, _load(UsageLogInput(), payload))


@bp.route("/manage/bookings/<int:booking_id>/record-use", methods=["GET", "POST"])
@login_required
def record_use(booking_id: int):
    """Record the use of a confirmed booking (a sample submission, say); the booking becomes completed."""
    booking = _managed_booking(booking_id)
    form = RecordUseForm() if request.method == "POST" else RecordUseForm(data=_booking_values(booking))
    problems: list[str] = []
    if booking.status == "confirmed" and form.validate_on_submit():
        log, problems = _attempt(form, lambda: _record(booking, form))
        if log is not None:
            flash(_("The use has been recorded (fee %(fee)s yuan) and booking no. %(id)d is completed.",
                    fee=log.fee, id=booking.id), "success")
            return redirect(url_for("usage_admin.ledger", instrument_id=booking.instrument_id))
        db.session.refresh(booking)
    return render_template("bookings/usage_form.html", instrument=booking.instrument, form=form, problems=problems,
                           booking=booking, kind="booking", section="usage")
