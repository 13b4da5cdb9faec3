from marshmallow import fields

from sharing.api_common import QuerySchema, Schema


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
