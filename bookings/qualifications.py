"""Qualifications (上机资格): who may operate an instrument themselves, at which level, until when."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from bookings.models import Qualification
from sharing import roles as policy
from sharing.accounts.models import User
from sharing.errors import forbidden, not_found, validation_error
from sharing.extensions import db


def list_for(actor, instrument) -> list[Qualification]:
    """Managers of the instrument's unit, evaluators and admins see all; others their own."""
    query = select(Qualification).where(Qualification.instrument_id == instrument.id).order_by(Qualification.user_id)
    if not (policy.sees_all_units(actor) or policy.can_manage_instruments_of(actor, instrument.unit_id)):
        query = query.where(Qualification.user_id == actor.id)
    return db.session.scalars(query).all()


def grant(actor, instrument, data: dict) -> Qualification:
    """Grant or replace a user's qualification on the instrument."""
    if not policy.can_manage_instruments_of(actor, instrument.unit_id):
        raise forbidden()
    if db.session.get(User, data["user_id"]) is None:
        raise validation_error({"user_id": [_("No such user.")]})
    qualification = db.session.scalar(select(Qualification).where(
        Qualification.instrument_id == instrument.id, Qualification.user_id == data["user_id"]))
    if qualification is None:
        qualification = Qualification(instrument_id=instrument.id, user_id=data["user_id"])
        db.session.add(qualification)
    qualification.level = data["level"]
    qualification.expires_at = data.get("expires_at")
    qualification.expiry_noticed_at = None
    qualification.granted_by = actor.id
    db.session.commit()
    return qualification


def revoke(actor, instrument, user_id: int) -> None:
    if not policy.can_manage_instruments_of(actor, instrument.unit_id):
        raise forbidden()
    qualification = db.session.scalar(select(Qualification).where(
        Qualification.instrument_id == instrument.id, Qualification.user_id == user_id))
    if qualification is None:
        raise not_found()
    db.session.delete(qualification)
    db.session.commit()
