"""Labels of the report's columns and flags for the pages, in the user's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

COLUMN_LABELS = {
    "instrument_count": _l("Number of instruments"),
    "effective_hours": _l("Effective hours"),
    "internal_hours": _l("Internal hours"),
    "external_hours": _l("External hours"),
    "sharing_rate": _l("Sharing rate"),
    "weighted_sharing_rate": _l("Weighted sharing rate"),
    "count_sharing_rate": _l("Instruments serving outside users"),
    "rated_hours": _l("Rated hours"),
    "utilization": _l("Utilization"),
    "income_internal": _l("Internal income (yuan)"),
    "income_external": _l("External income (yuan)"),
    "yield_rate": _l("Yield rate"),
    "samples": _l("Samples"),
    "bookings": _l("Bookings"),
    "no_shows": _l("No-shows"),
    "rating_avg": _l("Average rating"),
    "rating_count": _l("Ratings"),
    "manual_hours": _l("Manually entered hours"),
    "manual_share": _l("Manual share"),
}
COLUMN_HELP = {
    "sharing_rate": _l("External hours ÷ effective hours (the national definition)."),
    "weighted_sharing_rate": _l("(Internal hours + 1.5 × external hours) ÷ effective hours (a university rubric)."),
    "count_sharing_rate": _l("Instruments with external hours ÷ instruments in scope."),
    "utilization": _l("Effective hours ÷ rated hours of the period."),
    "yield_rate": _l("(Internal income + 1.5 × external income) ÷ original value."),
    "manual_share": _l("Share of the effective hours entered by hand rather than by check-in or terminal."),
}
FLAG_LABELS = {
    "IDLE": _l("Idle"),
    "LOW_USE": _l("Low use"),
    "UNDER_QUOTA": _l("Under quota"),
    "NO_EXTERNAL": _l("No external use"),
    "NOT_COMMISSIONED": _l("Commissioned late"),
    "LATE_REGISTRATION": _l("Registered late"),
}
FLAG_STYLES = {"IDLE": "text-bg-danger", "LOW_USE": "text-bg-warning", "UNDER_QUOTA": "text-bg-light border",
               "NO_EXTERNAL": "text-bg-secondary", "NOT_COMMISSIONED": "text-bg-info",
               "LATE_REGISTRATION": "text-bg-info"}
# Columns of the page's table, in order; the rest are in the downloads.
TABLE_COLUMNS = ("instrument_count", "effective_hours", "external_hours", "sharing_rate", "weighted_sharing_rate",
                 "rated_hours", "utilization", "income_internal", "income_external", "yield_rate", "samples",
                 "no_shows", "rating_avg", "manual_share")
RATIO_COLUMNS = ("sharing_rate", "weighted_sharing_rate", "count_sharing_rate", "utilization", "yield_rate",
                 "manual_share")
# The dashboard's distribution of instruments by utilization (effective ÷ rated hours of the period).
UTILIZATION_BANDS = ("0", "0–25%", "25–50%", "50–100%", "≥100%")
LOW_USE_FLAGS = ("IDLE", "LOW_USE")


def utilization_band(row: dict) -> str | None:
    """The band of an instrument row: "0" without effective hours; None when it has no rated hours."""
    if not row["effective_hours"]:
        return "0"
    utilization = row["utilization"]
    if utilization is None:
        return None
    for limit, band in ((0.25, "0–25%"), (0.5, "25–50%"), (1.0, "50–100%")):
        if utilization < limit:
            return band
    return "≥100%"
