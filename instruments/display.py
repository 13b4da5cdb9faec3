"""Catalogue values in plain words for the pages: money, durations, opening hours, booking rules."""
from __future__ import annotations

from decimal import Decimal

from babel.dates import get_day_names
from babel.lists import format_list
from flask_babel import format_decimal, get_locale, gettext as _, ngettext

from bookings.rules import DEFAULT_RULES
from instruments import categories
from instruments.models import Category

# Annual quota hours by instrument type when neither the instrument nor its category sets one
# (domain/rules.md §3: MOE 1,400 h for general, 800 h for special instruments).
DEFAULT_RATED_HOURS = {"general": 1400, "special": 800}


def yuan(value) -> str:
    """¥1,234,567.00"""
    if value is None:
        return "—"
    return "¥" + format_decimal(Decimal(value), format="#,##0.00")


def wan_yuan(value) -> str:
    """The same amount in 万元 (ten thousand yuan), as the national records give prices."""
    if value is None:
        return "—"
    return _("%(amount)s ten thousand yuan", amount=format_decimal(Decimal(value) / 10000, format="#,##0.00"))


def duration(minutes: int) -> str:
    """30 minutes, 2 hours, 1 day, 1 hour 30 minutes."""
    if minutes and minutes % 1440 == 0:
        return ngettext("%(num)d day", "%(num)d days", minutes // 1440)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)s %(minutes)s", hours=ngettext("%(num)d hour", "%(num)d hours", hours),
                 minutes=ngettext("%(num)d minute", "%(num)d minutes", rest))
    if hours:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    return ngettext("%(num)d minute", "%(num)d minutes", rest)


def day_names(width: str = "abbreviated") -> list[str]:
    """周一 … 周日 / Mon … Sun (``width="wide"``: 星期一 / Monday); Monday = 0, as in the API."""
    names = get_day_names(width, locale=get_locale())
    return [names[d] for d in range(7)]


def _day_span(days: list[int], names: list[str]) -> str:
    """Consecutive weekdays as a range (Mon–Fri), others listed (Mon, Wed)."""
    runs: list[list[int]] = []
    for d in days:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(_("%(first)s–%(last)s", first=names[run[0]], last=names[run[-1]]))
        else:
            parts.extend(names[d] for d in run)
    return format_list(parts, locale=get_locale())


def opening_hours(open_hours: list[dict]) -> list[str]:
    """Lines like "Mon–Fri 08:00–18:00"; weekdays with the same hours are grouped."""
    if not open_hours:
        return [_("Open at all times")]
    names = day_names()
    by_day: dict[int, tuple] = {}
    for d in range(7):
        periods = sorted((p["start"], p["end"]) for p in open_hours if p["weekday"] == d)
        by_day[d] = tuple(periods)
    groups: dict[tuple, list[int]] = {}
    for d in range(7):
        groups.setdefault(by_day[d], []).append(d)
    lines = []
    for periods, days in sorted(groups.items(), key=lambda item: item[1][0]):
        span = _day_span(days, names)
        if periods:
            times = format_list([f"{start}–{end}" for start, end in periods], locale=get_locale())
            lines.append(_("%(days)s %(times)s", days=span, times=times))
        else:
            lines.append(_("%(days)s closed", days=span))
    return lines


def _list_separator() -> str:
    return "；" if get_locale().language == "zh" else "; "


def booking_rules(rules: dict | None) -> list[tuple[str, str]]:
    """(title, plain words) for every booking rule, defaults filled in."""
    r = {**DEFAULT_RULES, **(rules or {})}
    items = [
        (_("Confirmation"), _("Needs the manager's approval") if r["approval"] == "manager"
         else _("Confirmed automatically")),
        (_("Opening hours"), _list_separator().join(opening_hours(r["open_hours"]))),
        (_("Public holidays"), _("Closed on public holidays") if r["closed_on_holidays"]
         else _("Open on public holidays as on other days")),
        (_("Time grid"), _("Bookings start and end on a grid of %(step)s", step=duration(r["slot_minutes"]))),
        (_("Length of a booking"), _("From %(min)s to %(max)s", min=duration(r["min_minutes"]),
                                     max=duration(r["max_minutes"]))),
        (_("Notice"), _("At least %(lead)s before the start", lead=duration(r["lead_minutes"]))
         if r["lead_minutes"] else _("Bookable until the start")),
        (_("How far ahead"), ngettext("Up to %(num)d day ahead", "Up to %(num)d days ahead", r["horizon_days"])),
        (_("Cancellation"), _("Until %(deadline)s before the start", deadline=duration(r["cancel_deadline_minutes"]))
         if r["cancel_deadline_minutes"] else _("Until the start")),
        (_("Qualification"), _("Self-operated use requires a valid qualification; samples may be sent without one")
         if r["requires_qualification"] else _("No qualification needed")),
        (_("Buffer"), _("%(buffer)s kept free after each booking", buffer=duration(r["buffer_minutes"]))
         if r["buffer_minutes"] else _("None")),
        (_("Limit per user"), ngettext("At most %(num)d future booking per user",
                                       "At most %(num)d future bookings per user", r["max_active_per_user"])
         if r["max_active_per_user"] else _("No limit")),
    ]
    return items


def category_path(code: str) -> str:
    """分析仪器 / 电子光学仪器 / 透射电镜"""
    from sharing.extensions import db

    names = []
    node = db.session.get(Category, code)
    while node is not None:
        names.append(node.name)
        node = db.session.get(Category, node.parent_code) if node.parent_code else None
    return " / ".join(reversed(names))


def rated_hours(instrument) -> tuple[int, str]:
    """The annual quota hours in force and where they come from."""
    if instrument.rated_hours:
        return instrument.rated_hours, _("set for this instrument")
    inherited = categories.inherited_rated_hours(instrument.category_code)
    if inherited:
        return inherited, _("from the category")
    return DEFAULT_RATED_HOURS.get(instrument.instrument_type, 1400), _("default for the instrument type")
