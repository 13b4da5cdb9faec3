"""Messages that reach people in English from libraries, listed here so they get translated.

Marshmallow (and webargs) produce fixed English validation messages. The API passes every
field message through ``gettext`` when it builds the error envelope
(``sharing.errors._translate_messages``), so a message is shown in Chinese exactly when its
English text is a msgid of our catalogue. Nothing in our own code calls ``_()`` on these
strings, so ``pybabel extract`` would never see them; this module lists them, wrapped in the
no-op marker ``N_`` (extracted with ``-k N_``, see babel.cfg), so that they land in
``sharing/translations/messages.pot`` and the translators translate them.

Only *complete* messages can be listed here. Messages that marshmallow formats before we see
them (``"Must be one of: {choices}."``, length and range bounds) are translated by pattern in
``sharing.errors.FORMATTED_MESSAGES``.

WTForms' built-in validator messages ("This field is required.", "Invalid email address.",
...) need nothing here: Flask-WTF (``WTF_I18N_ENABLED``, on by default) looks them up in the
translations WTForms ships (``wtforms/locale/zh``), for the locale Flask-Babel selected.

"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (the classic gettext no-op)."""
    return message


# marshmallow: Schema
SCHEMA_MESSAGES = [
    N_("Invalid input type."),
    N_("Unknown field."),
]

# marshmallow: Field and its subclasses (default_error_messages without placeholders)
FIELD_MESSAGES = [
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid type."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid period of time."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Not a valid IP address."),
    N_("Not a valid IPv4 address."),
    N_("Not a valid IPv6 address."),
    N_("Not a valid IP interface."),
    N_("Not a valid IPv4 interface."),
    N_("Not a valid IPv6 interface."),
    # "Not a valid {obj_type}." / "Not a valid {awareness} {obj_type}." of the date-time
    # fields, formatted for each field type (sharing.api_common.PlatformDateTime uses the first).
    N_("Not a valid datetime."),
    N_("Not a valid time."),
    N_("Not a valid aware datetime."),
    N_("Not a valid naive datetime."),
]

# marshmallow: validators (default messages without placeholders)
VALIDATOR_MESSAGES = [
    N_("Invalid input."),
    N_("String does not match expected pattern."),
]

# Our own messages given to marshmallow validators as plain strings (error=...)
APP_VALIDATION_MESSAGES = [
    N_("Must not be blank."),
    N_("Use HH:MM."),
    N_("The end must be after the start."),
    N_("The window may be at most 31 days."),
    N_("Not a valid phone number."),
    N_("Use the 6-digit classification code."),
    N_("Use a 2-, 4- or 6-digit code."),
    N_("The longest booking cannot be shorter than the shortest."),
    N_("The slot cannot be longer than the longest booking."),
    N_("The commission date cannot be before the purchase date."),
    N_("Not a valid unified social credit code."),
]

# webargs
WEBARGS_MESSAGES = [
    N_("Invalid JSON body."),
]
