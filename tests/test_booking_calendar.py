"""Opening hours with Chinese public holidays and make-up working days (pure functions)."""
from datetime import datetime, timedelta, timezone

import pytest

from bookings.calendar import day_kind, is_open_throughout, merge, open_intervals, subtract
from bookings.rules import DEFAULT_RULES

CST = timezone(timedelta(hours=8))


def local(*args):
    return datetime(*args, tzinfo=CST).astimezone(timezone.utc)


@pytest.mark.parametrize("day,kind", [
    ((2026, 10, 1), "holiday"),    # National Day
    ((2026, 9, 25), "holiday"),    # Mid-Autumn Festival, a Friday
    ((2026, 9, 20), "makeup"),     # a Sunday worked in exchange for the National Day break
    ((2026, 10, 10), "makeup"),    # a Saturday worked
    ((2026, 9, 19), "normal"),     # an ordinary Saturday
    ((2026, 9, 22), "normal"),     # an ordinary Tuesday
    ((2199, 10, 1), "normal"),     # a year the holiday package does not know yet
])
def test_day_kinds(day, kind):
    from datetime import date

    assert day_kind(date(*day)) == kind


def test_default_hours_skip_weekends_and_holidays(ctx):
    opened = open_intervals(DEFAULT_RULES, local(2026, 9, 24, 0), local(2026, 9, 29, 0))
    assert opened == [
        (local(2026, 9, 24, 8), local(2026, 9, 24, 18)),   # Thursday
        (local(2026, 9, 28, 8), local(2026, 9, 28, 18)),   # Monday; Friday 25th is Mid-Autumn
    ]


def test_makeup_working_day_opens_with_weekday_hours(ctx):
    rules = {**DEFAULT_RULES, "open_hours": [{"weekday": 0, "start": "09:00", "end": "12:00"},
                                            {"weekday": 3, "start": "13:00", "end": "17:00"}]}
    assert open_intervals(rules, local(2026, 9, 20, 0), local(2026, 9, 21, 0)) == [
        (local(2026, 9, 20, 9), local(2026, 9, 20, 12))]
    not_closed = {**rules, "closed_on_holidays": False}
    assert open_intervals(not_closed, local(2026, 9, 20, 0), local(2026, 9, 21, 0)) == []


def test_holidays_open_when_the_rules_say_so(ctx):
    rules = {**DEFAULT_RULES, "closed_on_holidays": False}
    assert open_intervals(rules, local(2026, 10, 1, 0), local(2026, 10, 2, 0)) == [
        (local(2026, 10, 1, 8), local(2026, 10, 1, 18))]


def test_always_open_and_overnight_hours(ctx):
    always = {**DEFAULT_RULES, "open_hours": []}
    assert open_intervals(always, local(2026, 10, 1, 0), local(2026, 10, 3, 0)) == [
        (local(2026, 10, 1, 0), local(2026, 10, 3, 0))]
    night = {**DEFAULT_RULES, "open_hours": [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)],
             "closed_on_holidays": False}
    assert is_open_throughout(night, local(2026, 9, 19, 22), local(2026, 9, 20, 2))


def test_open_throughout(ctx):
    assert is_open_throughout(DEFAULT_RULES, local(2026, 9, 24, 9), local(2026, 9, 24, 11))
    assert not is_open_throughout(DEFAULT_RULES, local(2026, 9, 24, 17), local(2026, 9, 24, 19))
    assert not is_open_throughout(DEFAULT_RULES, local(2026, 10, 1, 9), local(2026, 10, 1, 10))


def test_interval_helpers():
    a, b, c, d = (datetime(2026, 1, 1, h, tzinfo=timezone.utc) for h in (1, 2, 3, 4))
    assert merge([(c, d), (a, b), (b, c)]) == [(a, d)]
    assert subtract([(a, d)], [(b, c)]) == [(a, b), (c, d)]
    assert subtract([(a, b)], [(a, d)]) == []
