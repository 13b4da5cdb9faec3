"""Pages for researchers: an instrument's week calendar, the booking form, my bookings.

Every change goes through ``bookings.services`` — the functions the JSON API calls — so a rule
holds the same way on a page and in the API. These views read forms, call a service and show
its answer; a refused booking lists every broken rule at once (``ApiError.extra["problems"]``).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from babel.dates import format_skeleton
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case, select

from bookings import services, week
from bookings.availability import availability
from bookings.calendar import open_intervals
from bookings.checks import active_suspension, booking_problems
from bookings.display import MODE_LABELS, STATUS_LABELS
from bookings.forms import ActionForm, BookingForm, CancelForm, CheckOutForm, StatusFilterForm
from bookings.models import ACTIVE_STATUSES, BOOKING_MODES, Booking, UsageLog
from bookings.rules import merged_rules
from instruments import display
from instruments.models import Instrument
from instruments.services import admits
from instruments.views import instrument_or_404
from sharing.accounts.models import User
from sharing.api_common import paginate
from sharing.errors import ApiError, translate_message
from sharing.extensions import db
from sharing.timeutil import as_platform, parse_datetime, platform_midnight, platform_tz, utcnow

bp = Blueprint("bookings", __name__, template_folder="templates", static_folder="static",
               static_url_path="/bookings/static")

PER_PAGE = 20
STATUS_BADGES = {"pending": "bg-warning text-dark", "confirmed": "bg-success", "rejected": "bg-danger",
                 "cancelled": "bg-secondary", "completed": "bg-primary", "no_show": "bg-dark"}
# The service's field names → the inputs of the booking form.
FORM_FIELDS = {"start": "start_time", "end": "end_time", "mode": "mode", "purpose": "purpose",
               "sample_count": "sample_count"}


@bp.context_processor
def _labels():
    return {"booking_status_labels": STATUS_LABELS, "booking_mode_labels": MODE_LABELS,
            "booking_status_badges": STATUS_BADGES}


@bp.app_template_filter("month_day")
def _month_day(day, skeleton: str = "MMMd") -> str:
    """3月2日 / Mar 2 (``"yMMMd"``: 2026年3月2日 / Mar 2, 2026)"""
    return format_skeleton(skeleton, day, locale=get_locale())


# --- who may book, and what a booking allows now -------------------------------------------------

def closed_reason(user, instrument: Instrument, now: datetime) -> str | None:
    """Why the user cannot book this instrument at all (shown instead of free slots), or None."""
    if instrument.status != "normal":
        return _("The instrument is not in service.")
    if not admits(instrument, user.unit_id):
        return _("The instrument is not open to users of your unit.")
    suspension = active_suspension(user.id, now)
    if suspension is not None:
        return _("You are suspended from booking until %(end)s.",
                 end=as_platform(suspension.end).strftime("%Y-%m-%d %H:%M"))
    return None


def booking_actions(booking: Booking, user, now: datetime) -> dict:
    """Which buttons to offer; the services check the same rules again when one is pressed."""
    own = booking.user_id == user.id
    early = timedelta(minutes=current_app.config["CHECK_IN_EARLY_MINUTES"])
    deadline = services.cancel_deadline(booking)
    confirmed = booking.status == "confirmed"
    return {
        "deadline": deadline if booking.status in ACTIVE_STATUSES else None,
        "cancel": own and booking.status in ACTIVE_STATUSES and now <= deadline,
        "check_in": own and confirmed and booking.checked_in_at is None and booking.start - early <= now < booking.end,
        "check_in_opens": booking.start - early if own and confirmed and now < booking.start - early else None,
        "check_out": own and confirmed and booking.checked_in_at is not None,
    }


def booking_or_404(booking_id: int) -> Booking:
    try:
        return services.get_booking(current_user, booking_id)
    except ApiError:
        abort(404)


def _act(call) -> bool:
    """Run a service call for a button; a refusal is flashed (a booking one may not see is a 404)."""
    try:
        call()
        return True
    except ApiError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        messages = [translate_message(m) for ms in (exc.fields or {}).values() for m in ms]
        flash(" ".join(messages) if messages else exc.message, "error")
        return False


def _back(booking_id: int) -> str:
    """Where a button returns to: the page it was pressed on (a local path), else the booking."""
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    # Browsers read "/\host" as "//host", so a backslash is refused too.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("bookings.detail", booking_id=booking_id)
    return target


# --- the week calendar ---------------------------------------------------------------------------

def week_of(instrument: Instrument, monday, now: datetime, bookable: bool) -> week.Week:
    """Opening hours, free and busy time and the viewer's own bookings of one week, as a grid."""
    rules = merged_rules(instrument.booking_rules, None)
    start, end = platform_midnight(monday), platform_midnight(monday + timedelta(days=7))
    times = availability(instrument, start, end)
    mine = db.session.scalars(services.bookings_query(current_user, {
        "instrument_id": instrument.id, "user_id": current_user.id, "from_": start, "to": end})).all()
    given = week.Inputs(
        opened=open_intervals(rules, start, end),
        free=[(item["start"], item["end"]) for item in times["free"]],
        busy=[(item["start"], item["end"], item["kind"]) for item in times["busy"]],
        mine=[(b.start, b.end, b.id, b.status) for b in mine if b.status in ACTIVE_STATUSES],
        now=now,
        earliest=now + timedelta(minutes=rules["lead_minutes"]),
        latest=now + timedelta(days=rules["horizon_days"]),
        bookable=bookable,
    )
    return week.build_week(monday, platform_tz(), rules, given, chinese=get_locale().language == "zh")


