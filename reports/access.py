"""Who sees which report rows: evaluators and admins every unit, managers and unit admins their own."""
from __future__ import annotations

from flask_babel import gettext as _

from sharing.errors import forbidden
from sharing.roles import Role, sees_all_units

REPORT_ROLES = ("evaluator", "admin", "unit_admin", "manager")


def scoped_unit(user, unit_id):
    """The unit a report is restricted to (None: all); another unit than one's own → 403."""
    if sees_all_units(user):
        return unit_id
    if user.has_role(Role.MANAGER) or user.has_role(Role.UNIT_ADMIN):
        if unit_id is not None and unit_id != user.unit_id:
            raise forbidden(_("You may only see reports of your own unit."))
        return user.unit_id
    raise forbidden()
