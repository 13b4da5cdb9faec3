from marshmallow import ValidationError, fields, validate, validates_schema

from bookings.availability import MAX_WINDOW
from bookings.models import BOOKING_MODES, BOOKING_STATUSES, QUALIFICATION_LEVELS, USAGE_PURPOSES
from instruments.schemas import Money
from sharing.api_common import (PaginationQuery, PlatformDateTime, QuerySchema, Schema, StrictSchema, Text,
                                page_schema)


class AvailabilityQuery(QuerySchema):
    from_ = PlatformDateTime(data_key="from", required=True)
    to = PlatformDateTime(required=True)

    @validates_schema
    def _window(self, data, **kwargs):
        if "from_" in data and "to" in data:
            if data["to"] <= data["from_"]:
                raise ValidationError("The end must be after the start.", "to")
            if data["to"] - data["from_"] > MAX_WINDOW:
                raise ValidationError("The window may be at most 31 days.", "to")


class IntervalSchema(Schema):
    start = PlatformDateTime()
    end = PlatformDateTime()


class BusySchema(IntervalSchema):
    kind = fields.String()


class AvailabilitySchema(Schema):
    instrument_id = fields.Integer()
    free = fields.List(fields.Nested(IntervalSchema))
    busy = fields.List(fields.Nested(BusySchema))


class QualificationInput(StrictSchema):
    user_id = fields.Integer(required=True, strict=True)
    level = fields.String(required=True, validate=validate.OneOf(QUALIFICATION_LEVELS))
    expires_at = PlatformDateTime(allow_none=True)


class QualificationSchema(Schema):
    instrument_id = fields.Integer()
    user_id = fields.Integer()
    level = fields.String()
    expires_at = PlatformDateTime(allow_none=True)
    granted_by = fields.Integer(allow_none=True)
    created_at = PlatformDateTime()
    updated_at = PlatformDateTime()


class BookingInput(StrictSchema):
    instrument_id = fields.Integer(required=True, strict=True)
    start = PlatformDateTime(required=True)
    end = PlatformDateTime(required=True)
    mode = fields.String(load_default="self", validate=validate.OneOf(BOOKING_MODES))
    purpose = Text(allow_none=True, max_length=500, load_default=None)
    sample_count = fields.Integer(allow_none=True, strict=True, load_default=None,
                                  validate=validate.Range(min=1, max=100000))

    @validates_schema
    def _samples(self, data, **kwargs):
        if data.get("mode") == "sample" and not data.get("sample_count"):
            raise ValidationError("A sample submission needs the number of samples.", "sample_count")


class BookingSchema(Schema):
    id = fields.Integer()
    instrument_id = fields.Integer()
    instrument_name = fields.String(attribute="instrument.name")
    user_id = fields.Integer()
    user_name = fields.String(attribute="user.name")
    start = PlatformDateTime()
    end = PlatformDateTime()
    status = fields.String()
    mode = fields.String()
    purpose = fields.String(allow_none=True)
    sample_count = fields.Integer(allow_none=True)
    created_at = PlatformDateTime()
    decided_by = fields.Integer(allow_none=True)
    decided_at = PlatformDateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    checked_in_at = PlatformDateTime(allow_none=True)
    checked_out_at = PlatformDateTime(allow_none=True)


BookingPageSchema = page_schema(BookingSchema, "BookingPage")


class BookingListQuery(PaginationQuery):
    instrument_id = fields.Integer()
    user_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(BOOKING_STATUSES))
    from_ = PlatformDateTime(data_key="from")
    to = PlatformDateTime()


class ReasonInput(StrictSchema):
    reason = Text(allow_none=True, max_length=500, load_default=None)


class RequiredReasonInput(StrictSchema):
    reason = Text(required=True, max_length=500)


class CheckOutInput(StrictSchema):
    purpose = fields.String(load_default="research", validate=validate.OneOf(USAGE_PURPOSES))
    sample_count = fields.Integer(allow_none=True, strict=True, load_default=None,
                                  validate=validate.Range(min=0, max=100000))


class UsageLogSchema(Schema):
    id = fields.Integer()
    instrument_id = fields.Integer()
    user_id = fields.Integer()
    booking_id = fields.Integer(allow_none=True)
    start = PlatformDateTime()
    end = PlatformDateTime()
    hours = fields.Method("_hours")
    purpose = fields.String()
    service_way = fields.String()
    sample_count = fields.Integer(allow_none=True)
    is_external = fields.Boolean()
    fee = Money()
    source = fields.String()
    rating = fields.Method("_rating", allow_none=True)
    voided = fields.Boolean()
    void_reason = fields.String(allow_none=True)
    corrects_id = fields.Integer(allow_none=True)
    comment = fields.String(allow_none=True)
    created_by = fields.Integer(allow_none=True)
    created_at = PlatformDateTime()
    updated_at = PlatformDateTime()

    def _hours(self, log):
        return round(log.hours, 2)

    def _rating(self, log):
        """``{"score", "comment"}`` or null; lists preload ratings into ``log._rating``."""
        from bookings.usage import rating_of

        rating = rating_of(log)
        return None if rating is None else {"score": rating.score, "comment": rating.comment}


class CheckInResult(Schema):
    booking = fields.Nested(BookingSchema)


class CheckOutResult(Schema):
    booking = fields.Nested(BookingSchema)
    usage_log = fields.Nested(UsageLogSchema)


class DowntimeInput(StrictSchema):
    start = PlatformDateTime(required=True)
    end = PlatformDateTime(required=True)
    reason = Text(required=True, max_length=500)

    @validates_schema
    def _order(self, data, **kwargs):
        if "start" in data and "end" in data and data["end"] <= data["start"]:
            raise ValidationError("The end must be after the start.", "end")


class DowntimeSchema(Schema):
    id = fields.Integer()
    instrument_id = fields.Integer()
    start = PlatformDateTime()
    end = PlatformDateTime()
    reason = fields.String(allow_none=True)
    created_by = fields.Integer(allow_none=True)
    created_at = PlatformDateTime()
    cancelled_booking_ids = fields.List(fields.Integer())


class DowntimeListQuery(QuerySchema):
    from_ = PlatformDateTime(data_key="from")
    to = PlatformDateTime()
