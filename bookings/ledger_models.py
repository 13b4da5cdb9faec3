"""The ledger's companions: ratings of services, locked years, instrument terminals' tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sharing.extensions import db
from sharing.timeutil import UTCDateTime, utcnow

RATING_LABELS_ZH = {5: "非常满意", 4: "基本满意", 3: "一般", 2: "不满意", 1: "极差"}  # national five levels


class Rating(db.Model):
    """The user's rating of one service (usage log), given once."""

    __tablename__ = "ratings"
    __audited__ = True
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score"),)

    usage_log_id: Mapped[int] = mapped_column(ForeignKey("usage_logs.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PeriodLock(db.Model):
    """A year whose usage logs are read-only (after evaluation); corrections become new records."""

    __tablename__ = "period_locks"
    __audited__ = True

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class TerminalToken(db.Model):
    """The one token an instrument-side terminal posts usage logs with; only its SHA-256 is kept."""

    __tablename__ = "terminal_tokens"
    __audit_hidden__ = {"token_hash"}
    __audited__ = True

    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
