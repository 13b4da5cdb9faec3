"""When an instrument is open: weekly hours, Chinese public holidays and make-up working days (调休).

All functions take and return aware datetimes; days are calendar days of the platform zone.
A public holiday (named by the ``chinese_calendar`` package, e.g. National Day) is closed when
the rules say ``closed_on_holidays``; an official make-up working day that falls on a weekend
opens with the hours of a normal working day (the first of Monday–Friday that has hours).
Ordinary weekends follow the weekly hours. Years the package does not know yet are treated as
having no holidays (and logged once).
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

import chinese_calendar

from bookings.rules import minutes_of
from sharing.timeutil import platform_tz

log = logging.getLogger(__name__)
Interval = tuple[datetime, datetime]


# The years the installed package has the official holiday schedule for.
KNOWN_YEARS = {d.year for d in chinese_calendar.holidays}


@lru_cache(maxsize=4096)
def day_kind(day: date) -> str:
    """'holiday' (a named public holiday), 'makeup' (a weekend working day) or 'normal'."""
    if day.year not in KNOWN_YEARS:
        log.warning("no public-holiday data for %s; treating it as an ordinary day", day.year)
        return "normal"
    is_holiday, name = chinese_calendar.get_holiday_detail(day)
    if is_holiday and name is not None:
        return "holiday"
    if not is_holiday and day.weekday() >= 5:
        return "makeup"
    return "normal"


def _hours_of_day(rules: dict, day: date) -> list[tuple[int, int]]:
    """Opening hours of ``day`` as (start minute, end minute) pairs."""
    entries = rules.get("open_hours") or []
    if not entries:
        return [(0, 24 * 60)]  # an empty list means always open
    kind = day_kind(day) if rules.get("closed_on_holidays", True) else "normal"
    if kind == "holiday":
        return []
    weekday = day.weekday()
    if kind == "makeup":
        workdays = sorted({e["weekday"] for e in entries if e["weekday"] < 5})
        weekday = workdays[0] if workdays else weekday
    return sorted((minutes_of(e["start"]), minutes_of(e["end"])) for e in entries if e["weekday"] == weekday)


def merge(intervals: list[Interval]) -> list[Interval]:
    """Sorted, with touching or overlapping intervals joined."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    """``intervals`` minus ``holes``; both lists of [start, end)."""
    result = []
    holes = merge(holes)
    for start, end in intervals:
        cursor = start
        for h_start, h_end in holes:
            if h_end <= cursor or h_start >= end:
                continue
            if h_start > cursor:
                result.append((cursor, h_start))
            cursor = max(cursor, h_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def clip(intervals: list[Interval], start: datetime, end: datetime) -> list[Interval]:
    return [(max(s, start), min(e, end)) for s, e in intervals if s < end and e > start]


def open_intervals(rules: dict, start: datetime, end: datetime) -> list[Interval]:
    """The open time within [start, end), as merged UTC intervals."""
    tz = platform_tz()
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    pieces = []
    day = first
    while day <= last:
        midnight = datetime.combine(day, time(0), tzinfo=tz)
        for a, b in _hours_of_day(rules, day):
            # Local wall-clock times; Asia/Shanghai has no DST, but stay correct where zones do.
            local_a = midnight + timedelta(minutes=a)
            local_b = midnight + timedelta(minutes=b)
            pieces.append((local_a.astimezone(timezone.utc), local_b.astimezone(timezone.utc)))
        day += timedelta(days=1)
    return clip(merge(pieces), start, end)


def is_open_throughout(rules: dict, start: datetime, end: datetime) -> bool:
    """Is every moment of [start, end) within opening hours?"""
    return open_intervals(rules, start, end) == [(start, end)]
