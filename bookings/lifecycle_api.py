"""JSON API of bookings themselves (API.md, "Bookings")."""
from flask import request
from flask_smorest import Blueprint

from bookings import services
from bookings.schemas import (BookingInput, BookingListQuery, BookingPageSchema, BookingSchema, CheckInResult,
                              CheckOutInput, CheckOutResult, ReasonInput, RequiredReasonInput)
from sharing.api_common import paginate
from sharing.auth import actor
from sharing.extensions import db

blp = Blueprint("booking_lifecycle_api", __name__, url_prefix="/api/v1", description="Bookings")


@blp.route("/bookings", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": BookingInput}}})
@blp.response(201, BookingSchema)
def create_booking():
    """Book an instrument. Refusals carry the first broken rule's code and, in ``problems``, every one.

    The body is validated by the service, so that API.md's order of checks holds: a suspended
    user or an unavailable instrument is reported before malformed fields.
    """
    user = actor()
    return services.create_booking(user, request.get_json())


@blp.route("/bookings", methods=["GET"])
@blp.arguments(BookingListQuery, location="query")
@blp.response(200, BookingPageSchema)
def list_bookings(args):
    """Researchers see their own; managers also those on their unit's instruments; evaluators all."""
    return paginate(services.bookings_query(actor(), args), args, db.session)


@blp.route("/bookings/<int:booking_id>", methods=["GET"])
@blp.response(200, BookingSchema)
def get_booking(booking_id):
    return services.get_booking(actor(), booking_id)


@blp.route("/bookings/<int:booking_id>/approve", methods=["POST"])
@blp.response(200, BookingSchema)
def approve_booking(booking_id):
    """Confirm a pending request (manager of the instrument's unit); 409 if its time is no longer free."""
    return services.approve(actor(), booking_id)


@blp.route("/bookings/<int:booking_id>/reject", methods=["POST"])
@blp.arguments(RequiredReasonInput)
@blp.response(200, BookingSchema)
def reject_booking(data, booking_id):
    return services.reject(actor(), booking_id, data["reason"])


@blp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@blp.arguments(ReasonInput)
@blp.response(200, BookingSchema)
def cancel_booking(data, booking_id):
    """The owner until the cancel deadline; managers of the instrument any time, with a reason."""
    return services.cancel(actor(), booking_id, data["reason"])


@blp.route("/bookings/<int:booking_id>/check-in", methods=["POST"])
@blp.response(200, CheckInResult)
def check_in(booking_id):
    return {"booking": services.check_in(actor(), booking_id)}


@blp.route("/bookings/<int:booking_id>/check-out", methods=["POST"])
@blp.arguments(CheckOutInput)
@blp.response(200, CheckOutResult)
def check_out(data, booking_id):
    booking, log = services.check_out(actor(), booking_id, data)
    return {"booking": booking, "usage_log": log}
