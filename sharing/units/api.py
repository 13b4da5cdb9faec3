"""JSON API: units (API.md, "Units")."""
from flask_smorest import Blueprint

from sharing.api_common import paginate
from sharing.auth import actor
from sharing.extensions import db
from sharing.units import services
from sharing.units.schemas import UnitCreateSchema, UnitListQuery, UnitPageSchema, UnitSchema, UnitUpdateSchema

blp = Blueprint("units_api", __name__, url_prefix="/api/v1", description="Member units")


@blp.route("/units", methods=["GET"])
@blp.arguments(UnitListQuery, location="query")
@blp.response(200, UnitPageSchema)
def list_units(args):
    actor()
    return paginate(services.units_query(args), args, db.session)


@blp.route("/units", methods=["POST"])
@blp.arguments(UnitCreateSchema)
@blp.response(201, UnitSchema)
def create_unit(data):
    return services.create_unit(actor(), data)


@blp.route("/units/<int:unit_id>", methods=["GET"])
@blp.response(200, UnitSchema)
def get_unit(unit_id):
    actor()
    return services.get_unit(unit_id)


@blp.route("/units/<int:unit_id>", methods=["PATCH"])
@blp.arguments(UnitUpdateSchema)
@blp.response(200, UnitSchema)
def update_unit(data, unit_id):
    user = actor()
    return services.update_unit(user, services.get_unit(unit_id), data)
