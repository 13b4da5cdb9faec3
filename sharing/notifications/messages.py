"""The text of each kind of notification, in every language of the platform.

Parameters are filled in when the message is shown or mailed, in the recipient's language.
"""
from __future__ import annotations

from flask_babel import force_locale, gettext

from sharing.i18n_messages import N_

# kind -> (subject, body); placeholders come from the notification's params.
MESSAGES = {
    "booking_confirmed": (
        N_("Booking confirmed: %(instrument)s"),
        N_("Your booking of %(instrument)s from %(start)s to %(end)s is confirmed."),
    ),
    "booking_pending": (
        N_("Booking request received: %(instrument)s"),
        N_("Your request for %(instrument)s from %(start)s to %(end)s awaits the manager's approval."),
    ),
    "booking_requested": (
        N_("New booking request to approve: %(instrument)s"),
        N_("%(user)s asks for %(instrument)s from %(start)s to %(end)s. Please approve or reject it."),
    ),
    "booking_rejected": (
        N_("Booking request rejected: %(instrument)s"),
        N_("Your request for %(instrument)s from %(start)s to %(end)s was rejected. Reason: %(reason)s"),
    ),
    "booking_cancelled": (
        N_("Booking cancelled: %(instrument)s"),
        N_("Your booking of %(instrument)s from %(start)s to %(end)s was cancelled. Reason: %(reason)s"),
    ),
    "booking_withdrawn": (
        N_("Booking withdrawn: %(instrument)s"),
        N_("%(user)s cancelled the booking of %(instrument)s from %(start)s to %(end)s."),
    ),
    "booking_expired": (
        N_("Booking request expired: %(instrument)s"),
        N_("Your request for %(instrument)s from %(start)s to %(end)s was not approved before it began "
           "and has expired."),
    ),
    "booking_reminder": (
        N_("Reminder: %(instrument)s at %(start)s"),
        N_("Your booking of %(instrument)s begins at %(start)s and ends at %(end)s."),
    ),
    "booking_no_show": (
        N_("Missed booking: %(instrument)s"),
        N_("You did not check in for your booking of %(instrument)s from %(start)s to %(end)s. "
           "It is recorded as a no-show."),
    ),
    "user_suspended": (
        N_("Booking suspended until %(until)s"),
        N_("After %(count)s no-shows within %(days)s days you may not book instruments until %(until)s."),
    ),
    "qualification_expiring": (
        N_("Qualification expiring: %(instrument)s"),
        N_("Your qualification to operate %(instrument)s expires at %(expires)s. "
           "Ask the instrument's manager to renew it."),
    ),
}


def render(kind: str, params: dict, locale: str | None = None) -> tuple[str, str]:
    """(subject, body) of a notification; in ``locale`` when given, else the current language."""
    subject, body = MESSAGES[kind]
    if locale is None:
        return gettext(subject, **params), gettext(body, **params)
    with force_locale(locale):
        return gettext(subject, **params), gettext(body, **params)
