"""Roles and the policy functions every page and API endpoint use to decide who may do what.

Scope rules (API.md, "Roles and scoping"):
- admin: everything, all units;  evaluator: read everything, no management of units or users;
- unit_admin: users and instruments of their own unit;  manager: instruments of their own unit;
- researcher: their own records.
"""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import or_


class Role(StrEnum):
    RESEARCHER = "researcher"
    MANAGER = "manager"
    UNIT_ADMIN = "unit_admin"
    EVALUATOR = "evaluator"
    ADMIN = "admin"


ALL_ROLES = [r.value for r in Role]
# Roles a unit admin may hand out inside their own unit.
UNIT_ADMIN_GRANTABLE = {Role.RESEARCHER, Role.MANAGER, Role.UNIT_ADMIN}


def is_admin(user) -> bool:
    return user.has_role(Role.ADMIN)


def sees_all_units(user) -> bool:
    """Evaluators and admins read every unit's private records."""
    return user.has_role(Role.ADMIN) or user.has_role(Role.EVALUATOR)


def can_manage_units(user) -> bool:
    return is_admin(user)


def can_manage_users_of(user, unit_id: int) -> bool:
    if is_admin(user):
        return True
    return user.has_role(Role.UNIT_ADMIN) and user.unit_id == unit_id


def can_manage_user(user, other) -> bool:
    """Unit admins manage their unit's users, but never one holding a role they could not grant."""
    if is_admin(user):
        return True
    return can_manage_users_of(user, other.unit_id) and all(
        Role(r) in UNIT_ADMIN_GRANTABLE for r in other.roles
    )


def can_list_users(user) -> bool:
    return sees_all_units(user) or user.has_role(Role.UNIT_ADMIN)


def can_read_user(user, other) -> bool:
    if user.id == other.id or sees_all_units(user):
        return True
    return user.has_role(Role.UNIT_ADMIN) and user.unit_id == other.unit_id


def may_grant_roles(user, roles) -> bool:
    if is_admin(user):
        return True
    return all(Role(r) in UNIT_ADMIN_GRANTABLE for r in roles)


def can_manage_instruments_of(user, unit_id: int) -> bool:
    if is_admin(user):
        return True
    return user.unit_id == unit_id and (user.has_role(Role.MANAGER) or user.has_role(Role.UNIT_ADMIN))


def sees_record(user, owner_id: int, unit_id: int) -> bool:
    """Bookings and usage logs are private: one's own, those on the instruments one manages, or all
    for evaluators and admins. ``unit_id`` is the unit of the record's instrument."""
    return owner_id == user.id or sees_all_units(user) or can_manage_instruments_of(user, unit_id)


def records_visible_to(user, owner_column, unit_column):
    """``sees_record`` as a SQL condition on a query; None when the user sees every record."""
    if sees_all_units(user):
        return None
    if can_manage_instruments_of(user, user.unit_id):
        return or_(owner_column == user.id, unit_column == user.unit_id)
    return owner_column == user.id
