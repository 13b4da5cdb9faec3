"""E-mail copies of notifications: sent after commit, retried with back-off, never sent twice.

A message is claimed (``queued`` → ``sending``) by one conditional UPDATE before it goes out,
so the after-commit sender and the retry job can never both send it. A failing mail server only
delays mail: the booking that caused it is already committed.
"""
from __future__ import annotations

import logging
import smtplib
import threading
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import or_, select, update

from sharing.accounts.models import User
from sharing.extensions import db
from sharing.notifications.messages import render
from sharing.notifications.models import Notification
from sharing.timeutil import utcnow

log = logging.getLogger(__name__)
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()
# A claim older than this was interrupted (process killed mid-send); it is not retried,
# because the message may have gone out: failing it is better than sending it twice.
STALE_CLAIM = timedelta(hours=1)


def send_in_background(app, ids: list[int]) -> None:
    thread = threading.Thread(target=_deliver_all, args=(app, ids), daemon=True, name="mail")
    with _threads_lock:
        # Forget finished senders, so a long-running process does not keep one per commit.
        _threads[:] = [t for t in _threads if t.is_alive()]
        thread.start()  # started under the lock: a thread not yet started is not alive
        _threads.append(thread)


def wait_for_background_mail(timeout: float = 10) -> None:
    """Tests: wait until mail handed over after commit has been attempted."""
    while True:
        with _threads_lock:
            if not _threads:
                return
            thread = _threads.pop()
        thread.join(timeout)


def _deliver_all(app, ids: list[int]) -> None:
    with app.app_context():
        for notification_id in ids:
            deliver(notification_id)


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** attempts, 240))


def _claim(notification_id: int) -> bool:
    claimed = db.session.execute(
        update(Notification).where(Notification.id == notification_id, Notification.mail_state == "queued")
        .values(mail_state="sending", mail_attempts=Notification.mail_attempts + 1,
                mail_next_attempt_at=utcnow())
    ).rowcount
    db.session.commit()
    return claimed == 1


def deliver(notification_id: int) -> bool:
    """Send one queued message if no one else has; True when it went out now."""
    try:
        if not _claim(notification_id):
            return False
        notification = db.session.get(Notification, notification_id)
        user = db.session.get(User, notification.user_id)
        subject, body = render(notification.kind, notification.params, user.locale or "zh_CN")
        _smtp_send(user.email, subject, body, notification.link)
    except Exception as exc:  # the mail server's trouble must never reach the user's request
        db.session.rollback()
        log.warning("mail for notification %s failed: %s", notification_id, exc)
        notification = db.session.get(Notification, notification_id)
        if notification is not None and notification.mail_state == "sending":
            give_up = notification.mail_attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
            notification.mail_state = "failed" if give_up else "queued"
            notification.mail_next_attempt_at = utcnow() + backoff(notification.mail_attempts)
            notification.mail_error = str(exc)[:1000]
            db.session.commit()
        return False
    notification.mail_state, notification.mailed_at, notification.mail_error = "sent", utcnow(), None
    db.session.commit()
    return True


def _smtp_send(to: str, subject: str, body: str, link: str | None) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    if link:
        body = f"{body}\n\n{config['PUBLIC_BASE_URL'].rstrip('/')}{link}"
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def send_queued_mail() -> str:
    """Job: retry queued mail whose back-off has passed; fail claims that were interrupted."""
    if not current_app.config.get("MAIL_SERVER"):
        return "no mail server configured"
    now = utcnow()
    stale = db.session.execute(
        update(Notification).where(Notification.mail_state == "sending",
                                   Notification.mail_next_attempt_at < now - STALE_CLAIM)
        .values(mail_state="failed", mail_error="interrupted while sending")
    ).rowcount
    db.session.commit()
    due = db.session.scalars(
        select(Notification.id).where(
            Notification.mail_state == "queued",
            or_(Notification.mail_next_attempt_at.is_(None), Notification.mail_next_attempt_at <= now))
        .order_by(Notification.id).limit(500)
    ).all()
    sent = sum(deliver(notification_id) for notification_id in due)
    return f"sent {sent} of {len(due)} queued messages; {stale} interrupted"