def _local_text(moment: datetime) -> str:
    return as_platform(moment).strftime("%Y-%m-%dT%H:%M")


@bp.get("/instruments/<int:instrument_id>/calendar")
@login_required
def calendar(instrument_id: int):
    instrument = instrument_or_404(instrument_id)
    now = utcnow()
    monday = week.parse_week(request.args.get("week"), as_platform(now).date())
    reason = closed_reason(current_user, instrument, now)
    grid = week_of(instrument, monday, now, bookable=reason is None)
    length = timedelta(minutes=week.default_length(merged_rules(instrument.booking_rules, None)))

    def slot_url(cell: week.Cell) -> str:
        return url_for("bookings.book", instrument_id=instrument.id, start=_local_text(cell.start),
                       end=_local_text(cell.start + length))

    return render_template("bookings/calendar.html", instrument=instrument, week=grid, closed_reason=reason,
                           this_week=week.monday_of(as_platform(now).date()), slot_url=slot_url,
                           rules=display.booking_rules(instrument.booking_rules), day_names=display.day_names())


# --- the booking form ----------------------------------------------------------------------------

def prefill(args, rules: dict) -> dict:
    """Initial form values from the calendar's link (``?start=…&end=…``, platform time)."""
    data = {"mode": "self"}
    try:
        start = parse_datetime(args["start"]) if args.get("start") else None
        end = parse_datetime(args["end"]) if args.get("end") else None
        if start is None:
            return data
        if end is None or end <= start:
            end = start + timedelta(minutes=week.default_length(rules))
        start, end = as_platform(start), as_platform(end)
    except (ValueError, OverflowError):
        return data
    data.update(start_date=start.date(), start_time=start.time(), end_date=end.date(), end_time=end.time())
    return data


def _span(form: BookingForm) -> tuple[datetime, datetime] | None:
    """The start and end typed, in the platform zone, or None while a date or time is unreadable."""
    parts = (form.start_date, form.start_time, form.end_date, form.end_time)
    if any(field.errors or field.data is None for field in parts):
        return None
    tz = platform_tz()
    return (datetime.combine(form.start_date.data, form.start_time.data, tzinfo=tz),
            datetime.combine(form.end_date.data, form.end_time.data, tzinfo=tz))


def _problem_list(items) -> list[dict]:
    return [{"code": p["code"], "message": p["message"]} for p in items]


def _refusal(form: BookingForm, exc: ApiError) -> list[dict]:
    """The service's refusal: field errors beside their inputs, every broken rule in the list."""
    problems = _problem_list(exc.extra.get("problems") or [])
    for name, messages in (exc.fields or {}).items():
        texts = [translate_message(str(m)) for m in (messages if isinstance(messages, list) else [messages])]
        field = form[FORM_FIELDS[name]] if name in FORM_FIELDS else None
        if field is not None:
            field.errors = list(field.errors) + texts
        else:
            problems += [{"code": exc.code, "message": text} for text in texts]
    if not problems and not exc.fields:
        problems = [{"code": exc.code, "message": exc.message}]
    return problems


def submit(form: BookingForm, instrument: Instrument) -> tuple[Booking | None, list[dict]]:
    """Book through the service: (the booking, []) or (None, every problem).

    When the form itself is incomplete (no purpose, say) the booking rules are still checked —
    with the same function the service uses, writing nothing — so that all problems show at once.
    """
    valid = form.validate()
    span = _span(form)
    if span is None:
        return None, []
    mode = form.mode.data if form.mode.data in BOOKING_MODES else "self"
    if not valid:
        problems = booking_problems(current_user, instrument, span[0].astimezone(timezone.utc),
                                    span[1].astimezone(timezone.utc), mode, utcnow())
        db.session.rollback()
        return None, [{"code": p.code, "message": p.message} for p in problems]
    payload = {"instrument_id": instrument.id, "start": span[0].isoformat(), "end": span[1].isoformat(),
               "mode": mode, "purpose": form.purpose.data.strip(),
               "sample_count": form.sample_count.data if mode == "sample" else None}
    try:
        return services.create_booking(current_user, payload), []
    except ApiError as exc:
        db.session.rollback()
        return None, _refusal(form, exc)


