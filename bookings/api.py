"""JSON API of booking (API.md, "Availability" and "Bookings")."""
from flask_smorest import Blueprint

from bookings.availability import availability
from bookings.schemas import AvailabilityQuery, AvailabilitySchema
from instruments.services import get_instrument
from sharing.auth import actor

blp = Blueprint("bookings_api", __name__, url_prefix="/api/v1", description="Availability and bookings")


@blp.route("/instruments/<int:instrument_id>/availability", methods=["GET"])
@blp.arguments(AvailabilityQuery, location="query")
@blp.response(200, AvailabilitySchema)
def instrument_availability(args, instrument_id):
    """Free and busy time of an instrument in a window of at most 31 days (who booked is never shown)."""
    actor()
    return availability(get_instrument(instrument_id), args["from_"], args["to"])
