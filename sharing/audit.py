"""The audit trail: who changed which record when, with old and new values.

Every model that sets ``__audited__ = True`` is watched at flush time, so no
code path (page, API, CLI, import, scheduled job) can change it unrecorded.
Values named in ``__audit_hidden__`` are recorded as changed, never shown; columns named in
``__audit_skip__`` (derived data such as a search index column) are not recorded.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import g
from sqlalchemy import JSON, ForeignKey, Index, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from sharing.extensions import db
from sharing.timeutil import UTCDateTime, utcnow

HIDDEN = "***"


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # create | update | delete
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(50))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(String(500))


def _from_g(name: str):
    """A value of the current app context (a request or a CLI command); None outside one."""
    try:
        return g.get(name)
    except RuntimeError:
        return None


def current_actor_id() -> int | None:
    """The user acting now, set by the auth layer or by a CLI command."""
    return _from_g("actor_id")


def set_reason(reason: str | None) -> None:
    """Attach a reason (e.g. why a booking was cancelled) to the changes of this unit of work."""
    g.audit_reason = reason


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def _recorded(obj):
    """(column keys to record, keys whose values are hidden) for this model."""
    skipped = {"created_at", "updated_at", *getattr(obj, "__audit_skip__", ())}
    keys = [a.key for a in inspect(obj).mapper.column_attrs if a.key not in skipped]
    return keys, getattr(obj, "__audit_hidden__", set())


def _column_changes(obj, only_changed: bool) -> dict:
    keys, hidden = _recorded(obj)
    state = inspect(obj)
    changes = {}
    for key in keys:
        hist = state.attrs[key].history
        if only_changed and not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else getattr(obj, key)
        if only_changed and old == new:
            continue
        if key in hidden:
            changes[key] = [HIDDEN if old is not None else None, HIDDEN]
        else:
            changes[key] = [_plain(old), _plain(new)]
    return changes


def _created_values(obj) -> dict:
    """The values a new record was written with (read straight from its state: cheap for imports)."""
    keys, hidden = _recorded(obj)
    values = inspect(obj).dict
    changes = {k: [None, HIDDEN if k in hidden else _plain(values.get(k))] for k in keys}
    changes.update(_extra_changes(obj))
    return changes


def _extra_changes(obj) -> dict:
    """Models may report changes that are not plain columns (e.g. a user's roles)."""
    hook = getattr(obj, "audit_extra_changes", None)
    return hook() if hook else {}


@event.listens_for(Session, "before_flush")
def _collect(session, flush_context, instances):
    pending = session.info.setdefault("audit_pending", [])
    for obj in list(session.new):
        if getattr(obj, "__audited__", False):
            pending.append((obj, "create", None))
    for obj in list(session.dirty):
        if getattr(obj, "__audited__", False) and session.is_modified(obj):
            changes = {**_column_changes(obj, only_changed=True), **_extra_changes(obj)}
            if changes:
                pending.append((obj, "update", changes))
    for obj in list(session.deleted):
        if getattr(obj, "__audited__", False):
            pending.append((obj, "delete", _column_changes(obj, only_changed=False)))


@event.listens_for(Session, "after_flush_postexec")
def _write(session, flush_context):
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    actor, reason, now = current_actor_id(), _from_g("audit_reason"), utcnow()
    rows = []
    for obj, action, changes in pending:
        ident = inspect(obj).identity
        rows.append({
            "at": now,
            "actor_id": actor,
            "action": action,
            "entity_type": obj.__tablename__,
            "entity_id": str(ident[0]) if ident else None,
            "changes": _created_values(obj) if action == "create" else changes,
            "reason": reason,
        })
    # One multi-row insert on the flush's own connection and transaction (imports write thousands).
    session.connection().execute(AuditEvent.__table__.insert(), rows)
