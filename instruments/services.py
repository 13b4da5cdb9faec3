"""Catalogue rules as plain functions: who may see and change which instrument, and how."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from bookings.rules import merged_rules
from instruments import categories
from instruments.models import Instrument
from instruments.schemas import PRIVATE_FIELDS, InstrumentSchema
from instruments.search import bigrams_of, match_condition, search_text_of
from sharing import roles as policy
from sharing.errors import ApiError, forbidden, not_found, validation_error
from sharing.extensions import db
from sharing.timeutil import as_platform, utcnow
from sharing.units.models import Unit


@event.listens_for(Instrument, "before_insert")
@event.listens_for(Instrument, "before_update")
def _keep_search_text(mapper, connection, instrument):
    instrument.search_text = search_text_of(instrument)
    instrument.search_bigrams = bigrams_of(instrument.search_text)


# --- who sees what -------------------------------------------------------------------------

def sees_private_fields(actor, instrument_unit_id: int) -> bool:
    """Asset numbers and internal notes: the owning unit and evaluators/admins only."""
    return policy.sees_all_units(actor) or actor.unit_id == instrument_unit_id


_SCHEMA = InstrumentSchema()  # built once: building a schema per item costs more than dumping it


def dump(actor, instrument: Instrument) -> dict:
    data = _SCHEMA.dump(instrument)
    if not sees_private_fields(actor, instrument.unit_id):
        for key in PRIVATE_FIELDS:
            data.pop(key, None)
    return data


def get_instrument(instrument_id: int) -> Instrument:
    instrument = db.session.get(Instrument, instrument_id)
    if instrument is None:
        raise not_found()
    return instrument


def admits(instrument: Instrument, unit_id: int) -> bool:
    """Does the share mode let users of ``unit_id`` book this instrument?"""
    if instrument.share_mode == "external":
        return True
    return instrument.share_mode == "internal" and instrument.unit_id == unit_id


# --- the list ------------------------------------------------------------------------------

SORT_COLUMNS = {
    "id": Instrument.id, "name": Instrument.name, "price_cny": Instrument.price_cny,
    "commission_date": Instrument.commission_date, "updated_at": Instrument.updated_at,
}


def _in_category(prefix: str):
    """A code of any level of the tree selects everything below it: 01, 0101 or 010101.

    Middle classes and leaves are ranges ("~" sorts after every digit), which the
    (category_code, status) index answers; a top class holds so many instruments that
    walking them in id order with a LIKE filter finds a page sooner (SQLite's planner
    would otherwise sort them all).
    """
    if len(prefix) == 2:
        return Instrument.category_code.like(prefix + "%")
    return (Instrument.category_code >= prefix) & (Instrument.category_code < prefix + "~")


def catalogue_query(actor, filters: dict):
    """The instruments matching the list filters of API.md, in the requested order."""
    query = select(Instrument)
    table = Instrument.__table__
    condition = match_condition(filters.get("q") or "", table)
    if condition is not None:
        query = query.where(condition)
    if filters.get("category"):
        query = query.where(_in_category(filters["category"]))
    if filters.get("unit_id") is not None:
        query = query.where(Instrument.unit_id == filters["unit_id"])
    if filters.get("city"):
        query = query.where(Instrument.city == filters["city"])
    if filters.get("status"):
        query = query.where(Instrument.status == filters["status"])
    else:
        query = query.where(Instrument.status != "retired")  # retired ones only when asked for
    if filters.get("share_mode"):
        query = query.where(Instrument.share_mode == filters["share_mode"])
    if filters.get("bookable") is True:
        query = query.where(Instrument.status == "normal").where(
            (Instrument.share_mode == "external")
            | ((Instrument.share_mode == "internal") & (Instrument.unit_id == actor.unit_id))
        )
    if filters.get("price_min") is not None:
        query = query.where(Instrument.price_cny >= filters["price_min"])
    if filters.get("price_max") is not None:
        query = query.where(Instrument.price_cny <= filters["price_max"])
    sort = filters.get("sort") or "id"
    column = SORT_COLUMNS[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    return query.order_by(order, Instrument.id)


# --- changes -------------------------------------------------------------------------------

def _today():
    return as_platform(utcnow()).date()


def problems(data: dict, instrument: Instrument | None) -> dict[str, list[str]]:
    """Rules beyond field formats: a leaf category, no future dates, dates in order."""
    errors: dict[str, list[str]] = {}
    code = data.get("category_code")
    if code is not None and not categories.is_leaf(code):
        errors["category_code"] = [_("Choose a leaf of the national classification (a code without sub-codes).")]
    today = _today()
    for key in ("purchase_date", "commission_date", "register_date"):
        value = data.get(key)
        if isinstance(value, date) and value > today:
            errors[key] = [_("The date cannot be in the future.")]
    purchase = data.get("purchase_date", instrument.purchase_date if instrument else None)
    commission = data.get("commission_date", instrument.commission_date if instrument else None)
    if purchase and commission and commission < purchase and "commission_date" not in errors:
        errors["commission_date"] = [_("The commission date cannot be before the purchase date.")]
    return errors


def _check(data: dict, instrument: Instrument | None) -> None:
    errors = problems(data, instrument)
    if errors:
        raise validation_error(errors)


def _rules(current: dict | None, changes: dict | None) -> dict:
    from marshmallow import ValidationError

    try:
        return merged_rules(current, changes)
    except ValidationError as exc:
        raise validation_error(exc.messages) from exc


def _duplicate_inner_id() -> ApiError:
    message = _("This asset number is already registered in the unit.")
    return ApiError(409, "duplicate_inner_id", message, fields={"inner_id": [message]})


def _inner_id_taken(unit_id: int, inner_id: str, except_id: int | None = None) -> bool:
    query = select(Instrument.id).where(Instrument.unit_id == unit_id, Instrument.inner_id == inner_id)
    if except_id is not None:
        query = query.where(Instrument.id != except_id)
    return db.session.scalar(query) is not None


def _commit_or_duplicate() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:  # a concurrent registration of the same asset number
        db.session.rollback()
        if "inner_id" in str(exc.orig):
            raise _duplicate_inner_id() from exc
        raise


def create_instrument(actor, data: dict) -> Instrument:
    data = dict(data)
    unit_id = data.pop("unit_id", None) or actor.unit_id
    if db.session.get(Unit, unit_id) is None:
        raise validation_error({"unit_id": [_("No such unit.")]})
    if not policy.can_manage_instruments_of(actor, unit_id):
        raise forbidden()
    _check(data, None)
    if _inner_id_taken(unit_id, data["inner_id"]):
        raise _duplicate_inner_id()
    rules = _rules(None, data.pop("booking_rules", None))
    instrument = Instrument(unit_id=unit_id, booking_rules=rules, **data)
    db.session.add(instrument)
    _commit_or_duplicate()
    return instrument


def update_instrument(actor, instrument: Instrument, data: dict) -> Instrument:
    if not policy.can_manage_instruments_of(actor, instrument.unit_id):
        raise forbidden()
    data = dict(data)
    if "unit_id" in data and data["unit_id"] != instrument.unit_id:
        if not policy.is_admin(actor):
            raise forbidden(_("Only platform administrators may move an instrument to another unit."))
        if db.session.get(Unit, data["unit_id"]) is None:
            raise validation_error({"unit_id": [_("No such unit.")]})
    _check(data, instrument)
    unit_id = data.get("unit_id", instrument.unit_id)
    inner_id = data.get("inner_id", instrument.inner_id)
    if ("inner_id" in data or "unit_id" in data) and _inner_id_taken(unit_id, inner_id, instrument.id):
        raise _duplicate_inner_id()
    if "booking_rules" in data:
        instrument.booking_rules = _rules(instrument.booking_rules, data.pop("booking_rules"))
    for key, value in data.items():
        setattr(instrument, key, value)
    _commit_or_duplicate()
    return instrument


def retire_instrument(actor, instrument: Instrument) -> None:
    """DELETE keeps the record and its history; the instrument leaves the catalogue."""
    if not policy.can_manage_instruments_of(actor, instrument.unit_id):
        raise forbidden()
    instrument.status = "retired"
    db.session.commit()
