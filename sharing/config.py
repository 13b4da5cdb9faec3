"""Configuration read from environment variables, with safe defaults for a single machine."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _int_list(name: str, default: list[int]) -> list[int]:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return [int(part) for part in value.replace(" ", "").split(",") if part]


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator chose."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_or_create_secret_key(instance_path: str) -> str:
    """A secret generated once per installation and kept in the instance folder."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Exclusive create: two processes starting together keep the same key.
    try:
        with open(path, "x") as fh:
            fh.write(key)
        os.chmod(path, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    return key


def from_environment(instance_path: str) -> dict:
    """Settings of a running installation. Every key is documented in README.md."""
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "sharing.sqlite3")
    )
    return {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or load_or_create_secret_key(instance_path),
        "PLATFORM_TIMEZONE": os.environ.get("PLATFORM_TIMEZONE", "Asia/Shanghai"),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 10 * 1024 * 1024),
        "API_TOKEN_TTL_HOURS": _int("API_TOKEN_TTL_HOURS", 24 * 7),
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 10),
        "LOGIN_FAILURE_WINDOW_MINUTES": _int("LOGIN_FAILURE_WINDOW_MINUTES", 15),
        "LOGIN_IP_RATE_LIMIT": os.environ.get("LOGIN_IP_RATE_LIMIT", "300 per minute"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "noreply@localhost"),
        "MAIL_TIMEOUT_SECONDS": _int("MAIL_TIMEOUT_SECONDS", 10),
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "BOOKING_REMINDER_HOURS": _int_list("BOOKING_REMINDER_HOURS", [24, 1]),
        "NO_SHOW_GRACE_MINUTES": _int("NO_SHOW_GRACE_MINUTES", 30),
        "NO_SHOW_STRIKES": _int("NO_SHOW_STRIKES", 3),
        "NO_SHOW_WINDOW_DAYS": _int("NO_SHOW_WINDOW_DAYS", 90),
        "NO_SHOW_SUSPENSION_DAYS": _int("NO_SHOW_SUSPENSION_DAYS", 30),
        "QUALIFICATION_EXPIRY_NOTICE_DAYS": _int("QUALIFICATION_EXPIRY_NOTICE_DAYS", 14),
        "CHECK_IN_EARLY_MINUTES": _int("CHECK_IN_EARLY_MINUTES", 15),
        "SCHEDULER_IN_WEB": _bool("SCHEDULER_IN_WEB", False),
        "SCOPE_MIN_PRICE_CNY": _int("SCOPE_MIN_PRICE_CNY", 500_000),
        "IMPORT_MAX_ROWS": _int("IMPORT_MAX_ROWS", 20_000),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("PLATFORM_TIMEZONE", "Asia/Shanghai"),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "API_TITLE": "Instrument sharing platform API",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {"security": [{"bearerAuth": []}]},
    }
