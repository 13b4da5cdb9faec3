"""The sharing report (API.md, "Reports"; domain rules §1, §3, §4, §7), computed in the database.

One grouped SQL query per report: CTEs aggregate the usage ledger per instrument (hours clipped to
the window, fees and samples of logs starting in the window), the ratings of logs starting in the
window and the bookings starting in it; they are joined to the in-scope instruments and grouped by
the report key.
Python only turns the sums of each result row (one per instrument, unit or category) into ratios.

Choices where the contract leaves room (documented for readers of the numbers):
- hours, fees and samples count only non-voided logs whose purpose is in the effective set;
  ratings count every non-voided rated log that starts in the window;
- bookings exclude ``cancelled`` and ``rejected`` ones (they never took place);
- retired instruments appear only when they have effective use, ratings or bookings in the window;
- ``NOT_COMMISSIONED`` also fires when there is no commission date and more than 365 days have
  passed between the purchase and the end of the window;
- ``LATE_REGISTRATION`` counts working days with ``chinese_calendar`` (public holidays and make-up
  working days); for years the package does not know, Monday–Friday are the working days.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, and_, case, false, func, literal, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from bookings.ledger_models import Rating
from bookings.models import Booking, UsageLog
from instruments.models import Category, Instrument
from sharing.extensions import db
from sharing.timeutil import UTCDateTime, platform_tz
from sharing.units.models import Unit

DEFAULT_EFFECTIVE_PURPOSES = ("research", "teaching", "social_service", "training")
DEFAULT_RATED_HOURS = {"general": 1400, "special": 800}  # MOE quota per year, by instrument_type
DEFAULT_SCOPE_MIN_PRICE = 500_000
GROUP_BYS = ("instrument", "unit", "category")
UNCOUNTED_BOOKING_STATUSES = ("cancelled", "rejected")
EXTERNAL_WEIGHT = 1.5
YEAR_SECONDS = 365 * 86400
LATE_REGISTRATION_WORKING_DAYS = 30
COMMISSIONING_DAYS = 365

ROW_FIELDS = ("key", "instrument_count", "effective_hours", "internal_hours", "external_hours", "sharing_rate",
              "rated_hours", "utilization", "income_internal", "income_external", "yield_rate", "samples",
              "bookings", "no_shows", "rating_avg", "rating_count", "flags")
# Beyond the contract (API.md allows extensions): the two other sharing rates of rules.md §3 and
# how much of the hours rest on manual entry rather than check-in or terminal evidence.
EXTRA_FIELDS = ("weighted_sharing_rate", "instruments_with_external", "count_sharing_rate", "manual_hours",
                "manual_share")
TOTAL_FIELDS = tuple(f for f in ROW_FIELDS + EXTRA_FIELDS if f not in ("key", "flags"))
HOUR_FIELDS = ("effective_hours", "internal_hours", "external_hours", "rated_hours", "manual_hours")
RATIO_FIELDS = ("sharing_rate", "utilization", "yield_rate", "weighted_sharing_rate", "count_sharing_rate",
                "manual_share")
MONEY_FIELDS = ("income_internal", "income_external")

FLAG_RULES = {
    "IDLE": _l("No effective use in the report window."),
    "LOW_USE": _l("Utilization below half of the rated hours."),
    "UNDER_QUOTA": _l("Utilization below the rated hours."),
    "NO_EXTERNAL": _l("No external service hours in the report window."),
    "NOT_COMMISSIONED": _l("More than 365 days between purchase and commissioning."),
    "LATE_REGISTRATION": _l("Registered more than 30 working days after commissioning."),
}


class clipped_hours(FunctionElement):
    """Hours of ``[start, end)`` inside ``[window_from, window_to)``, for rows known to overlap it.

    One subtraction of the clipped ends per row: ``least``/``greatest`` on PostgreSQL, SQLite's
    two-argument ``min``/``max`` on its ISO text timestamps (which sort as they compare).
    """

    type = Float()
    name = "clipped_hours"
    inherit_cache = True


@compiles(clipped_hours)
def _clipped_hours_default(element, compiler, **kw):
    start, end, window_from, window_to = (compiler.process(c, **kw) for c in element.clauses)
    return f"(date_part('epoch', least({end}, {window_to}) - greatest({start}, {window_from})) / 3600.0)"


@compiles(clipped_hours, "sqlite")
def _clipped_hours_sqlite(element, compiler, **kw):
    start, end, window_from, window_to = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday(min({end}, {window_to})) - julianday(max({start}, {window_from}))) * 24.0)"


def effective_purposes() -> tuple[str, ...]:
    return tuple(current_app.config.get("EFFECTIVE_PURPOSES", DEFAULT_EFFECTIVE_PURPOSES))


def rated_hours_defaults() -> dict[str, int]:
    return dict(current_app.config.get("RATED_HOURS_DEFAULTS", DEFAULT_RATED_HOURS))


def scope_min_price() -> int:
    return current_app.config.get("SCOPE_MIN_PRICE_CNY", DEFAULT_SCOPE_MIN_PRICE)


def _usage_cte_grouped(w_from, w_to, purposes):
    """Effective hours, fees and samples per instrument.

    The ledger is scanned once, grouped by (instrument, internal/external, source) so that each
    log's clipped hours are computed once (neither database shares repeated expressions); the
    second step turns those few rows per instrument into columns.
    """
    at_from = literal(w_from, UTCDateTime())
    at_to = literal(w_to, UTCDateTime())
    started = UsageLog.start >= at_from  # the end of the window is in the WHERE clause
    parts = (
        select(
            UsageLog.instrument_id.label("instrument_id"),
            UsageLog.is_external.label("is_external"),
            UsageLog.source.label("source"),
            func.count().label("logs"),
            func.sum(clipped_hours(UsageLog.start, UsageLog.end, at_from, at_to)).label("hours"),
            func.sum(case((started, UsageLog.fee), else_=0)).label("income"),
            func.sum(case((started, func.coalesce(UsageLog.sample_count, 0)), else_=0)).label("samples"),
        )
        .where(UsageLog.voided == false(), UsageLog.purpose.in_(purposes), UsageLog.start < at_to,
               UsageLog.end > at_from)
        .group_by(UsageLog.instrument_id, UsageLog.is_external, UsageLog.source)
        .cte("usage_parts")
    )
    external = parts.c.is_external == True  # noqa: E712

    def total(condition, value):
        return func.sum(case((condition, value), else_=0))

    return (
        select(
            parts.c.instrument_id,
            func.sum(parts.c.logs).label("effective_logs"),
            total(~external, parts.c.hours).label("internal_hours"),
            total(external, parts.c.hours).label("external_hours"),
            total(parts.c.source == "manual", parts.c.hours).label("manual_hours"),
            total(~external, parts.c.income).label("income_internal"),
            total(external, parts.c.income).label("income_external"),
            func.sum(parts.c.samples).label("samples"),
        )
        .group_by(parts.c.instrument_id)
        .cte("usage_in_window")
    )


def _ratings_cte(w_from, w_to):
    """Ratings of non-voided logs (of any purpose) that start in the window, per instrument."""
    return (
        select(
            UsageLog.instrument_id.label("instrument_id"),
            func.sum(Rating.score).label("rating_sum"),
            func.count().label("rating_count"),
        )
        .select_from(Rating)
        # "+ 0" keeps SQLite from walking the whole ledger by its start index and looking up each
        # log's rating: it reads the (far fewer) ratings and fetches each one's log by primary key.
        .join(UsageLog, UsageLog.id == Rating.usage_log_id + 0)
        .where(UsageLog.voided == false(), UsageLog.start >= literal(w_from, UTCDateTime()),
               UsageLog.start < literal(w_to, UTCDateTime()))
        .group_by(UsageLog.instrument_id)
        .cte("ratings_in_window")
    )


def _ledger_cte_one_scan(w_from, w_to, purposes):
    """PostgreSQL: effective hours, fees, samples and ratings per instrument in one scan of the
    ledger joined to its ratings; ``FILTER`` evaluates a log's hours only for the sums it belongs to.
    """
    at_from = literal(w_from, UTCDateTime())
    at_to = literal(w_to, UTCDateTime())
    hours = clipped_hours(UsageLog.start, UsageLog.end, at_from, at_to)
    effective = UsageLog.purpose.in_(purposes)
    external = UsageLog.is_external == True  # noqa: E712
    internal = UsageLog.is_external == False  # noqa: E712
    started = UsageLog.start >= at_from

    def total(value, *conditions):
        return func.sum(value).filter(and_(*conditions))

    return (
        select(
            UsageLog.instrument_id.label("instrument_id"),
            func.count().filter(effective).label("effective_logs"),
            total(hours, effective, internal).label("internal_hours"),
            total(hours, effective, external).label("external_hours"),
            total(hours, effective, UsageLog.source == "manual").label("manual_hours"),
            total(UsageLog.fee, effective, started, internal).label("income_internal"),
            total(UsageLog.fee, effective, started, external).label("income_external"),
            total(func.coalesce(UsageLog.sample_count, 0), effective, started).label("samples"),
            total(Rating.score, started).label("rating_sum"),
            func.count(Rating.score).filter(started).label("rating_count"),
        )
        .select_from(UsageLog)
        .outerjoin(Rating, Rating.usage_log_id == UsageLog.id)
        .where(UsageLog.voided == false(), UsageLog.start < at_to, UsageLog.end > at_from)
        .group_by(UsageLog.instrument_id)
        .cte("usage_in_window")
    )


def ledger_ctes(w_from, w_to, purposes):
    """``(usage, ratings)`` per instrument, each with an ``instrument_id`` column.

    The same sums in the shape each database computes fastest (BENCHMARKS.md, "Sharing report"):
    PostgreSQL hashes one scan with FILTERed sums (ratings joined in, so ``ratings is usage``);
    SQLite reads the covering index ``ix_usage_logs_report`` in its order, grouping by
    (instrument, internal/external, source) so a log's hours are computed once, and reads the
    ratings separately. The tests run every figure on both databases.
    """
    if db.engine.dialect.name == "postgresql":
        usage = _ledger_cte_one_scan(w_from, w_to, purposes)
        return usage, usage
    return _usage_cte_grouped(w_from, w_to, purposes), _ratings_cte(w_from, w_to)


def _bookings_cte(w_from, w_to):
    return (
        select(
            Booking.instrument_id.label("instrument_id"),
            func.count().label("bookings"),
            func.sum(case((Booking.status == "no_show", 1), else_=0)).label("no_shows"),
        )
        .where(Booking.start >= w_from, Booking.start < w_to, Booking.status.notin_(UNCOUNTED_BOOKING_STATUSES))
        .group_by(Booking.instrument_id)
        .cte("bookings_in_window")
    )


def report_query(window_start: datetime, window_end: datetime, group_by: str, unit_id=None, category=None,
                 min_price=None, cluster_only: bool = False):
    """The one grouped query: a row of sums per group key."""
    usage, ratings = ledger_ctes(window_start, window_end, effective_purposes())
    bookings = _bookings_cte(window_start, window_end)
    defaults = rated_hours_defaults()
    leaf, parent, top = aliased(Category), aliased(Category), aliased(Category)
    annual_rated = func.coalesce(
        Instrument.rated_hours, leaf.rated_hours, parent.rated_hours, top.rated_hours,
        case((Instrument.instrument_type == "special", defaults["special"]), else_=defaults["general"]),
    )
    key = {"instrument": Instrument.id, "unit": Instrument.unit_id, "category": Instrument.category_code}[group_by]

    def total(column):
        return func.coalesce(func.sum(column), 0)

    columns = [
        key.label("key"),
        func.count(Instrument.id).label("instrument_count"),
        total(usage.c.effective_logs).label("effective_logs"),
        total(usage.c.internal_hours).label("internal_hours"),
        total(usage.c.external_hours).label("external_hours"),
        total(usage.c.manual_hours).label("manual_hours"),
        func.count(case((usage.c.external_hours > 0, 1))).label("instruments_with_external"),
        total(annual_rated).label("annual_rated_hours"),
        total(usage.c.income_internal).label("income_internal"),
        total(usage.c.income_external).label("income_external"),
        total(Instrument.price_cny).label("price_sum"),
        total(usage.c.samples).label("samples"),
        total(bookings.c.bookings).label("bookings"),
        total(bookings.c.no_shows).label("no_shows"),
        total(ratings.c.rating_sum).label("rating_sum"),
        total(ratings.c.rating_count).label("rating_count"),
    ]
    if group_by == "instrument":
        columns += [func.min(Instrument.purchase_date).label("purchase_date"),
                    func.min(Instrument.commission_date).label("commission_date"),
                    func.min(Instrument.register_date).label("register_date")]
    query = select(*columns).select_from(Instrument).outerjoin(usage, usage.c.instrument_id == Instrument.id)
    if ratings is not usage:
        query = query.outerjoin(ratings, ratings.c.instrument_id == Instrument.id)
    query = (
        query
        .outerjoin(bookings, bookings.c.instrument_id == Instrument.id)
        .outerjoin(leaf, leaf.code == Instrument.category_code)
        .outerjoin(parent, parent.code == leaf.parent_code)
        .outerjoin(top, top.code == parent.parent_code)
        .where(*scope_conditions(leaf, parent, unit_id, category, min_price, cluster_only))
        .where(or_(Instrument.status != "retired", func.coalesce(usage.c.effective_logs, 0) > 0,
                   func.coalesce(ratings.c.rating_count, 0) > 0, bookings.c.instrument_id.isnot(None)))
        .group_by(key)
        .order_by(key)
    )
    return query


def scope_conditions(leaf, parent, unit_id=None, category=None, min_price=None, cluster_only: bool = False) -> list:
    """The report's scope, the one rule for every query that takes it: original value at least
    the threshold, and optionally one unit, a category subtree, the cluster's member units.
    ``leaf`` and ``parent`` are the joined category aliases of the instrument (see ``in_category``)."""
    conditions = [Instrument.price_cny >= (scope_min_price() if min_price is None else min_price)]
    if unit_id is not None:
        conditions.append(Instrument.unit_id == unit_id)
    if category:
        conditions.append(in_category(category, leaf, parent))
    if cluster_only:
        conditions.append(in_cluster())
    return conditions


def in_cluster():
    """The instrument's unit is a member of the laboratory cluster (a figure shown beside, never
    instead of, the province's: rules.md §1)."""
    return Instrument.unit_id.in_(select(Unit.id).where(Unit.in_cluster == true()))


