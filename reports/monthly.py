"""Effective and external hours per calendar month of a report window, computed in the database.

The same definitions as ``reports.metrics`` (one source of truth): non-voided logs whose purpose is
in ``effective_purposes()``, hours clipped in SQL (``clipped_hours``) — here to each month instead
of the whole window — and the instruments of the report's scope (``scope_ids``: price threshold,
unit, category with its sub-categories), so a month table always sums to the report's totals.

One aggregate query over one scan of the window's logs: per calendar month (platform zone, the
first and last cut to the window) two sums FILTERed to the logs overlapping that month, each log's
hours clipped to the month; a log crossing a month boundary counts in both months, each its part.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, false, func, literal, select

from bookings.models import UsageLog
from reports.metrics import clipped_hours, effective_purposes, scope_ids
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


def monthly_query(window_start: datetime, window_end: datetime, unit_id=None, category=None, min_price=None,
                  cluster_only: bool = False):
    """One scan of the window's logs; per month an internal and an external sum, each FILTERed to
    the logs overlapping that month and clipped to it (no join: a year is 24 sums over one scan)."""
    at_from, at_to = literal(window_start, UTCDateTime()), literal(window_end, UTCDateTime())
    external = UsageLog.is_external == True  # noqa: E712
    columns = []
    for n, (_label, start, end) in enumerate(month_bounds(window_start, window_end)):
        m_start, m_end = literal(start, UTCDateTime()), literal(end, UTCDateTime())
        hours = clipped_hours(UsageLog.start, UsageLog.end, m_start, m_end)
        in_month = and_(UsageLog.start < m_end, UsageLog.end > m_start)
        columns += [func.sum(hours).filter(and_(in_month, ~external)).label(f"internal_{n}"),
                    func.sum(hours).filter(and_(in_month, external)).label(f"external_{n}")]
    return (
        select(*columns)
        .where(UsageLog.voided == false(), UsageLog.purpose.in_(effective_purposes()),
               UsageLog.start < at_to, UsageLog.end > at_from,
               UsageLog.instrument_id.in_(scope_ids(unit_id, category, min_price, cluster_only)))
    )


def monthly_hours(window_start: datetime, window_end: datetime, unit_id=None, category=None,
                  min_price=None, cluster_only: bool = False) -> list[dict]:
    """Every month of ``[window_start, window_end)`` (aware datetimes), months without use included:
    ``{"month": "2025-03", "effective_hours", "internal_hours", "external_hours"}``, hours rounded last."""
    bounds = month_bounds(window_start, window_end)
    if not bounds:
        return []
    values = db.session.execute(monthly_query(window_start, window_end, unit_id, category, min_price,
                                              cluster_only)).one()
    sums = {n: (float(values[2 * n] or 0), float(values[2 * n + 1] or 0)) for n in range(len(bounds))}
    out = []
    for n, (label, _start, _end) in enumerate(bounds):
        internal, external = sums.get(n, (0.0, 0.0))
        out.append({"month": label, "effective_hours": round(internal + external, 2),
                    "internal_hours": round(internal, 2), "external_hours": round(external, 2)})
    return out
