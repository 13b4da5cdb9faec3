"""JSON API of the catalogue (API.md, "Categories" and "Instruments")."""
from flask import jsonify
from flask_smorest import Blueprint

from instruments import categories, services
from instruments.schemas import (CategoryFlatSchema, CategoryNodeSchema, CategoryQuery, InstrumentCreateSchema,
                                 InstrumentListQuery, InstrumentPageSchema, InstrumentSchema,
                                 InstrumentUpdateSchema)
from sharing.api_common import paginate
from sharing.auth import actor
from sharing.extensions import db

blp = Blueprint("instruments_api", __name__, url_prefix="/api/v1", description="Catalogue")


def _json(body, status=200):
    response = jsonify(body)
    response.status_code = status
    return response


@blp.route("/categories", methods=["GET"])
@blp.arguments(CategoryQuery, location="query")
@blp.response(200, CategoryNodeSchema(many=True))
def list_categories(args):
    """The national classification as a tree, or flat with ``?flat=1`` (not paginated)."""
    actor()
    rows = categories.all_categories()
    if args["flat"]:
        return _json(CategoryFlatSchema(many=True).dump(rows))
    return categories.tree(rows)


@blp.route("/instruments", methods=["GET"])
@blp.arguments(InstrumentListQuery, location="query")
@blp.response(200, InstrumentPageSchema)
def list_instruments(args):
    """Search the catalogue; asset numbers only for the owning unit, evaluators and admins."""
    user = actor()
    page = paginate(services.catalogue_query(user, args), args, db.session)
    page["items"] = [services.dump(user, i) for i in page["items"]]
    return _json(page)


@blp.route("/instruments", methods=["POST"])
@blp.arguments(InstrumentCreateSchema)
@blp.response(201, InstrumentSchema)
def create_instrument(data):
    user = actor()
    return _json(services.dump(user, services.create_instrument(user, data)), 201)


@blp.route("/instruments/<int:instrument_id>", methods=["GET"])
@blp.response(200, InstrumentSchema)
def get_instrument(instrument_id):
    user = actor()
    return _json(services.dump(user, services.get_instrument(instrument_id)))


@blp.route("/instruments/<int:instrument_id>", methods=["PATCH"])
@blp.arguments(InstrumentUpdateSchema)
@blp.response(200, InstrumentSchema)
def update_instrument(data, instrument_id):
    """Change fields; a ``booking_rules`` object is merged key by key into the current rules."""
    user = actor()
    instrument = services.update_instrument(user, services.get_instrument(instrument_id), data)
    return _json(services.dump(user, instrument))


@blp.route("/instruments/<int:instrument_id>", methods=["DELETE"])
@blp.response(204)
def retire_instrument(instrument_id):
    """Retire the instrument (status ``retired``); its history is kept."""
    user = actor()
    services.retire_instrument(user, services.get_instrument(instrument_id))
