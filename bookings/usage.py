"""The usage ledger: record, correct, void and rate uses; lock evaluated years; terminal tokens.

Rules (API.md, "Usage logs"; rules.md §3–§5, §7):
- a log is *external* when its user's unit is not the instrument's unit; its fee, unless given,
  is ``bookings.fees.default_fee``;
- two non-voided logs of one instrument never overlap (409 ``usage_overlap``);
- a year (in the platform time zone) that was locked is read-only: no log starting in it may be
  created, changed or voided (409 ``period_locked``). A correction after the lock is a *new*
  record naming the locked record it corrects (``corrects_id``); see ``create_log``.
Every change is audited at flush (``sharing.audit``), so a log's history is its audit trail.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bookings.fees import default_fee
from bookings.ledger_models import PeriodLock, Rating, TerminalToken
from bookings.models import Booking, UsageLog
from instruments.models import Instrument
from sharing import roles as policy
from sharing.accounts.models import User
from sharing.audit import AuditEvent, set_reason
from sharing.dbtx import begin_write
from sharing.errors import ApiError, forbidden, not_found, validation_error
from sharing.extensions import db
from sharing.timeutil import as_platform, utcnow

# The national five levels (rules.md §5); in Chinese they read as RATING_LABELS_ZH.
RATING_LABELS = {5: _l("Very satisfied"), 4: _l("Satisfied"), 3: _l("Neutral"),
                 2: _l("Dissatisfied"), 1: _l("Very dissatisfied")}
# Changing one of these (without a fee in the same request) recomputes the default fee.
FEE_INPUTS = ("start", "end", "service_way", "sample_count", "user_id")
_NO_RATING = object()


def rating_label(score: int) -> str:
    return str(RATING_LABELS[score])


def rating_of(log: UsageLog) -> Rating | None:
    cached = getattr(log, "_rating", _NO_RATING)
    if cached is not _NO_RATING:
        return cached
    return db.session.get(Rating, log.id)


def preload_ratings(logs) -> None:
    """One query for the ratings of a page of logs (the answer shows each log's rating)."""
    logs = list(logs)
    if not logs:
        return
    found = {r.usage_log_id: r for r in db.session.scalars(
        select(Rating).where(Rating.usage_log_id.in_([log.id for log in logs])))}
    for log in logs:
        log._rating = found.get(log.id)


# --- periods -------------------------------------------------------------------------------

def year_of(moment: datetime) -> int:
    """The calendar year of a moment in the platform time zone."""
    return as_platform(moment).year


def is_locked(year: int) -> bool:
    return db.session.get(PeriodLock, year) is not None


def locked_error() -> ApiError:
    return ApiError(409, "period_locked",
                    _("This year is locked after evaluation; enter a correction as a new record instead."))


def lock_period(user, year: int) -> PeriodLock:
    """Lock a year (evaluators, admins); locking a locked year answers the existing lock."""
    if not policy.sees_all_units(user):
        raise forbidden()
    if not 1900 <= year <= 9999:
        raise not_found()
    begin_write()
    lock = db.session.get(PeriodLock, year)
    if lock is not None:
        return lock
    lock = PeriodLock(year=year, locked_at=utcnow(), locked_by=user.id)
    db.session.add(lock)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent request locked it first
        db.session.rollback()
        return db.session.get(PeriodLock, year)
    return lock


def periods_query():
    return select(PeriodLock).order_by(PeriodLock.year)


# --- reading -------------------------------------------------------------------------------

def _instrument(log: UsageLog) -> Instrument:
    return db.session.get(Instrument, log.instrument_id)


def may_see(user, log: UsageLog) -> bool:
    return policy.sees_record(user, log.user_id, _instrument(log).unit_id)


def get_log(user, log_id: int) -> UsageLog:
    """The log if the user may see it; another unit's log is a 404 (API.md, scoping)."""
    log = db.session.get(UsageLog, log_id)
    if log is None or not may_see(user, log):
        raise not_found()
    return log


def logs_query(user, filters: dict):
    query = select(UsageLog).join(Instrument, Instrument.id == UsageLog.instrument_id)
    visible = policy.records_visible_to(user, UsageLog.user_id, Instrument.unit_id)
    if visible is not None:
        query = query.where(visible)
    if "instrument_id" in filters:
        query = query.where(UsageLog.instrument_id == filters["instrument_id"])
    if "unit_id" in filters:
        query = query.where(Instrument.unit_id == filters["unit_id"])
    if "user_id" in filters:
        query = query.where(UsageLog.user_id == filters["user_id"])
    if filters.get("from_") is not None:
        query = query.where(UsageLog.end > filters["from_"])
    if filters.get("to") is not None:
        query = query.where(UsageLog.start < filters["to"])
    if "is_external" in filters:
        query = query.where(UsageLog.is_external.is_(filters["is_external"]))
    if "voided" in filters:
        query = query.where(UsageLog.voided.is_(filters["voided"]))
    if filters.get("source"):
        query = query.where(UsageLog.source == filters["source"])
    return query.order_by(UsageLog.id)


def history_query(user, log_id: int):
    """Every version of the log (its audit events), oldest first."""
    get_log(user, log_id)
    return (select(AuditEvent)
            .where(AuditEvent.entity_type == UsageLog.__tablename__, AuditEvent.entity_id == str(log_id))
            .order_by(AuditEvent.at, AuditEvent.id))


# --- writing -------------------------------------------------------------------------------

def _lock_instrument(instrument_id: int) -> None:
    """Serialise writers of one instrument's ledger (PostgreSQL row lock; SQLite: begin_write)."""
    if db.engine.dialect.name != "sqlite":
        db.session.execute(select(Instrument.id).where(Instrument.id == instrument_id).with_for_update())


def _overlapping(instrument_id: int, start: datetime, end: datetime, exclude: set[int]) -> bool:
    query = select(UsageLog.id).where(UsageLog.instrument_id == instrument_id, UsageLog.voided.is_(False),
                                      UsageLog.start < end, UsageLog.end > start)
    if exclude:
        query = query.where(UsageLog.id.not_in(exclude))
    return db.session.scalar(query.limit(1)) is not None


def overlap_error() -> ApiError:
    return ApiError(409, "usage_overlap", _("This use overlaps another usage log of the instrument."))


def claim_ledger_time(instrument_id: int, start: datetime, end: datetime) -> None:
    """Before a new record (not a correction) is written: its year is open and its time is free."""
    _lock_instrument(instrument_id)
    if is_locked(year_of(start)):
        raise locked_error()
    if _overlapping(instrument_id, start, end, set()):
        raise overlap_error()


def _user(user_id: int, field: str = "user_id") -> User:
    person = db.session.get(User, user_id)
    if person is None:
        raise validation_error({field: [_("No such user.")]})
    return person


def _commit_and_keep(obj):
    session = db.session()
    session.expire_on_commit = False  # the answer shows what was just written
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    return obj


def create_log(user, data: dict, terminal_instrument_id: int | None = None) -> UsageLog:
    """Record a use (manager of the instrument's unit or admin; or the instrument's terminal).

    ``user`` is the caller, None for a terminal (``terminal_instrument_id`` set): its log has source
    ``terminal`` and no ``created_by``; the body's ``user_id`` names the person who used the
    instrument. A terminal may only post for its own instrument (anything else is 401).

    Locked years: a log whose start lies in a locked year is refused (409 ``period_locked``)
    unless it is a correction record, i.e. ``corrects_id`` names a log of the same instrument whose
    start lies in that same locked year. Such a correction is a new record (the locked one stays
    as it was) and may overlap the record it corrects, but no other non-voided log.
    """
    if terminal_instrument_id is not None and data["instrument_id"] != terminal_instrument_id:
        raise ApiError(401, "unauthorized", _("This terminal token may only record uses of its own instrument."))
    instrument = db.session.get(Instrument, data["instrument_id"])
    if instrument is None:
        raise validation_error({"instrument_id": [_("No such instrument.")]})
    if terminal_instrument_id is None and not policy.can_manage_instruments_of(user, instrument.unit_id):
        raise forbidden()
    person = _user(data["user_id"])
    problems = {}
    booking = None
    if data.get("booking_id") is not None:
        booking = db.session.get(Booking, data["booking_id"])
        if booking is None or booking.instrument_id != instrument.id:
            problems["booking_id"] = [_("No such booking of this instrument.")]
            booking = None
        elif booking.user_id != person.id:
            problems["user_id"] = [_("The booking was made by another user.")]
    corrected = None
    if data.get("corrects_id") is not None:
        corrected = db.session.get(UsageLog, data["corrects_id"])
        if corrected is None or corrected.instrument_id != instrument.id:
            problems["corrects_id"] = [_("No such usage log of this instrument.")]
    if problems:
        raise validation_error(problems)

    begin_write()
    _lock_instrument(instrument.id)
    completes = booking is not None and _completes(booking, data, corrected)
    year = year_of(data["start"])
    exempt: set[int] = set()
    if corrected is not None and is_locked(year_of(corrected.start)):
        exempt.add(corrected.id)  # a correction of a locked record may overlap it
    if is_locked(year) and not (corrected is not None and corrected.id in exempt
                                and year_of(corrected.start) == year):
        db.session.rollback()
        raise locked_error()
    if _overlapping(instrument.id, data["start"], data["end"], exempt):
        db.session.rollback()
        raise overlap_error()
    is_external = person.unit_id != instrument.unit_id
    log = UsageLog(instrument_id=instrument.id, user_id=person.id, booking_id=data.get("booking_id"),
                   start=data["start"], end=data["end"], purpose=data["purpose"],
                   service_way=data["service_way"], sample_count=data.get("sample_count"),
                   is_external=is_external, source="manual" if terminal_instrument_id is None else "terminal",
                   corrects_id=data.get("corrects_id"), comment=data.get("comment"),
                   created_by=None if user is None else user.id)
    log.fee = data["fee"] if data.get("fee") is not None else default_fee(
        instrument, is_external, log.hours, log.service_way, log.sample_count)
    db.session.add(log)
    if completes:
        from bookings.services import complete_by_usage  # services imports this module

        complete_by_usage(booking, user)
    if terminal_instrument_id is not None:
        token = db.session.get(TerminalToken, terminal_instrument_id)
        if token is not None:
            token.last_used_at = utcnow()
    log._rating = None
    return _commit_and_keep(log)


def _completes(booking: Booking, data: dict, corrected: UsageLog | None) -> bool:
    """Whether recording this use completes its booking (under the write lock).

    A confirmed booking (a sample submission, or a self-operated use nobody checked out) becomes
    ``completed`` with its log; a sample submission's log says how many samples were done. A
    correction record of a log of the same booking leaves the booking as it is. Any other
    booking (pending, completed, cancelled, rejected, no-show) is 409 ``invalid_status``.
    """
    db.session.refresh(booking, with_for_update={"key_share": True, "of": Booking})
    if booking.status == "confirmed":
        if booking.mode == "sample" and not data.get("sample_count"):
            db.session.rollback()
            raise validation_error({"sample_count": [_("A sample submission needs the number of samples.")]})
        return True
    if corrected is not None and corrected.booking_id == booking.id:
        return False
    from bookings.display import STATUS_LABELS

    db.session.rollback()
    raise ApiError(409, "invalid_status",
                   _("Booking no. %(id)d is %(status)s: only a confirmed booking can be completed by recording "
                     "its use.", id=booking.id, status=str(STATUS_LABELS.get(booking.status, booking.status))))


def _managed_log(user, log_id: int) -> tuple[UsageLog, Instrument]:
    log = get_log(user, log_id)
    instrument = _instrument(log)
    if not policy.can_manage_instruments_of(user, instrument.unit_id):
        raise forbidden()
    return log, instrument


def update_log(user, log_id: int, changes: dict) -> UsageLog:
    """Change a log (manager of its instrument's unit). Old or new start in a locked year → 409."""
    begin_write()
    log, instrument = _managed_log(user, log_id)
    _lock_instrument(instrument.id)
    db.session.refresh(log)
    if log.voided:
        raise ApiError(409, "already_voided", _("This usage log is voided; it can no longer be changed."))
    start, end = changes.get("start", log.start), changes.get("end", log.end)
    if end <= start:
        raise validation_error({"end": [_("The end must be after the start.")]})
    if is_locked(year_of(log.start)) or is_locked(year_of(start)):
        db.session.rollback()
        raise locked_error()
    person = _user(changes["user_id"]) if "user_id" in changes else None
    if ("start" in changes or "end" in changes) and _overlapping(instrument.id, start, end, {log.id}):
        db.session.rollback()
        raise overlap_error()
    for key, value in changes.items():
        setattr(log, key, value)
    if person is not None:
        log.is_external = person.unit_id != instrument.unit_id
    if "fee" not in changes and any(key in changes for key in FEE_INPUTS):
        log.fee = default_fee(instrument, log.is_external, log.hours, log.service_way, log.sample_count)
    return _commit_and_keep(log)


def void_log(user, log_id: int, reason: str) -> UsageLog:
    """Void a log with a reason (manager); it stays in the ledger, counted nowhere."""
    begin_write()
    log, _instrument_row = _managed_log(user, log_id)
    db.session.refresh(log)
    if log.voided:
        raise ApiError(409, "already_voided", _("This usage log is already voided."))
    if is_locked(year_of(log.start)):
        db.session.rollback()
        raise locked_error()
    log.voided = True
    log.void_reason = reason
    set_reason(reason)
    return _commit_and_keep(log)


def rate(user, log_id: int, data: dict) -> Rating:
    """The log's user rates the service once (national five levels, stored 5..1)."""
    log = get_log(user, log_id)
    if log.user_id != user.id:
        raise forbidden(_("Only the person who used the instrument can rate this service."))
    if log.voided:
        raise ApiError(409, "usage_voided", _("A voided usage log cannot be rated."))
    begin_write()
    if db.session.get(Rating, log.id) is not None:
        db.session.rollback()
        raise already_rated()
    rating = Rating(usage_log_id=log.id, user_id=user.id, score=data["score"], comment=data.get("comment"),
                    created_at=utcnow())
    db.session.add(rating)
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent request rated first
        db.session.rollback()
        raise already_rated() from None
    return _commit_and_keep(rating)


def already_rated() -> ApiError:
    return ApiError(409, "already_rated", _("This service has already been rated."))


# --- terminal tokens -----------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_terminal_token(user, instrument_id: int) -> tuple[str, TerminalToken]:
    """A new token for the instrument's terminal (manager of its unit), replacing any earlier one."""
    instrument = db.session.get(Instrument, instrument_id)
    if instrument is None:
        raise not_found()
    if not policy.can_manage_instruments_of(user, instrument.unit_id):
        raise forbidden()
    token = secrets.token_urlsafe(32)
    begin_write()
    row = db.session.get(TerminalToken, instrument.id)
    if row is None:
        row = TerminalToken(instrument_id=instrument.id)
        db.session.add(row)
    row.token_hash = _token_hash(token)
    row.created_by = user.id
    row.created_at = utcnow()
    row.last_used_at = None
    _commit_and_keep(row)
    return token, row


def terminal_instrument_for(token: str) -> int | None:
    """The instrument whose terminal holds this token, or None."""
    return db.session.scalar(select(TerminalToken.instrument_id)
                             .where(TerminalToken.token_hash == _token_hash(token)))
