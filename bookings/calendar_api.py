"""iCalendar feeds (API.md, "Calendars"): an instrument's busy time and a user's own bookings."""
from flask_smorest import Blueprint

blp = Blueprint("calendar_api", __name__, url_prefix="/api/v1", description="Calendar feeds")
