"""The week calendar of one instrument as a grid: rows of time, a column per day (pure functions).

Nothing here reads the database or the request: the page gathers the opening hours, the free
and busy time (``bookings.availability``) and the viewer's own bookings, and ``build_week``
turns them into cells. Each cell is a stretch of ``row_minutes`` on one day, in one state:

``mine``      the viewer's own pending or confirmed booking (links to it)
``busy``      someone else's booking (who booked is never shown)
``downtime``  maintenance or repair
``closed``    outside the opening hours, or a closed public holiday
``past``      already begun
``free``      bookable now: a link to the booking form for this start
``unavailable``  open but not bookable: the buffer after a booking, too soon, beyond the horizon,
              or the instrument is not open to the viewer
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo

import chinese_calendar

from bookings.calendar import day_kind
from bookings.rules import minutes_of

Interval = tuple[datetime, datetime]
DAY_MINUTES = 24 * 60
MIN_ROW_MINUTES = 15  # finer booking grids are shown in rows of about half an hour
FINE_GRID_ROW_MINUTES = 30
FIRST_YEAR, LAST_YEAR = 2000, 2100  # weeks one may ask for; others show the current week


@dataclass
class Cell:
    state: str
    start: datetime  # UTC
    end: datetime
    booking_id: int | None = None
    booking_status: str | None = None
    first: bool = True  # the first cell of a run of equal cells: the label goes there


@dataclass
class Day:
    day: date
    kind: str  # 'holiday', 'makeup' or 'normal' (bookings.calendar.day_kind)
    holiday: str | None  # the festival's name, also for the make-up day worked in its exchange
    is_today: bool
    is_open: bool  # any opening time on this day


@dataclass
class Row:
    minute: int  # minutes after midnight
    cells: list[Cell] = field(default_factory=list)

    @property
    def label(self) -> str:
        return hhmm(self.minute)


@dataclass
class Week:
    monday: date
    days: list[Day]
    rows: list[Row]
    row_minutes: int

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_week(text: str | None, today: date) -> date:
    """The Monday of the week holding ``text`` (YYYY-MM-DD); today's week if blank or unreadable."""
    try:
        chosen = date.fromisoformat(text) if text else today
    except ValueError:
        chosen = today
    if not FIRST_YEAR <= chosen.year <= LAST_YEAR:
        chosen = today
    return monday_of(chosen)


def row_minutes(slot_minutes: int) -> int:
    """Rows follow the booking grid; a grid finer than 15 minutes is grouped into rows of ~30."""
    if slot_minutes >= MIN_ROW_MINUTES:
        return slot_minutes
    return slot_minutes * math.ceil(FINE_GRID_ROW_MINUTES / slot_minutes)


def default_length(rules: dict) -> int:
    """Minutes a booking started from the calendar lasts at first: one slot, or the shortest allowed."""
    slot = rules["slot_minutes"]
    return max(slot, math.ceil(rules["min_minutes"] / slot) * slot)


def holiday_name(day: date, chinese: bool) -> str | None:
    """国庆节 / National Day for a public holiday or the make-up working day that pays for it."""
    if day_kind(day) == "normal":
        return None
    _is_holiday, name = chinese_calendar.get_holiday_detail(day)
    if name is None:
        return None
    try:
        holiday = chinese_calendar.Holiday(name)
    except ValueError:
        return name
    return holiday.chinese if chinese else holiday.value


def _local(moment: datetime, tz: tzinfo) -> tuple[date, int]:
    local = moment.astimezone(tz)
    return local.date(), local.hour * 60 + local.minute


