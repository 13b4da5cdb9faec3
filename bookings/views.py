"""Pages for researchers: an instrument's week calendar, the booking form, my bookings."""
from flask import Blueprint

bp = Blueprint("bookings", __name__, template_folder="templates")
