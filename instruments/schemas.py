import copy
from decimal import ROUND_HALF_UP, Decimal

from marshmallow import ValidationError, fields, validate, validates_schema

from bookings.rules import BookingRulesSchema
from instruments.models import (FUNDING_SOURCES, INSTRUMENT_STATUSES, INSTRUMENT_TYPES, SHARE_MODES, SOURCES,
                                TYPICAL_STATES)
from sharing.api_common import PlatformDateTime, QuerySchema, Schema, StrictSchema, Text, page_schema

PHONE = validate.Regexp(r"^[0-9+()\- ]{5,20}(?:(?:转|ext\.?|x)\d{1,6})?$", error="Not a valid phone number.")


class Money(fields.Decimal):
    """Yuan: read as a decimal rounded to fen, written as a JSON number."""

    def __init__(self, **kwargs):
        super().__init__(places=2, rounding=ROUND_HALF_UP, allow_nan=False, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else float(Decimal(value).quantize(Decimal("0.01")))


def _money(**kwargs):
    return Money(validate=[validate.Range(min=0),
                           validate.Range(max=Decimal("999999999999.99"), error="Number too large.")], **kwargs)


class CategoryNodeSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.Integer()
    rated_hours = fields.Integer(allow_none=True)
    children = fields.List(fields.Nested(lambda: CategoryNodeSchema()))


class CategoryFlatSchema(Schema):
    code = fields.String()
    name = fields.String()
    parent_code = fields.String(allow_none=True)
    level = fields.Integer()
    rated_hours = fields.Integer(allow_none=True)


class CategoryQuery(QuerySchema):
    flat = fields.Boolean(load_default=False)


class InstrumentSchema(Schema):
    """An instrument as the API shows it; private keys are removed for other units' callers."""

    id = fields.Integer()
    unit_id = fields.Integer()
    unit_name = fields.Function(lambda i: i.unit.name)
    inner_id = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    model = fields.String()
    manufacturer = fields.String()
    country = fields.String(allow_none=True)
    category_code = fields.String()
    category_name = fields.Function(lambda i: i.category.name)
    asset_class_code = fields.String(allow_none=True)
    price_cny = Money()
    purchase_date = fields.Date(allow_none=True)
    commission_date = fields.Date(allow_none=True)
    register_date = fields.Date(allow_none=True)
    instrument_type = fields.String()
    source = fields.String(allow_none=True)
    customs_supervised = fields.Boolean()
    funding_source = fields.String(allow_none=True)
    department = fields.String(allow_none=True)
    specs = fields.String(allow_none=True)
    functions = fields.String(allow_none=True)
    subject_areas = fields.String(allow_none=True)
    service_content = fields.String(allow_none=True)
    sharing_rules = fields.String(allow_none=True)
    fee_summary = fields.String(allow_none=True)
    booking_url = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    contact_email = fields.String(allow_none=True)
    status = fields.String()
    typical_state = fields.String(allow_none=True)
    share_mode = fields.String()
    fee_internal = Money(allow_none=True)
    fee_external = Money(allow_none=True)
    fee_sample_internal = Money(allow_none=True)
    fee_sample_external = Money(allow_none=True)
    rated_hours = fields.Integer(allow_none=True)
    booking_rules = fields.Dict()
    internal_notes = fields.String(allow_none=True)
    created_at = PlatformDateTime()
    updated_at = PlatformDateTime()


PRIVATE_FIELDS = ("inner_id", "internal_notes")


class _InstrumentInput(StrictSchema):
    """Fields a manager may set; lengths follow the national record format."""

    inner_id = Text(max_length=45)
    name = Text(max_length=100)
    name_en = Text(allow_none=True, max_length=100)
    model = Text(max_length=100)
    manufacturer = Text(max_length=100)
    country = Text(allow_none=True, max_length=50)
    category_code = fields.String(validate=validate.Regexp(r"^\d{6}$", error="Use the 6-digit classification code."))
    asset_class_code = Text(allow_none=True, max_length=20)
    price_cny = _money()
    purchase_date = fields.Date(allow_none=True)
    commission_date = fields.Date(allow_none=True)
    register_date = fields.Date(allow_none=True)
    instrument_type = fields.String(validate=validate.OneOf(INSTRUMENT_TYPES))
    source = fields.String(allow_none=True, validate=validate.OneOf(SOURCES))
    customs_supervised = fields.Boolean()
    funding_source = fields.String(allow_none=True, validate=validate.OneOf(FUNDING_SOURCES))
    department = Text(allow_none=True, max_length=100)
    specs = Text(allow_none=True, max_length=500)
    functions = Text(allow_none=True, max_length=300)
    subject_areas = Text(allow_none=True, max_length=200)
    service_content = Text(allow_none=True, max_length=200)
    sharing_rules = Text(allow_none=True, max_length=500)
    fee_summary = Text(allow_none=True, max_length=500)
    booking_url = fields.Url(allow_none=True, validate=validate.Length(max=150))
    location = Text(allow_none=True, max_length=100)
    city = Text(allow_none=True, max_length=50)
    contact_name = Text(allow_none=True, max_length=20)
    contact_phone = Text(allow_none=True, validate=[PHONE])
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=50))
    status = fields.String(validate=validate.OneOf(INSTRUMENT_STATUSES))
    typical_state = fields.String(allow_none=True, validate=validate.OneOf(TYPICAL_STATES))
    share_mode = fields.String(validate=validate.OneOf(SHARE_MODES))
    fee_internal = _money(allow_none=True)
    fee_external = _money(allow_none=True)
    fee_sample_internal = _money(allow_none=True)
    fee_sample_external = _money(allow_none=True)
    rated_hours = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=8784))
    booking_rules = fields.Nested(BookingRulesSchema)
    internal_notes = Text(allow_none=True, max_length=2000)
    unit_id = fields.Integer(strict=True)

    @validates_schema
    def _dates_in_order(self, data, **kwargs):
        purchase, commission = data.get("purchase_date"), data.get("commission_date")
        if purchase and commission and commission < purchase:
            raise ValidationError("The commission date cannot be before the purchase date.", "commission_date")


REQUIRED_ON_CREATE = ("inner_id", "name", "model", "manufacturer", "category_code", "price_cny")


def _required_copy(name: str):
    field = copy.copy(_InstrumentInput._declared_fields[name])
    field.required = True
    return field


InstrumentCreateSchema = type(
    "InstrumentCreateSchema", (_InstrumentInput,), {name: _required_copy(name) for name in REQUIRED_ON_CREATE}
)


class InstrumentUpdateSchema(_InstrumentInput):
    pass


SORTS = ("id", "-id", "name", "-name", "price_cny", "-price_cny", "commission_date", "-commission_date",
         "updated_at", "-updated_at")


class InstrumentListQuery(QuerySchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1))
    q = fields.String()
    category = fields.String(validate=validate.Regexp(r"^\d{2}(\d{2}){0,2}$", error="Use a 2-, 4- or 6-digit code."))
    unit_id = fields.Integer()
    city = fields.String()
    status = fields.String(validate=validate.OneOf(INSTRUMENT_STATUSES))
    share_mode = fields.String(validate=validate.OneOf(SHARE_MODES))
    bookable = fields.Boolean()
    price_min = fields.Decimal(validate=validate.Range(min=0))
    price_max = fields.Decimal(validate=validate.Range(min=0))
    sort = fields.String(load_default="id", validate=validate.OneOf(SORTS))


InstrumentPageSchema = page_schema(InstrumentSchema, "InstrumentPage")
