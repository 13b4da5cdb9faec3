"""Pages of evaluations under rubrics: scores for evaluators, manual items, and the rubric admin.

They call the same functions as the JSON API (``reports.evaluation``, ``reports.rubrics``), so a
score, a range check or an expression check is the same on both.
"""
from __future__ import annotations

import copy
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from instruments.models import Instrument
from reports import rubrics
from reports.access import REPORT_ROLES, scoped_unit
from reports.evaluation import evaluate_scheme, manual_values, set_manual_value
from reports.evaluation_forms import (CopyForm, EvaluationFilterForm, adjust_form, field_name, manual_form,
                                      parse_bands)
from sharing.errors import ApiError
from sharing.extensions import db
from sharing.pages import roles_required
from sharing.timeutil import as_platform, utcnow
from sharing.units.models import Unit

bp = Blueprint("evaluations", __name__, template_folder="templates", url_prefix="/reports")

ENTRY_ROLES = ("evaluator", "admin")


def _may_enter() -> bool:
    return any(current_user.has_role(r) for r in ENTRY_ROLES)


def _refused(exc: ApiError):
    db.session.rollback()
    abort(exc.status if exc.status in (403, 404) else 400)


# --- scores -------------------------------------------------------------------------------------

@bp.get("/evaluations")
@roles_required(*REPORT_ROLES)
def evaluations():
    schemes = rubrics.current_versions()
    form = EvaluationFilterForm(formdata=request.args)
    form.scheme.choices = [SelectChoice(v.scheme_id, rubrics.scheme_name(v)) for v in schemes]
    form.validate()
    if form.scheme.data not in {v.scheme_id for v in schemes}:
        form.scheme.data = schemes[0].scheme_id if schemes else None
    if form.year.data is None or form.year.errors:
        form.year.data = as_platform(utcnow()).year - 1
        form.year.errors = []
    try:
        unit_id = scoped_unit(current_user, None)
    except ApiError as exc:
        _refused(exc)
    result = evaluate_scheme(form.scheme.data, form.year.data, unit_id=unit_id) if form.scheme.data else None
    unit_names = {}
    if result and result["rows"]:
        ids = {row["unit_id"] for row in result["rows"]}
        unit_names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
    version = rubrics.get_version(form.scheme.data) if form.scheme.data else None
    return render_template("evaluations/list.html", form=form, result=result, version=version,
                           unit_names=unit_names, may_enter=_may_enter(),
                           items=version.definition["items"] if version else [], text=rubrics.text)


def _subject(level: str, subject_id: int):
    subject = db.session.get(Unit if level == "unit" else Instrument, subject_id)
    if subject is None:
        abort(404)
    return subject


