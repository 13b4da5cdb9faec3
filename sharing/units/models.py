from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from sharing.extensions import db
from sharing.timeutil import UTCDateTime, utcnow

UNIT_KINDS = ("university", "institute", "enterprise", "hospital", "other")


class Unit(db.Model):
    __tablename__ = "units"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("kind IN ('university','institute','enterprise','hospital','other')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(50))
    in_cluster: Mapped[bool] = mapped_column(Boolean, default=False)
    credit_code: Mapped[str | None] = mapped_column(String(18))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name}>"
