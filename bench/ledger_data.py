"""A synthetic province's ledger for the sharing-report benchmark: units, users, instruments, usage
logs (with ratings and bookings), bulk-loaded with the driver (COPY on PostgreSQL, executemany on
SQLite) because one million ORM objects would take longer than the benchmark itself.

Per instrument the logs never overlap: the 13 months from 2024-12-15 are cut into equal slots, one
log per slot, so logs cross the year's boundaries as real ones do.
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

SEED = 20261122
LEDGER_START = datetime(2024, 12, 15, tzinfo=timezone.utc)
LEDGER_DAYS = 396
PURPOSES = ["research"] * 60 + ["teaching"] * 12 + ["social_service"] * 10 + ["training"] * 8 + ["maintenance"] * 10
SOURCES = ["checkin"] * 60 + ["terminal"] * 25 + ["manual"] * 15
LEAVES = ["010101", "010102", "010201", "020101", "030101", "040101", "050101", "060101"]

LOG_COLUMNS = ("id", "instrument_id", "user_id", "booking_id", "start", "end", "purpose", "service_way",
               "sample_count", "is_external", "fee", "source", "voided", "created_at", "updated_at")
RATING_COLUMNS = ("usage_log_id", "user_id", "score", "created_at")
BOOKING_COLUMNS = ("id", "instrument_id", "user_id", "start", "end", "block_end", "status", "mode", "created_at",
                   "updated_at")


@dataclass
class Ledger:
    logs: list[tuple] = field(default_factory=list)
    ratings: list[tuple] = field(default_factory=list)
    bookings: list[tuple] = field(default_factory=list)


def seed_people_and_instruments(conn, units: int, users: int, instruments: int) -> dict:
    """Units, researchers (one evaluator first) and instruments through SQLAlchemy Core."""
    from sqlalchemy import insert, select

    from instruments.models import Instrument
    from sharing.accounts.models import User, UserRole
    from sharing.units.models import Unit

    rng = random.Random(SEED)
    conn.execute(insert(Unit.__table__), [
        {"name": f"基准单位{n:02d}", "kind": "university" if n % 3 else "enterprise", "city": "沈阳" if n % 2 else "大连",
         "in_cluster": n % 4 != 0} for n in range(units)])
    unit_ids = conn.execute(select(Unit.id).order_by(Unit.id)).scalars().all()
    conn.execute(insert(User.__table__), [
        {"email": f"ledger{n}@example.org", "name": f"用户{n}", "unit_id": unit_ids[n % units], "password_hash": "x",
         "active": True} for n in range(users)])
    user_rows = conn.execute(select(User.id, User.unit_id).order_by(User.id)).all()
    conn.execute(insert(UserRole.__table__), [{"user_id": u.id, "role": "researcher"} for u in user_rows])
    conn.execute(insert(UserRole.__table__), [{"user_id": user_rows[0].id, "role": "evaluator"}])
    conn.execute(insert(Instrument.__table__), [
        {"unit_id": unit_ids[n % units], "inner_id": f"L-{n:05d}", "name": f"基准仪器 {n}", "model": "M-1",
         "manufacturer": "Bench", "category_code": LEAVES[n % len(LEAVES)],
         "price_cny": rng.choice([300_000, 600_000, 900_000, 1_500_000, 4_000_000]),
         "instrument_type": "special" if n % 7 == 0 else "general", "booking_rules": {},
         "rated_hours": 1200 if n % 11 == 0 else None} for n in range(instruments)])
    instrument_rows = conn.execute(select(Instrument.id, Instrument.unit_id).order_by(Instrument.id)).all()
    return {"users": [tuple(u) for u in user_rows], "instruments": [tuple(i) for i in instrument_rows],
            "evaluator_id": user_rows[0].id}


def generate(world: dict, logs_per_instrument: int, part: int, parts: int) -> Ledger:
    """Logs ``n`` with ``n % parts == part`` of every instrument (the same draws whatever the part)."""
    users_by_unit: dict[int, list[int]] = {}
    for user_id, unit_id in world["users"]:
        users_by_unit.setdefault(unit_id, []).append(user_id)
    all_users = [u for u, _ in world["users"]]
    slot = timedelta(days=LEDGER_DAYS) / logs_per_instrument
    out = Ledger()
    for position, (instrument_id, unit_id) in enumerate(world["instruments"]):
        rng = random.Random(SEED + position)
        for n in range(logs_per_instrument):
            draws = (rng.random(), rng.random(), rng.random(), rng.random(), rng.random(), rng.random(),
                     rng.choice(PURPOSES), rng.choice(SOURCES), rng.choice(all_users),
                     rng.choice(users_by_unit[unit_id]), rng.randint(1, 5))
            if n % parts != part:
                continue
            r_len, r_off, r_ext, r_way, r_rate, r_book, purpose, source, outsider, insider, score = draws
            hours = 0.5 + 7.5 * r_len
            start = LEDGER_START + slot * n + (slot - timedelta(hours=hours)) * r_off
            end = start + timedelta(hours=hours)
            external = r_ext < 0.18
            user_id = outsider if external else insider
            entrust = r_way < 0.1
            samples = int(1 + 20 * r_len) if entrust else None
            fee = round(samples * (120 if external else 60) if entrust else hours * (400 if external else 200), 2)
            log_id = position * logs_per_instrument + n + 1
            booking_id = None
            if r_book < 0.3:
                booking_id = log_id
                status = "no_show" if r_book < 0.01 else "completed"
                out.bookings.append((booking_id, instrument_id, user_id, start, end, end, status,
                                     "sample" if entrust else "self", start, end))
            out.logs.append((log_id, instrument_id, user_id, booking_id, start, end, purpose,
                             "entrust" if entrust else "occupy", samples, external, fee, source,
                             r_rate > 0.99, end, end))
            if r_rate < 0.2:
                out.ratings.append((log_id, user_id, score, end))
    return out


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _load(raw, dialect: str, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = raw.cursor()
    if dialect == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_text(v) for v in row) + "\n")
        with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
    else:
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})",
                           [tuple(_sqlite_value(v) for v in row) for row in rows])
    cursor.close()


def load(engine, ledger: Ledger) -> None:
    """Bookings, then logs, then ratings, in one transaction."""
    raw = engine.raw_connection()
    try:
        dialect = engine.dialect.name
        _load(raw, dialect, "bookings", BOOKING_COLUMNS, ledger.bookings)
        _load(raw, dialect, "usage_logs", LOG_COLUMNS, ledger.logs)
        _load(raw, dialect, "ratings", RATING_COLUMNS, ledger.ratings)
        raw.commit()
    finally:
        raw.close()