def in_category(code: str, leaf, parent):
    """The instrument's leaf is ``code`` or lies under it (two levels up), given the joined
    ``leaf`` (the instrument's category) and ``parent`` (the leaf's parent) aliases."""
    return or_(Instrument.category_code == code, leaf.parent_code == code, parent.parent_code == code)


def scope_ids(unit_id=None, category=None, min_price=None, cluster_only: bool = False):
    """Ids of the instruments a report's scope takes (price threshold, unit, category subtree),
    for queries that need the scope without the report's sums."""
    leaf, parent = aliased(Category), aliased(Category)
    return (select(Instrument.id)
            .outerjoin(leaf, leaf.code == Instrument.category_code)
            .outerjoin(parent, parent.code == leaf.parent_code)
            .where(*scope_conditions(leaf, parent, unit_id, category, min_price, cluster_only)))


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if not denominator else round(numerator / denominator, 4)


def _metrics(sums: dict, window_factor: float) -> dict:
    """Row (or totals) fields from raw sums: ratios from sums, rounding last."""
    internal, external = float(sums["internal_hours"]), float(sums["external_hours"])
    effective = internal + external
    rated = float(sums["annual_rated_hours"]) * window_factor
    income_internal, income_external = float(sums["income_internal"]), float(sums["income_external"])
    rating_count = int(sums["rating_count"])
    return {
        "instrument_count": int(sums["instrument_count"]),
        "effective_hours": round(effective, 2),
        "internal_hours": round(internal, 2),
        "external_hours": round(external, 2),
        "sharing_rate": _ratio(external, effective),
        "rated_hours": round(rated, 2),
        "utilization": _ratio(effective, rated),
        "income_internal": round(income_internal, 2),
        "income_external": round(income_external, 2),
        "yield_rate": _ratio(income_internal + EXTERNAL_WEIGHT * income_external, float(sums["price_sum"])),
        "samples": int(sums["samples"]),
        "bookings": int(sums["bookings"]),
        "no_shows": int(sums["no_shows"]),
        "rating_avg": None if not rating_count else round(float(sums["rating_sum"]) / rating_count, 2),
        "rating_count": rating_count,
        "weighted_sharing_rate": _ratio(internal + EXTERNAL_WEIGHT * external, effective),
        "instruments_with_external": int(sums["instruments_with_external"]),
        "count_sharing_rate": _ratio(int(sums["instruments_with_external"]), int(sums["instrument_count"])),
        "manual_hours": round(float(sums["manual_hours"]), 2),
        "manual_share": _ratio(float(sums["manual_hours"]), effective),
    }


