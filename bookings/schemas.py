from marshmallow import ValidationError, fields, validate, validates_schema

from bookings.availability import MAX_WINDOW
from bookings.models import QUALIFICATION_LEVELS
from sharing.api_common import PlatformDateTime, QuerySchema, Schema, StrictSchema


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
