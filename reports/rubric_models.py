"""Rubrics (evaluation schemes) as data, their versions, and the manual item values evaluators enter.

A scheme's definition never changes in place: adjusting it writes a new row of
``evaluation_scheme_versions`` and moves ``evaluation_schemes.version`` on, so an old result can
always be recomputed with the version it names.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sharing.extensions import db
from sharing.timeutil import UTCDateTime, utcnow

LEVELS = ("unit", "instrument")
WINDOWS = ("calendar", "academic")


class EvaluationScheme(db.Model):
    """A rubric's identity (slug) and its current version."""

    __tablename__ = "evaluation_schemes"
    __audited__ = True

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    preset: Mapped[bool] = mapped_column(Boolean, default=False)
    copied_from: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class EvaluationSchemeVersion(db.Model):
    """One immutable version of a rubric: names, level, window and the definition (items, grades, …)."""

    __tablename__ = "evaluation_scheme_versions"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("level IN ('unit','instrument')", name="level"),
        CheckConstraint("window_kind IN ('calendar','academic')", name="window_kind"),
    )

    scheme_id: Mapped[str] = mapped_column(ForeignKey("evaluation_schemes.id", ondelete="CASCADE"),
                                           primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(12))
    window_kind: Mapped[str] = mapped_column(String(12))
    definition: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ManualItemValue(db.Model):
    """A value of a manual rubric item for one subject (unit or instrument) and year, entered by an evaluator.

    Values belong to the scheme id and year, not to a version: a new version keeps using them.
    """

    __tablename__ = "evaluation_manual_values"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("scheme_id", "year", "subject_kind", "subject_id", "item_id",
                         name="uq_evaluation_manual_values_subject_item"),
        CheckConstraint("subject_kind IN ('unit','instrument')", name="subject_kind"),
        Index("ix_evaluation_manual_values_scheme_year", "scheme_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[str] = mapped_column(ForeignKey("evaluation_schemes.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    subject_kind: Mapped[str] = mapped_column(String(12))
    subject_id: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
