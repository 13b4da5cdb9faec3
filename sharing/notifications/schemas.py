"""Schemas of the notifications API (an extension of API.md) and the text shown for a notification."""
from __future__ import annotations

import logging

from marshmallow import fields, pre_dump, validate

from sharing.api_common import PaginationQuery, PlatformDateTime, Schema, StrictSchema, page_schema
from sharing.notifications.messages import render

log = logging.getLogger(__name__)
MAX_IDS = 1000


def rendered(notification) -> tuple[str, str]:
    """(subject, body) in the current language.

    A kind the code no longer knows, or parameters that no longer fit its text, show the kind
    alone: one old row must not break a person's whole list.
    """
    try:
        return render(notification.kind, notification.params or {})
    except (KeyError, TypeError, ValueError):
        log.warning("notification %s of kind %r cannot be rendered", notification.id, notification.kind)
        return notification.kind, ""


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    subject = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    created_at = PlatformDateTime()
    read = fields.Boolean()

    @pre_dump
    def _render(self, notification, **_kwargs):
        subject, body = rendered(notification)
        return {"id": notification.id, "kind": notification.kind, "subject": subject, "body": body,
                "link": notification.link, "created_at": notification.created_at,
                "read": notification.read_at is not None}


NotificationPageSchema = page_schema(NotificationSchema, "NotificationPage")


class NotificationListQuery(PaginationQuery):
    unread = fields.Boolean(load_default=False, metadata={"description": "Only unread notifications."})


class MarkReadSchema(StrictSchema):
    ids = fields.List(fields.Integer(strict=True), validate=validate.Length(max=MAX_IDS),
                      metadata={"description": "The notifications to mark; without it, all of them."})


class MarkedSchema(Schema):
    marked = fields.Integer(metadata={"description": "How many notifications were unread and are now read."})
