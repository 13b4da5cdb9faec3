from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.extensions import db
from sharing.roles import Role
from sharing.timeutil import UTCDateTime, utcnow
from sharing.units.models import Unit


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __audited__ = True
    __audit_hidden__ = {"password_hash"}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(10))
    # Part of the secret of the personal calendar feed's URL; raising it revokes the old URL.
    calendar_key_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def roles(self) -> list[str]:
        order = {r.value: i for i, r in enumerate(Role)}
        return sorted((r.role for r in self.role_rows), key=order.get)

    @roles.setter
    def roles(self, values) -> None:
        wanted = set(values)
        self.role_rows = [r for r in self.role_rows if r.role in wanted] + [
            UserRole(role=v) for v in sorted(wanted - {r.role for r in self.role_rows})
        ]

    def audit_extra_changes(self) -> dict:
        hist = inspect(self).attrs.role_rows.history
        if not hist.has_changes():
            return {}
        before = sorted(r.role for r in (*hist.unchanged, *hist.deleted))
        after = sorted(r.role for r in (*hist.unchanged, *hist.added))
        return {"roles": [before or None, after]} if before != after else {}

    def has_role(self, role: Role | str) -> bool:
        return any(r.role == str(role) for r in self.role_rows)

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return bool(self.active)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        CheckConstraint(
            "role IN ('researcher','manager','unit_admin','evaluator','admin')", name="role"
        ),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class LoginFailure(db.Model):
    """Failed logins per e-mail address, counted in the database so every app server sees them."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
