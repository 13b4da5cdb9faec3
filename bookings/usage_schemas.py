"""Request and answer schemas of the usage ledger (API.md, "Usage logs", period locks)."""
from decimal import Decimal

from marshmallow import ValidationError, fields, validate, validates_schema

from bookings.models import SERVICE_WAYS, USAGE_PURPOSES
from instruments.schemas import Money
from sharing.api_common import PaginationQuery, PlatformDateTime, Schema, StrictSchema, Text, page_schema

MAX_SAMPLES = 100000


def _fee(**kwargs):
    return Money(validate=[validate.Range(min=0),
                           validate.Range(max=Decimal("9999999999.99"), error="Number too large.")], **kwargs)


def _samples(**kwargs):
    return fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=MAX_SAMPLES), **kwargs)


class UsageLogInput(StrictSchema):
    instrument_id = fields.Integer(required=True, strict=True)
    user_id = fields.Integer(required=True, strict=True)
    start = PlatformDateTime(required=True)
    end = PlatformDateTime(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(USAGE_PURPOSES))
    service_way = fields.String(required=True, validate=validate.OneOf(SERVICE_WAYS))
    sample_count = _samples(load_default=None)
    fee = _fee(allow_none=True, load_default=None)
    booking_id = fields.Integer(allow_none=True, strict=True, load_default=None)
    corrects_id = fields.Integer(allow_none=True, strict=True, load_default=None)
    comment = Text(allow_none=True, max_length=500, load_default=None)

    @validates_schema
    def _order(self, data, **kwargs):
        if "start" in data and "end" in data and data["end"] <= data["start"]:
            raise ValidationError("The end must be after the start.", "end")


class UsageLogPatch(StrictSchema):
    """Every field optional; the service checks the merged record (end after start, overlap, lock)."""

    user_id = fields.Integer(strict=True)
    start = PlatformDateTime()
    end = PlatformDateTime()
    purpose = fields.String(validate=validate.OneOf(USAGE_PURPOSES))
    service_way = fields.String(validate=validate.OneOf(SERVICE_WAYS))
    sample_count = _samples()
    fee = _fee()
    comment = Text(allow_none=True, max_length=500)


class UsageLogListQuery(PaginationQuery):
    instrument_id = fields.Integer()
    unit_id = fields.Integer()
    user_id = fields.Integer()
    from_ = PlatformDateTime(data_key="from")
    to = PlatformDateTime()
    is_external = fields.Boolean(truthy={"true", "1"}, falsy={"false", "0"})
    voided = fields.Boolean(truthy={"true", "1"}, falsy={"false", "0"})


class VoidInput(StrictSchema):
    reason = Text(required=True, max_length=500)


class RatingInput(StrictSchema):
    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = Text(allow_none=True, max_length=500, load_default=None)


class RatingSchema(Schema):
    usage_log_id = fields.Integer()
    score = fields.Integer()
    comment = fields.String(allow_none=True)
    label = fields.Method("_label")
    created_at = PlatformDateTime()

    def _label(self, rating):
        from bookings.usage import rating_label

        return rating_label(rating.score)


class HistoryEntrySchema(Schema):
    at = PlatformDateTime()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    changes = fields.Dict()
    reason = fields.String(allow_none=True)


HistoryPageSchema = page_schema(HistoryEntrySchema, "UsageLogHistoryPage")


class TerminalTokenSchema(Schema):
    token = fields.String()
    instrument_id = fields.Integer()
    created_at = PlatformDateTime()


class PeriodLockSchema(Schema):
    year = fields.Integer()
    locked = fields.Constant(True)
    locked_at = PlatformDateTime()
    locked_by = fields.Integer(allow_none=True)


PeriodLockPageSchema = page_schema(PeriodLockSchema, "PeriodLockPage")
