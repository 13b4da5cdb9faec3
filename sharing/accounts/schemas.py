from marshmallow import fields, validate

from sharing.api_common import PlatformDateTime, QuerySchema, Schema, StrictSchema, Text, page_schema
from sharing.roles import ALL_ROLES



def _roles(**kwargs):
    return fields.List(
        fields.String(validate=validate.OneOf(ALL_ROLES)), validate=validate.Length(min=1), **kwargs
    )


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    unit_id = fields.Integer()
    roles = fields.List(fields.String())
    phone = fields.String(allow_none=True)
    active = fields.Boolean()


class UserCreateSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = Text(required=True, max_length=100)
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    unit_id = fields.Integer(required=True, strict=True)
    roles = _roles(required=True)
    phone = Text(allow_none=True, max_length=30)
    active = fields.Boolean()


class UserUpdateSchema(StrictSchema):
    email = fields.Email(validate=validate.Length(max=254))
    name = Text(max_length=100)
    password = fields.String(load_only=True, validate=validate.Length(max=200))
    unit_id = fields.Integer(strict=True)
    roles = _roles()
    phone = Text(allow_none=True, max_length=30)
    active = fields.Boolean()


class UserListQuery(QuerySchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1))
    unit_id = fields.Integer()
    role = fields.String(validate=validate.OneOf(ALL_ROLES))
    active = fields.Boolean()
    q = fields.String()


UserPageSchema = page_schema(UserSchema, "UserPage")


class TokenRequestSchema(StrictSchema):
    email = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class TokenSchema(Schema):
    token = fields.String()
    expires_at = PlatformDateTime()
    user = fields.Nested(UserSchema)
