"""Web pages: unit management (platform admins)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sharing.api_common import paginate
from sharing.extensions import db
from sharing.pages import form_data, roles_required, run_service
from sharing.units import services
from sharing.units.forms import UNIT_KIND_LABELS, UnitForm

bp = Blueprint("units", __name__)
FIELDS = ["name", "short_name", "kind", "city", "in_cluster", "credit_code"]


@bp.get("/units")
@roles_required("admin")
def list_units():
    filters = {"q": request.args.get("q", "").strip()}
    page = paginate(services.units_query(filters),
                    {"page": request.args.get("page", 1, type=int) or 1, "per_page": 50}, db.session)
    return render_template("units/list.html", page=page, q=filters["q"], kinds=UNIT_KIND_LABELS)


@bp.route("/units/new", methods=["GET", "POST"])
@roles_required("admin")
def new_unit():
    form = UnitForm()
    if form.validate_on_submit():
        unit = run_service(form, lambda: services.create_unit(current_user, form_data(form, FIELDS)))
        if unit is not None:
            flash(_("Unit %(name)s created.", name=unit.name), "success")
            return redirect(url_for("units.list_units"))
    return render_template("units/form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_unit(unit_id: int):
    unit = db.get_or_404(services.Unit, unit_id)
    form = UnitForm(obj=unit)
    if form.validate_on_submit():
        if run_service(form, lambda: services.update_unit(current_user, unit, form_data(form, FIELDS))):
            flash(_("Unit %(name)s saved.", name=unit.name), "success")
            return redirect(url_for("units.list_units"))
    return render_template("units/form.html", form=form, unit=unit)
