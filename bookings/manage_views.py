"""Pages for managers: the approval queue, qualifications and downtimes of their instruments."""
from flask import Blueprint

bp = Blueprint("booking_admin", __name__, template_folder="templates")
