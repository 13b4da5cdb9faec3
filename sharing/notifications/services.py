"""Create notifications inside the caller's transaction; hand their mail over after commit."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from sharing.extensions import db
from sharing.notifications.models import Notification
from sharing.timeutil import utcnow

_MAIL_IDS = "notification_mail_ids"


def notify(user_id: int, kind: str, link: str | None = None, **params) -> Notification:
    """Tell a user something. Mail (if a server is set) goes out only once the change commits."""
    mail = bool(current_app.config.get("MAIL_SERVER"))
    notification = Notification(user_id=user_id, kind=kind, params=params, link=link,
                                mail_state="queued" if mail else "none")
    db.session.add(notification)
    return notification


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)))


def list_query(user_id: int, unread_only: bool = False):
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def mark_read(user_id: int, ids: list[int] | None = None) -> int:
    """Mark the user's notifications (all, or those of ``ids``) as read; returns how many."""
    statement = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        statement = statement.where(Notification.id.in_(ids))
    count = db.session.execute(statement.values(read_at=utcnow())).rowcount
    db.session.commit()
    return count


# --- mail after commit -------------------------------------------------------------------------
# Ids of queued mail are gathered as rows are flushed and handed to the sender only when the
# transaction commits; a rollback forgets them, so a refused change never sends mail.

@event.listens_for(Session, "after_flush")
def _gather_mail(session, _flush_context):
    ids = [obj.id for obj in session.new if isinstance(obj, Notification) and obj.mail_state == "queued"]
    if ids:
        session.info.setdefault(_MAIL_IDS, []).extend(ids)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session):
    ids = session.info.pop(_MAIL_IDS, None)
    if ids:
        from sharing.notifications.mail import send_in_background

        send_in_background(current_app._get_current_object(), ids)


@event.listens_for(Session, "after_rollback")
def _forget_mail(session):
    session.info.pop(_MAIL_IDS, None)
