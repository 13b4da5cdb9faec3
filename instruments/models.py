from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sharing.extensions import db


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
