"""Effective and external hours per calendar month of a report window, computed in the database.

The same definitions as ``reports.metrics`` (one source of truth): non-voided logs whose purpose is
in ``effective_purposes()``, hours clipped in SQL (``hours_between``) — here to each month instead
of the whole window — and the instruments in scope taken from ``report_query`` itself (price
threshold, unit, category with its sub-categories), so a month table always sums to the report's
totals.

One grouped query: the months are a CTE of literal rows ``(n, month_start, month_end)`` in UTC
(calendar months in the platform zone, the first and last cut to the window), joined to the logs
overlapping each month; a log crossing a month boundary counts in both months, each its own part.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Integer, case, false, func, literal, select, union_all

from bookings.models import UsageLog
from instruments.models import Instrument
from reports.metrics import effective_purposes, hours_between, report_query
from sharing.extensions import db
from sharing.timeutil import UTCDateTime, as_platform, platform_midnight


def month_bounds(window_start: datetime, window_end: datetime) -> list[tuple[str, datetime, datetime]]:
    """``(label "YYYY-MM", start, end)`` of each calendar month (platform zone) meeting the window, cut to it."""
    bounds = []
    start = window_start
    while start < window_end:
        local = as_platform(start)
        following = date(local.year + local.month // 12, local.month % 12 + 1, 1)
        end = min(platform_midnight(following), window_end)
        bounds.append((f"{local.year:04d}-{local.month:02d}", start, end))
        start = end
    return bounds


def _scope(window_start: datetime, window_end: datetime, unit_id, category, min_price):
    """The ids of the report's instruments: ``report_query``'s own scope, so the two cannot drift apart."""
    rows = report_query(window_start, window_end, "instrument", unit_id, category, min_price)
    return rows.with_only_columns(Instrument.id).order_by(None)


def monthly_query(window_start: datetime, window_end: datetime, unit_id=None, category=None, min_price=None):
    bounds = month_bounds(window_start, window_end)
    parts = [select(literal(n, Integer()).label("n"), literal(start, UTCDateTime()).label("month_start"),
                    literal(end, UTCDateTime()).label("month_end"))
             for n, (_label, start, end) in enumerate(bounds)]
    months = (union_all(*parts) if len(parts) > 1 else parts[0]).cte("months")
    clip_start = case((UsageLog.start < months.c.month_start, months.c.month_start), else_=UsageLog.start)
    clip_end = case((UsageLog.end > months.c.month_end, months.c.month_end), else_=UsageLog.end)
    hours = hours_between(clip_end, clip_start)
    external = UsageLog.is_external == True  # noqa: E712
    at_from, at_to = literal(window_start, UTCDateTime()), literal(window_end, UTCDateTime())
    return (
        select(months.c.n,
               func.sum(case((~external, hours), else_=0)).label("internal_hours"),
               func.sum(case((external, hours), else_=0)).label("external_hours"))
        .select_from(months)
        .join(UsageLog, (UsageLog.start < months.c.month_end) & (UsageLog.end > months.c.month_start))
        .where(UsageLog.voided == false(), UsageLog.purpose.in_(effective_purposes()),
               UsageLog.start < at_to, UsageLog.end > at_from,  # the window, for the ledger's indexes
               UsageLog.instrument_id.in_(_scope(window_start, window_end, unit_id, category, min_price)))
        .group_by(months.c.n)
    )


def monthly_hours(window_start: datetime, window_end: datetime, unit_id=None, category=None,
                  min_price=None) -> list[dict]:
    """Every month of ``[window_start, window_end)`` (aware datetimes), months without use included:
    ``{"month": "2025-03", "effective_hours", "internal_hours", "external_hours"}``, hours rounded last."""
    bounds = month_bounds(window_start, window_end)
    if not bounds:
        return []
    sums = {n: (float(internal or 0), float(external or 0)) for n, internal, external in
            db.session.execute(monthly_query(window_start, window_end, unit_id, category, min_price))}
    out = []
    for n, (label, _start, _end) in enumerate(bounds):
        internal, external = sums.get(n, (0.0, 0.0))
        out.append({"month": label, "effective_hours": round(internal + external, 2),
                    "internal_hours": round(internal, 2), "external_hours": round(external, 2)})
    return out
