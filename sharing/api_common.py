"""Pieces every JSON endpoint shares: the strict base schema, time fields, pagination."""
from __future__ import annotations

from datetime import datetime

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from sharing.timeutil import as_platform, parse_datetime

MAX_PER_PAGE = 200


class StrictSchema(Schema):
    """Request bodies: unknown fields are a validation error (API.md)."""

    class Meta:
        unknown = RAISE


class QuerySchema(Schema):
    """Query strings: extra parameters (cache busters, etc.) are ignored."""

    class Meta:
        unknown = EXCLUDE


class Text(fields.String):
    """A string with surrounding white space removed.

    Blank is refused unless the field allows null, in which case blank becomes null.
    """

    def __init__(self, *args, max_length: int | None = None, **kwargs):
        validators = list(kwargs.pop("validate", None) or [])
        if not kwargs.get("allow_none"):
            validators.insert(0, validate.Length(min=1, error="Must not be blank."))
        if max_length:
            validators.append(validate.Length(max=max_length))
        super().__init__(*args, validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and self.allow_none:
            return None
        return text


class PlatformDateTime(fields.DateTime):
    """ISO 8601 in; without an offset it is platform time. Out: platform time with offset."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(self.error_messages["invalid"].format(input=value, obj_type="datetime"))
        try:
            return parse_datetime(value)
        except ValueError as exc:
            raise ValidationError("Not a valid datetime.") from exc

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        if value is None:
            return None
        return as_platform(value).isoformat(timespec="seconds")


class PaginationQuery(QuerySchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1))


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """The list envelope ``{"items", "total", "page", "per_page"}`` for one item type."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "total": fields.Integer(),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
        },
        name=name,
    )


def paginate(select, args: dict, session) -> dict:
    """Run ``select`` (already filtered and ordered) for one page; count the whole set."""
    from sqlalchemy import func, select as sa_select

    page = args.get("page", 1)
    per_page = min(args.get("per_page", 50), MAX_PER_PAGE)
    total = session.scalar(sa_select(func.count()).select_from(select.order_by(None).subquery()))
    items = session.scalars(select.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return {"items": items, "total": total, "page": page, "per_page": per_page}