def working_days_after(start: date, end: date) -> int:
    """Working days in ``(start, end]``: Chinese calendar where known, else Monday to Friday."""
    if end <= start:
        return 0
    import chinese_calendar

    from bookings.calendar import KNOWN_YEARS

    first = start + timedelta(days=1)
    if all(year in KNOWN_YEARS for year in range(first.year, end.year + 1)):
        return len(chinese_calendar.get_workdays(first, end))
    days = (end - first).days + 1  # years the holiday package does not know: Monday to Friday
    return sum(1 for n in range(days) if (first + timedelta(days=n)).weekday() < 5)


def instrument_flags(row: dict, sums: dict, window_last_day: date) -> list[str]:
    flags = []
    if not int(sums["effective_logs"]):
        flags.append("IDLE")
    if row["utilization"] is not None and row["utilization"] < 0.5:
        flags.append("LOW_USE")
    if row["utilization"] is not None and row["utilization"] < 1:
        flags.append("UNDER_QUOTA")
    if not float(sums["external_hours"]):
        flags.append("NO_EXTERNAL")
    purchased, commissioned, registered = sums["purchase_date"], sums["commission_date"], sums["register_date"]
    if purchased and (commissioned or window_last_day) - purchased > timedelta(days=COMMISSIONING_DAYS):
        flags.append("NOT_COMMISSIONED")
    if (commissioned and registered and (registered - commissioned).days > LATE_REGISTRATION_WORKING_DAYS
            and working_days_after(commissioned, registered) > LATE_REGISTRATION_WORKING_DAYS):
        flags.append("LATE_REGISTRATION")
    return flags


