from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from instruments.models import Instrument
from sharing.accounts.models import User
from sharing.extensions import db
from sharing.timeutil import UTCDateTime, utcnow

BOOKING_STATUSES = ("pending", "confirmed", "rejected", "cancelled", "completed", "no_show")
ACTIVE_STATUSES = ("pending", "confirmed")  # these hold their time slot
BOOKING_MODES = ("self", "sample")
QUALIFICATION_LEVELS = ("guided", "independent")


class Booking(db.Model):
    """A reservation of an instrument's time, for self-operated use or sample submission.

    ``block_end`` is the end plus the instrument's buffer when booked: the slot a booking holds
    is [start, block_end). The database refuses two active bookings whose slots overlap
    (an exclusion constraint on PostgreSQL, a trigger on SQLite; see the migration).
    """

    __tablename__ = "bookings"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("status IN ('pending','confirmed','rejected','cancelled','completed','no_show')",
                        name="status"),
        CheckConstraint("mode IN ('self','sample')", name="mode"),
        CheckConstraint('"end" > start', name="end_after_start"),
        CheckConstraint('block_end >= "end"', name="block_end"),
        # status included so the sharing report counts bookings from the index alone
        Index("ix_bookings_instrument_start_status", "instrument_id", "start", "status"),
        Index("ix_bookings_user_start", "user_id", "start"),
        Index("ix_bookings_status_start", "status", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    block_end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12))
    mode: Mapped[str] = mapped_column(String(6), default="self")
    purpose: Mapped[str | None] = mapped_column(String(500))
    sample_count: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(500))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    instrument: Mapped[Instrument] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class Downtime(db.Model):
    """Maintenance or repair: the instrument cannot be booked in [start, end)."""

    __tablename__ = "downtimes"
    __audited__ = True
    __table_args__ = (
        CheckConstraint('"end" > start', name="end_after_start"),
        Index("ix_downtimes_instrument_start", "instrument_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Qualification(db.Model):
    """A user's training on an instrument: guided (under staff guidance) or independent."""

    __tablename__ = "qualifications"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("instrument_id", "user_id", name="uq_qualifications_instrument_user"),
        CheckConstraint("level IN ('guided','independent')", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(12))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    expiry_noticed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BookingReminder(db.Model):
    """A reminder sent (or being sent) for a booking; the primary key makes it happen once."""

    __tablename__ = "booking_reminders"

    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True)
    hours_before: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Suspension(db.Model):
    """A booking ban after repeated no-shows (or set by hand)."""

    __tablename__ = "suspensions"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


USAGE_PURPOSES = ("research", "teaching", "social_service", "training", "maintenance")
SERVICE_WAYS = ("occupy", "guided", "entrust", "remote")
USAGE_SOURCES = ("manual", "checkin", "terminal")


class UsageLog(db.Model):
    """One use of an instrument: the ledger every sharing figure is computed from."""

    __tablename__ = "usage_logs"
    __audited__ = True
    __table_args__ = (
        CheckConstraint('"end" > start', name="end_after_start"),
        CheckConstraint("purpose IN ('research','teaching','social_service','training','maintenance')",
                        name="purpose"),
        CheckConstraint("service_way IN ('occupy','guided','entrust','remote')", name="service_way"),
        CheckConstraint("source IN ('manual','checkin','terminal')", name="source"),
        Index("ix_usage_logs_instrument_start", "instrument_id", "start"),
        Index("ix_usage_logs_user_start", "user_id", "start"),
        # Covers the sharing report's scan of the ledger, in the order it groups by (BENCHMARKS.md).
        Index("ix_usage_logs_report", "instrument_id", "is_external", "source", "start", "end", "voided",
              "purpose", "fee", "sample_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    purpose: Mapped[str] = mapped_column(String(16), default="research")
    service_way: Mapped[str] = mapped_column(String(8), default="occupy")
    sample_count: Mapped[int | None] = mapped_column(Integer)
    is_external: Mapped[bool] = mapped_column(Boolean, default=False)
    fee: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    source: Mapped[str] = mapped_column(String(8))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str | None] = mapped_column(String(500))
    # A record entered after its year was locked says which locked record it corrects.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("usage_logs.id"), index=True)
    comment: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600
