from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.extensions import db
from sharing.timeutil import UTCDateTime, utcnow
from sharing.units.models import Unit


class Category(db.Model):
    """A node of the national 6-digit instrument classification (大类/中类/小类)."""

    __tablename__ = "categories"
    __audited__ = True
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 3", name="level"),)

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    # Annual quota hours; null = inherit from the parent (then the instrument-type default).
    rated_hours: Mapped[int | None] = mapped_column(Integer)


INSTRUMENT_STATUSES = ("normal", "faulty", "under_repair", "retired")
SHARE_MODES = ("external", "internal", "none")
INSTRUMENT_TYPES = ("general", "special")
SOURCES = ("purchase", "self_built", "gift", "other")
FUNDING_SOURCES = ("central", "local", "own", "other")
# The national record's "typical state during the year" (运行状态), kept apart from today's status.
TYPICAL_STATES = ("normal", "standby", "remote_service", "occasional_faults", "frequent_faults",
                  "awaiting_repair", "awaiting_disposal")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Instrument(db.Model):
    """One instrument (单台套) as the national record standard describes it; prices in yuan."""

    __tablename__ = "instruments"
    __audited__ = True
    __audit_skip__ = {"search_text", "search_bigrams"}
    __table_args__ = (
        UniqueConstraint("unit_id", "inner_id", name="uq_instruments_unit_inner_id"),
        CheckConstraint(_in("status", INSTRUMENT_STATUSES), name="status"),
        CheckConstraint(_in("share_mode", SHARE_MODES), name="share_mode"),
        CheckConstraint(_in("instrument_type", INSTRUMENT_TYPES), name="instrument_type"),
        CheckConstraint("price_cny >= 0", name="price_not_negative"),
        Index("ix_instruments_category_status", "category_code", "status"),
        Index("ix_instruments_city_status", "city", "status"),
        Index("ix_instruments_status_share_unit", "status", "share_mode", "unit_id"),
        Index("ix_instruments_price", "price_cny"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    inner_id: Mapped[str] = mapped_column(String(45))
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(100))
    manufacturer: Mapped[str] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(50))
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    asset_class_code: Mapped[str | None] = mapped_column(String(20))
    price_cny: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    purchase_date: Mapped[date | None] = mapped_column(Date)
    commission_date: Mapped[date | None] = mapped_column(Date)
    register_date: Mapped[date | None] = mapped_column(Date)
    instrument_type: Mapped[str] = mapped_column(String(10), default="general")
    source: Mapped[str | None] = mapped_column(String(20))
    customs_supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    funding_source: Mapped[str | None] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(100))
    specs: Mapped[str | None] = mapped_column(String(500))
    functions: Mapped[str | None] = mapped_column(String(300))
    subject_areas: Mapped[str | None] = mapped_column(String(200))
    service_content: Mapped[str | None] = mapped_column(String(200))
    sharing_rules: Mapped[str | None] = mapped_column(String(500))
    fee_summary: Mapped[str | None] = mapped_column(String(500))
    booking_url: Mapped[str | None] = mapped_column(String(150))
    location: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(50))
    contact_name: Mapped[str | None] = mapped_column(String(20))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="normal")
    typical_state: Mapped[str | None] = mapped_column(String(20))
    share_mode: Mapped[str] = mapped_column(String(10), default="external")
    fee_internal: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    fee_external: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    fee_sample_internal: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    fee_sample_external: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    rated_hours: Mapped[int | None] = mapped_column(Integer)
    booking_rules: Mapped[dict] = mapped_column(JSON, default=dict)
    internal_notes: Mapped[str | None] = mapped_column(Text)
    # Lower-cased, NFKC-normalised name, English name, model, manufacturer and specs:
    # what the catalogue search matches (trigram index on PostgreSQL, FTS5 trigram on SQLite).
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Its two-character pieces, as words: the index for two-character queries (透射, D8).
    search_bigrams: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    category: Mapped[Category] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Instrument {self.id} {self.name}>"