@bp.route("/instruments/<int:instrument_id>/book", methods=["GET", "POST"])
@login_required
def book(instrument_id: int):
    instrument = instrument_or_404(instrument_id)
    rules = merged_rules(instrument.booking_rules, None)
    form = BookingForm() if request.method == "POST" else BookingForm(data=prefill(request.args, rules))
    problems: list[dict] = []
    if form.is_submitted():
        booking, problems = submit(form, instrument)
        if booking is not None:
            if booking.status == "confirmed":
                flash(_("Your booking is confirmed."), "success")
            else:
                flash(_("Your request has been sent: it is pending approval by the instrument's manager."), "info")
            return redirect(url_for("bookings.detail", booking_id=booking.id))
    week_of_start = week.monday_of(form.start_date.data) if isinstance(form.start_date.data, date) else None
    return render_template("bookings/book.html", form=form, instrument=instrument, problems=problems,
                           closed_reason=closed_reason(current_user, instrument, utcnow()),
                           slot_minutes=rules["slot_minutes"], calendar_week=week_of_start,
                           rules=display.booking_rules(instrument.booking_rules))


# --- my bookings and one booking ------------------------------------------------------------------

def my_bookings_query(user, status: str | None, now: datetime):
    """The user's own bookings: those not yet over first (soonest first), then the past (latest first)."""
    query = services.bookings_query(user, {"user_id": user.id, **({"status": status} if status else {})})
    past = case((Booking.end <= now, 1), else_=0)
    upcoming_start = case((Booking.end > now, Booking.start), else_=None)
    return query.order_by(None).order_by(past, upcoming_start, Booking.start.desc(), Booking.id.desc())


@bp.get("/bookings")
@login_required
def my_bookings():
    now = utcnow()
    filters = StatusFilterForm(formdata=request.args)
    status = filters.status.data if filters.validate() else None
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    page = paginate(my_bookings_query(current_user, status, now), {"page": number, "per_page": PER_PAGE},
                    db.session)
    return render_template("bookings/list.html", page=page, filters=filters, now=now,
                           actions={b.id: booking_actions(b, current_user, now) for b in page["items"]},
                           action_form=ActionForm(), cancel_form=CancelForm())


@bp.get("/bookings/<int:booking_id>")
@login_required
def detail(booking_id: int):
    booking = booking_or_404(booking_id)
    usage = db.session.scalars(select(UsageLog).where(UsageLog.booking_id == booking.id,
                                                      UsageLog.voided.is_(False))).all()
    return render_template(
        "bookings/detail.html", booking=booking, usage=usage,
        actions=booking_actions(booking, current_user, utcnow()),
        decided_by=db.session.get(User, booking.decided_by) if booking.decided_by else None,
        action_form=ActionForm(), cancel_form=CancelForm(),
        checkout_form=CheckOutForm(data={"sample_count": booking.sample_count}),
    )


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(booking_id: int):
    """GET: the confirmation (a dialog on the other pages); POST: cancel, with an optional reason."""
    booking = booking_or_404(booking_id)
    form = CancelForm()
    if form.validate_on_submit():
        reason = (form.reason.data or "").strip() or None
        if _act(lambda: services.cancel(current_user, booking_id, reason)):
            flash(_("The booking has been cancelled."), "success")
        return redirect(_back(booking_id))
    return render_template("bookings/cancel.html", booking=booking, form=form,
                           actions=booking_actions(booking, current_user, utcnow()))


@bp.post("/bookings/<int:booking_id>/check-in")
@login_required
def check_in(booking_id: int):
    booking_or_404(booking_id)
    if ActionForm().validate_on_submit() and _act(lambda: services.check_in(current_user, booking_id)):
        flash(_("You are checked in."), "success")
    return redirect(_back(booking_id))


@bp.post("/bookings/<int:booking_id>/check-out")
@login_required
def check_out(booking_id: int):
    booking_or_404(booking_id)
    form = CheckOutForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for field in form for e in field.errors), "error")
        return redirect(_back(booking_id))
    data = {"purpose": form.purpose.data, "sample_count": form.sample_count.data}
    if _act(lambda: services.check_out(current_user, booking_id, data)):
        flash(_("You are checked out; the use has been recorded."), "success")
    return redirect(_back(booking_id))
