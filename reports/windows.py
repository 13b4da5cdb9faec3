"""Report windows: calendar year (national), academic year 1 Sep – 31 Aug (MOE), or any dates."""
from __future__ import annotations

from datetime import date

WINDOW_KINDS = ("calendar", "academic", "custom")


def year_window(kind: str, year: int) -> tuple[date, date]:
    """``[from, to)`` of a calendar year, or of the academic year that begins on 1 September ``year``."""
    if kind == "academic":
        return date(year, 9, 1), date(year + 1, 9, 1)
    return date(year, 1, 1), date(year + 1, 1, 1)
