"""The in-app notification list."""
from flask import Blueprint

bp = Blueprint("notifications", __name__, template_folder="templates")
