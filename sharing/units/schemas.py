from marshmallow import fields, validate

from sharing.api_common import QuerySchema, Schema, StrictSchema, Text, page_schema
from sharing.units.models import UNIT_KINDS

# 统一社会信用代码: 18 characters from digits and capitals without I, O, S, V, Z (GB 32100-2015).
CREDIT_CODE = validate.Regexp(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
                              error="Not a valid unified social credit code.")


class UnitSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    short_name = fields.String(allow_none=True)
    kind = fields.String()
    city = fields.String()
    in_cluster = fields.Boolean()
    credit_code = fields.String(allow_none=True)


class UnitCreateSchema(StrictSchema):
    name = Text(required=True, max_length=200)
    short_name = Text(allow_none=True, max_length=50)
    kind = fields.String(required=True, validate=validate.OneOf(UNIT_KINDS))
    city = Text(required=True, max_length=50)
    in_cluster = fields.Boolean()
    credit_code = Text(allow_none=True, validate=[CREDIT_CODE])


class UnitUpdateSchema(StrictSchema):
    name = Text(max_length=200)
    short_name = Text(allow_none=True, max_length=50)
    kind = fields.String(validate=validate.OneOf(UNIT_KINDS))
    city = Text(max_length=50)
    in_cluster = fields.Boolean()
    credit_code = Text(allow_none=True, validate=[CREDIT_CODE])


class UnitListQuery(QuerySchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1))
    kind = fields.String(validate=validate.OneOf(UNIT_KINDS))
    city = fields.String()
    in_cluster = fields.Boolean()
    q = fields.String()


UnitPageSchema = page_schema(UnitSchema, "UnitPage")
