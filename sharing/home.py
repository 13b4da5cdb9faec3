"""The start page."""
from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import func, select

from instruments.models import Category
from sharing.accounts.models import User
from sharing.extensions import db
from sharing.units.models import Unit

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    counts = {
        "units": db.session.scalar(select(func.count(Unit.id))),
        "users": db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))),
        "categories": db.session.scalar(select(func.count(Category.code))),
    }
    return render_template("home.html", counts=counts)
