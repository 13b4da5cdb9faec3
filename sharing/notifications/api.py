"""JSON API of a user's notifications (an extension of API.md)."""
from flask_smorest import Blueprint

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1", description="Notifications")
