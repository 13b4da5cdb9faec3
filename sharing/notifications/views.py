"""The in-app notification list, and the unread count for the navigation bar."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from sharing.api_common import paginate
from sharing.extensions import db
from sharing.notifications import services
from sharing.notifications.schemas import rendered
from sharing.timeutil import as_platform

bp = Blueprint("notifications", __name__, template_folder="templates")
log = logging.getLogger(__name__)
PER_PAGE = 20


def _shown(notification) -> dict:
    """What the list shows of one notification, in the current language and platform time."""
    subject, body = rendered(notification)
    link = notification.link if notification.link and notification.link.startswith("/") else None
    created = as_platform(notification.created_at)
    return {"id": notification.id, "subject": subject, "body": body, "link": link,
            "unread": notification.read_at is None, "time": created.strftime("%Y-%m-%d %H:%M"),
            "iso": created.isoformat(timespec="seconds")}


def _list_args(values) -> dict:
    """The list's own query arguments (page, unread filter), from a query string or a form."""
    args = {}
    page = values.get("page", type=int)
    if page and page > 1:
        args["page"] = page
    if values.get("unread") == "1":
        args["unread"] = "1"
    return args


@bp.get("/notifications")
@login_required
def list_notifications():
    args = _list_args(request.args)
    query = services.list_query(current_user.id, unread_only="unread" in args)
    page = paginate(query, {"page": args.get("page", 1), "per_page": PER_PAGE}, db.session)
    return render_template("notifications/list.html", page=page, items=[_shown(n) for n in page["items"]],
                           unread=services.unread_count(current_user.id), unread_only="unread" in args,
                           list_args=args)


@bp.post("/notifications/read")
@login_required
def mark_read():
    """Mark one notification (form field ``id``) or all of the user's notifications as read."""
    if request.form.get("id"):
        notification_id = request.form.get("id", type=int)
        if notification_id is None:
            abort(400)
        services.mark_read(current_user.id, [notification_id])
    else:
        count = services.mark_read(current_user.id)
        flash(ngettext("%(num)d notification marked as read.", "%(num)d notifications marked as read.", count)
              if count else _("There were no unread notifications."), "success")
    return redirect(url_for("notifications.list_notifications", **_list_args(request.form)))


@bp.app_context_processor
def notification_badge() -> dict:
    """``unread_notifications()`` for templates: the logged-in user's unread count (0 otherwise).

    It queries only when a template calls it, and gives None when the database cannot answer,
    so that an error page can still be shown.
    """

    def unread_notifications() -> int | None:
        if not getattr(current_user, "is_authenticated", False):
            return 0
        try:
            return services.unread_count(current_user.id)
        except SQLAlchemyError as exc:
            log.warning("unread notifications could not be counted: %s", exc)
            return None

    return {"unread_notifications": unread_notifications}
