"""Unit rules: only platform admins create and change units; everyone signed in may read them."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from sharing import roles as policy
from sharing.errors import forbidden, not_found
from sharing.extensions import db
from sharing.units.models import Unit


def units_query(filters: dict):
    query = select(Unit)
    if "kind" in filters:
        query = query.where(Unit.kind == filters["kind"])
    if filters.get("city"):
        query = query.where(Unit.city == filters["city"])
    if "in_cluster" in filters:
        query = query.where(Unit.in_cluster == filters["in_cluster"])
    if filters.get("q"):
        like = f"%{filters['q'].lower()}%"
        query = query.where(or_(func.lower(Unit.name).like(like), func.lower(Unit.short_name).like(like)))
    return query.order_by(Unit.id)


def get_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise not_found()
    return unit


def create_unit(actor, data: dict) -> Unit:
    if not policy.can_manage_units(actor):
        raise forbidden()
    unit = Unit(**data)
    unit.in_cluster = bool(data.get("in_cluster", False))
    db.session.add(unit)
    db.session.commit()
    return unit


def update_unit(actor, unit: Unit, data: dict) -> Unit:
    if not policy.can_manage_units(actor):
        raise forbidden()
    for key, value in data.items():
        setattr(unit, key, value)
    db.session.commit()
    return unit
