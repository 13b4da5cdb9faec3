"""JSON API of booking (API.md, "Availability" and "Bookings")."""
from flask_smorest import Blueprint

from bookings import downtimes, qualifications
from bookings.availability import availability
from bookings.schemas import (AvailabilityQuery, AvailabilitySchema, DowntimeInput, DowntimeListQuery, DowntimeSchema,
                              QualificationInput, QualificationSchema)
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


@blp.route("/instruments/<int:instrument_id>/qualifications", methods=["GET"])
@blp.response(200, QualificationSchema(many=True))
def list_qualifications(instrument_id):
    """The instrument's qualifications (managers of its unit, evaluators, admins); others see their own."""
    user = actor()
    return qualifications.list_for(user, get_instrument(instrument_id))


@blp.route("/instruments/<int:instrument_id>/qualifications", methods=["POST"])
@blp.arguments(QualificationInput)
@blp.response(201, QualificationSchema)
def grant_qualification(data, instrument_id):
    """Grant a qualification (guided or independent, optional expiry), replacing an existing one."""
    return qualifications.grant(actor(), get_instrument(instrument_id), data)


@blp.route("/instruments/<int:instrument_id>/qualifications/<int:user_id>", methods=["DELETE"])
@blp.response(204)
def revoke_qualification(instrument_id, user_id):
    qualifications.revoke(actor(), get_instrument(instrument_id), user_id)


@blp.route("/instruments/<int:instrument_id>/downtimes", methods=["GET"])
@blp.arguments(DowntimeListQuery, location="query")
@blp.response(200, DowntimeSchema(many=True))
def list_downtimes(args, instrument_id):
    """Scheduled downtimes of the instrument, optionally those overlapping ``from``–``to``."""
    actor()
    return downtimes.list_downtimes(get_instrument(instrument_id), args.get("from_"), args.get("to"))


@blp.route("/instruments/<int:instrument_id>/downtimes", methods=["POST"])
@blp.arguments(DowntimeInput)
@blp.response(201, DowntimeSchema)
def create_downtime(data, instrument_id):
    """Schedule a downtime; overlapping pending and confirmed bookings are cancelled, their users told."""
    return downtimes.create_downtime(actor(), get_instrument(instrument_id), data)


@blp.route("/instruments/<int:instrument_id>/downtimes/<int:downtime_id>", methods=["DELETE"])
@blp.response(204)
def delete_downtime(instrument_id, downtime_id):
    """Remove a downtime (cancelled bookings stay cancelled)."""
    downtimes.delete_downtime(actor(), get_instrument(instrument_id), downtime_id)