SUM_FIELDS = ("instrument_count", "effective_logs", "internal_hours", "external_hours", "manual_hours",
              "instruments_with_external", "annual_rated_hours", "income_internal", "income_external", "price_sum",
              "samples", "bookings", "no_shows", "rating_sum", "rating_count")
COUNT_SUMS = ("instrument_count", "instruments_with_external", "bookings", "no_shows")


class ReportStream:
    """The report's rows one by one, then its totals.

    Iterate over it for the rows; ``totals`` is complete once the iteration has ended. The rows
    come from one grouped query, so memory depends on the number of groups, not of usage logs.
    """

    def __init__(self, window_start: datetime, window_end: datetime, group_by: str = "instrument", unit_id=None,
                 category=None, min_price=None, cluster_only: bool = False):
        if group_by not in GROUP_BYS:
            raise ValueError(f"group_by must be one of {GROUP_BYS}")
        self.group_by = group_by
        self._window_factor = (window_end - window_start).total_seconds() / YEAR_SECONDS
        self._window_last_day = (window_end.astimezone(platform_tz()) - timedelta(microseconds=1)).date()
        self._query = report_query(window_start, window_end, group_by, unit_id, category, min_price, cluster_only)
        self.totals: dict | None = None

    def __iter__(self):
        # A plain (client-side) cursor: the rows are groups, at most one per instrument, and a
        # server-side cursor would make PostgreSQL plan for the first rows (BENCHMARKS.md).
        result = db.session.execute(self._query)
        names = list(result.keys())
        columns = [names.index(name) for name in SUM_FIELDS]
        kept = []  # each group's raw sums, added up at the end (numbers only: one tuple per group)
        fields = ROW_FIELDS + EXTRA_FIELDS
        by_instrument = self.group_by == "instrument"
        for values in result:
            sums = dict(zip(names, values))
            row = {"key": sums["key"], **_metrics(sums, self._window_factor)}
            row["flags"] = instrument_flags(row, sums, self._window_last_day) if by_instrument else []
            kept.append(tuple(values[i] for i in columns))
            yield {name: row[name] for name in fields}
        grand = {name: (int if name in COUNT_SUMS else float)(sum(column) if kept else 0)
                 for name, column in zip(SUM_FIELDS, zip(*kept) if kept else [() for _ in SUM_FIELDS])}
        totals = _metrics(grand, self._window_factor)
        self.totals = {name: totals[name] for name in TOTAL_FIELDS}


def sharing_report(window_start: datetime, window_end: datetime, group_by: str = "instrument", unit_id=None,
                   category=None, min_price=None, cluster_only: bool = False) -> dict:
    """``{"rows": [...], "totals": {...}}`` for the window ``[window_start, window_end)`` (aware datetimes)."""
    stream = ReportStream(window_start, window_end, group_by, unit_id, category, min_price, cluster_only)
    rows = list(stream)
    return {"rows": rows, "totals": stream.totals}


def report_settings() -> dict:
    """The settings the figures depend on, echoed beside them."""
    return {
        "effective_purposes": list(effective_purposes()),
        "rated_hours_defaults": rated_hours_defaults(),
        "uncounted_booking_statuses": list(UNCOUNTED_BOOKING_STATUSES),
        "flag_rules": {code: str(text) for code, text in FLAG_RULES.items()},
    }
