"""Words shown to people for the booking package's codes."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "pending": _l("pending approval"),
    "confirmed": _l("confirmed"),
    "rejected": _l("rejected"),
    "cancelled": _l("cancelled"),
    "completed": _l("completed"),
    "no_show": _l("no-show"),
}
MODE_LABELS = {"self": _l("self-operated"), "sample": _l("sample submission")}
LEVEL_LABELS = {"guided": _l("guided"), "independent": _l("independent")}