def shown_minutes(open_hours: list[dict], step: int, extra: list[Interval], tz: tzinfo) -> tuple[int, int]:
    """The span of the day the rows cover: the opening hours (all day if always open), widened
    to show ``extra`` intervals (bookings, downtimes) that lie outside them; on the row grid."""
    if not open_hours:
        return 0, DAY_MINUTES
    first = min(minutes_of(p["start"]) for p in open_hours)
    last = max(minutes_of(p["end"]) for p in open_hours)
    for start, end in extra:
        (start_day, start_minute), (end_day, end_minute) = _local(start, tz), _local(end, tz)
        if end_day == start_day + timedelta(days=1) and end_minute == 0:
            end_day, end_minute = start_day, DAY_MINUTES
        if end_day != start_day:
            return 0, DAY_MINUTES
        first, last = min(first, start_minute), max(last, end_minute)
    return first // step * step, min(DAY_MINUTES, math.ceil(last / step) * step)


def _overlapping(start: datetime, end: datetime, intervals):
    return next((item for item in intervals if item[0] < end and start < item[1]), None)


def _inside(start: datetime, end: datetime, intervals: list[Interval]) -> bool:
    return any(a <= start and end <= b for a, b in intervals)


@dataclass(frozen=True)
class Inputs:
    """What a week grid is made of; every datetime aware (UTC or not)."""

    opened: list[Interval]  # opening hours (bookings.calendar.open_intervals)
    free: list[Interval]  # bookings.availability's "free"
    busy: list[tuple[datetime, datetime, str]]  # (start, end, "booking" | "downtime")
    mine: list[tuple[datetime, datetime, int, str]]  # the viewer's own: (start, end, id, status)
    now: datetime
    earliest: datetime  # now plus the notice (lead time)
    latest: datetime  # now plus the horizon
    bookable: bool  # the instrument is in service and open to the viewer's unit


def cell_state(start: datetime, end: datetime, given: Inputs) -> Cell:
    own = _overlapping(start, end, given.mine)
    if own is not None:
        return Cell("mine", start, end, booking_id=own[2], booking_status=own[3])
    taken = [item for item in given.busy if item[0] < end and start < item[1]]
    if any(kind == "downtime" for _s, _e, kind in taken):
        return Cell("downtime", start, end)
    if taken:
        return Cell("busy", start, end)
    if _overlapping(start, end, given.opened) is None:
        return Cell("closed", start, end)
    if start < given.now:
        return Cell("past", start, end)
    if (given.bookable and given.earliest <= start and end <= given.latest
            and _inside(start, end, given.free)):
        return Cell("free", start, end)
    return Cell("unavailable", start, end)


def build_week(monday: date, tz: tzinfo, rules: dict, given: Inputs, chinese: bool) -> Week:
    """The grid of the week starting ``monday`` (platform days, ``tz``), rows of ``row_minutes``."""
    step = row_minutes(rules["slot_minutes"])
    extra = [(s, e) for s, e, _kind in given.busy] + [(s, e) for s, e, _id, _status in given.mine]
    first, last = shown_minutes(rules.get("open_hours") or [], step, extra, tz)
    today = given.now.astimezone(tz).date()
    days, midnights = [], []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        midnight = datetime.combine(day, time(0), tzinfo=tz)
        midnights.append(midnight)
        day_end = (midnight + timedelta(days=1)).astimezone(timezone.utc)
        days.append(Day(day=day, kind=day_kind(day), holiday=holiday_name(day, chinese), is_today=day == today,
                        is_open=_overlapping(midnight.astimezone(timezone.utc), day_end, given.opened) is not None))
    rows = []
    for minute in range(first, last, step):
        row = Row(minute)
        for midnight in midnights:
            start = (midnight + timedelta(minutes=minute)).astimezone(timezone.utc)
            end = (midnight + timedelta(minutes=min(minute + step, DAY_MINUTES))).astimezone(timezone.utc)
            row.cells.append(cell_state(start, end, given))
        rows.append(row)
    _mark_runs(rows)
    return Week(monday=monday, days=days, rows=rows, row_minutes=step)


def _mark_runs(rows: list[Row]) -> None:
    """A cell continuing the one above (same state, same booking) is not the first of its run."""
    for above, row in zip(rows, rows[1:]):
        for upper, cell in zip(above.cells, row.cells):
            cell.first = not (cell.state == upper.state and cell.booking_id == upper.booking_id
                              and cell.state not in ("free", "past"))
