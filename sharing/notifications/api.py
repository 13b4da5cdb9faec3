"""JSON API of a user's notifications (an extension of API.md).

Every caller sees only their own notifications. The list is newest first (not by id, as other
lists are), since that is how people read messages.
"""
from flask_smorest import Blueprint

from sharing.api_common import paginate
from sharing.auth import actor
from sharing.extensions import db
from sharing.notifications import services
from sharing.notifications.schemas import MarkedSchema, MarkReadSchema, NotificationListQuery, NotificationPageSchema

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1", description="Notifications")


@blp.route("/notifications", methods=["GET"])
@blp.arguments(NotificationListQuery, location="query")
@blp.response(200, NotificationPageSchema)
def list_notifications(args):
    """The caller's notifications, newest first, in the request's language."""
    user = actor()
    return paginate(services.list_query(user.id, unread_only=args["unread"]), args, db.session)


@blp.route("/notifications/read", methods=["POST"])
@blp.arguments(MarkReadSchema)
@blp.response(200, MarkedSchema)
def mark_read(data):
    """Mark the caller's notifications of ``ids`` as read, or all of them when ``ids`` is absent.

    Ids of other people's notifications, or already read ones, are not counted.
    """
    user = actor()
    return {"marked": services.mark_read(user.id, data.get("ids"))}
