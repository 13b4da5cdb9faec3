from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sharing.extensions import db
from sharing.timeutil import UTCDateTime, utcnow

MAIL_STATES = ("none", "queued", "sending", "sent", "failed")


class Notification(db.Model):
    """One message to one user: shown in the app, and mailed when a mail server is set.

    The text is rendered when shown or mailed, in the recipient's language, from ``kind`` and
    ``params``. ``mail_state`` is the outbox: ``queued`` mail is claimed (``sending``) by exactly
    one sender before it goes out, so a message is never mailed twice.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("mail_state IN ('none','queued','sending','sent','failed')", name="mail_state"),
        Index("ix_notifications_user_created", "user_id", "created_at"),
        Index("ix_notifications_mail_state_next", "mail_state", "mail_next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_state: Mapped[str] = mapped_column(String(8), default="none")
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0)
    mail_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_error: Mapped[str | None] = mapped_column(Text)