@bp.route("/evaluations/<scheme_id>/<int:year>/<int:subject_id>/manual", methods=["GET", "POST"])
@roles_required(*ENTRY_ROLES)
def manual_items(scheme_id: str, year: int, subject_id: int):
    try:
        version = rubrics.get_version(scheme_id)
    except ApiError as exc:
        _refused(exc)
    subject = _subject(version.level, subject_id)
    items = [i for i in version.definition["items"] if i["kind"] == "manual"]
    entered = {item_id: record for (sid, item_id), record in
               manual_values(scheme_id, year, version.level, subject_id).items()}
    form = manual_form(items, entered, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        changed = 0
        for item in items:
            raw = form[item["id"]].data
            value = None if raw in (None, "") else float(Decimal(str(raw)))
            old = entered.get(item["id"], {}).get("value")
            if (value is None and old is None) or (value is not None and old is not None
                                                   and float(old) == value):
                continue
            try:
                set_manual_value(current_user, scheme_id, year, subject_id, item["id"], value)
                changed += 1
            except ApiError as exc:
                db.session.rollback()
                if exc.status in (403, 404):
                    abort(exc.status)
                messages = [m for ms in (exc.fields or {}).values() for m in ms] or [exc.message]
                form[item["id"]].errors = list(form[item["id"]].errors) + messages
        if not any(form[item["id"]].errors for item in items):
            flash(_("%(count)d value(s) saved.", count=changed), "success")
            return redirect(url_for("evaluations.evaluations", scheme=scheme_id, year=year))
    entered = {item_id: record for (sid, item_id), record in
               manual_values(scheme_id, year, version.level, subject_id).items()}
    status = 422 if request.method == "POST" else 200
    return render_template("evaluations/manual.html", form=form, version=version, year=year, subject=subject,
                           items=items, entered=entered, text=rubrics.text), status


# --- rubric admin -------------------------------------------------------------------------------

@bp.get("/rubrics")
@roles_required("admin")
def rubric_list():
    schemes = rubrics.current_versions()
    versions = {v.scheme_id: rubrics.versions_of(v.scheme_id) for v in schemes}
    return render_template("evaluations/rubrics.html", schemes=schemes, versions=versions,
                           name=rubrics.scheme_name)


@bp.get("/rubrics/<scheme_id>")
@roles_required("admin")
def rubric_detail(scheme_id: str):
    try:
        current = rubrics.get_version(scheme_id)
        version = rubrics.get_version(scheme_id, request.args.get("version", type=int))
    except ApiError as exc:
        _refused(exc)
    return render_template("evaluations/rubric.html", version=version, current=current,
                           versions=rubrics.versions_of(scheme_id), name=rubrics.scheme_name, text=rubrics.text,
                           bands=lambda b: "; ".join(f"≥ {x['min']:g} → {x['points']:g}" for x in b or []))


@bp.route("/rubrics/<scheme_id>/copy", methods=["GET", "POST"])
@roles_required("admin")
def rubric_copy(scheme_id: str):
    try:
        source = rubrics.get_version(scheme_id)
    except ApiError as exc:
        _refused(exc)
    form = CopyForm(formdata=request.form if request.method == "POST" else None,
                    data={"new_id": f"{scheme_id}-copy"[:40], "name_zh": source.name_zh, "name_en": source.name_en})
    if request.method == "POST" and form.validate():
        try:
            copied = rubrics.copy_scheme(current_user, scheme_id, form.new_id.data, form.name_zh.data,
                                         form.name_en.data)
        except ApiError as exc:
            db.session.rollback()
            if exc.status in (403, 404):
                abort(exc.status)
            for key, messages in (exc.fields or {"new_id": [exc.message]}).items():
                target = form.new_id if key == "id" else getattr(form, key, form.new_id)
                target.errors = list(target.errors) + list(messages)
        else:
            flash(_("Rubric copied."), "success")
            return redirect(url_for("evaluations.rubric_detail", scheme_id=copied.scheme_id))
    status = 422 if request.method == "POST" else 200
    return render_template("evaluations/copy.html", form=form, source=source, name=rubrics.scheme_name), status


def _number(value):
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _definition_from(form, version) -> dict:
    """The version's definition with the form's values put in (errors of unreadable bands on the form)."""
    definition = copy.deepcopy(version.definition)
    definition["settings"]["scope_min_price"] = _number(form["settings__scope_min_price"].data)
    for grade in definition["grades"]:
        code = grade["grade"]
        grade["label"] = {"zh": form[f"grades__{code}__label_zh"].data or "",
                          "en": form[f"grades__{code}__label_en"].data or ""}
        if code != "D":
            grade["min"] = _number(form[f"grades__{code}__min"].data)
    for block in definition["blocks"]:
        key = f"blocks__{block['id']}"
        block["weight"], block["cap"] = _number(form[key + "__weight"].data), _number(form[key + "__cap"].data)
    for item in definition["items"]:
        key = f"items__{item['id']}"
        item["points"], item["cap"] = _number(form[key + "__points"].data), _number(form[key + "__cap"].data)
        item["expression"] = (form[key + "__expression"].data or "").strip() or None
        if item["kind"] == "metric":
            item["value"] = (form[key + "__value"].data or "").strip()
        try:
            item["bands"] = parse_bands(form[key + "__bands"].data)
        except ValueError:
            form[key + "__bands"].errors = [_("Write bands as minimum: points, separated by semicolons.")]
    return definition


@bp.route("/rubrics/<scheme_id>/adjust", methods=["GET", "POST"])
@roles_required("admin")
def rubric_adjust(scheme_id: str):
    try:
        version = rubrics.get_version(scheme_id)
    except ApiError as exc:
        _refused(exc)
    form = adjust_form(version, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        definition = _definition_from(form, version)
        if not any(f.errors for f in form):
            try:
                saved = rubrics.adjust_scheme(current_user, scheme_id,
                                              {"name_zh": form.name_zh.data, "name_en": form.name_en.data,
                                               "definition": definition}, note=form.note.data)
            except ApiError as exc:
                db.session.rollback()
                if exc.status in (403, 404):
                    abort(exc.status)
                for key, messages in (exc.fields or {}).items():
                    target = form._fields.get(field_name(key))
                    if target is None:
                        flash("; ".join(messages), "error")
                    else:
                        target.errors = list(target.errors) + list(messages)
            else:
                flash(_("Saved as version %(version)d.", version=saved.version), "success")
                return redirect(url_for("evaluations.rubric_detail", scheme_id=scheme_id))
    status = 422 if request.method == "POST" else 200
    return render_template("evaluations/adjust.html", form=form, version=version, name=rubrics.scheme_name,
                           text=rubrics.text), status

from reports import evaluation_print  # noqa: E402,F401  (registers the print page on ``bp``)
