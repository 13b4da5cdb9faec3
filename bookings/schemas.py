from marshmallow import ValidationError, fields, validates_schema

from bookings.availability import MAX_WINDOW
from sharing.api_common import PlatformDateTime, QuerySchema, Schema


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
