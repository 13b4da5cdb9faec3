"""Time handling: aware datetimes everywhere, UTC in the database, the platform zone at the edges."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def platform_tz() -> ZoneInfo:
    name = current_app.config["PLATFORM_TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_platform(value: datetime) -> datetime:
    return value.astimezone(platform_tz())


def parse_datetime(text: str) -> datetime:
    """ISO 8601; a value without an offset is read in the platform zone."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=platform_tz())
    return value.astimezone(timezone.utc)


def platform_midnight(day: date) -> datetime:
    """The start of a calendar day in the platform zone, as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=platform_tz()).astimezone(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always returns them aware (UTC).

    PostgreSQL keeps them as timestamptz; SQLite has no zone type, so the
    value is written as naive UTC text and given its zone back on read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
