"""JSON API of evaluations under rubrics (API.md, "Reports": ``/evaluations``, ``/evaluation-schemes``).

Extensions beyond the contract: every result names the rubric version, window and settings it was
computed with (``version=`` recomputes an older version), rows carry ``grade_label``, ``blocks`` and
(per-instrument rubrics) ``instrument_id``; items carry their ``label`` and, for manual items, who
entered them. ``PUT /evaluations/{year}/manual-items`` lets evaluators and admins enter a manual value.
"""
from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from reports import rubrics
from reports.access import scoped_unit
from reports.api import XLSX_TYPE
from reports.evaluation import evaluate_scheme, set_manual_value
from reports.evaluation_export import evaluation_xlsx
from sharing.api_common import PaginationQuery, PlatformDateTime, QuerySchema, StrictSchema, page_schema
from sharing.auth import actor
from sharing.errors import forbidden, validation_error
from sharing.extensions import ErrorEnvelope, db
from sharing.roles import Role, sees_all_units
from sharing.units.models import Unit

blp = Blueprint("evaluations_api", __name__, url_prefix="/api/v1", description="Evaluations")

YEAR = validate.Range(min=1990, max=2100)


def may_enter_values(user) -> bool:
    return user.has_role(Role.EVALUATOR) or user.has_role(Role.ADMIN)


def may_read(user) -> bool:
    return sees_all_units(user) or user.has_role(Role.MANAGER) or user.has_role(Role.UNIT_ADMIN)


class EvaluationQuery(QuerySchema):
    year = fields.Integer(required=True, validate=YEAR)
    scheme = fields.String(required=True, validate=validate.Length(min=1, max=40))
    unit_id = fields.Integer(load_default=None, allow_none=True)
    version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1),
                             metadata={"description": "A rubric version (default: the current one)."})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "xlsx")),
                           metadata={"description": "xlsx: a workbook for people, with a sheet stating the "
                                                    "rubric, version, period, scope and rules (extension)."})


class PersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class EvaluationItemSchema(Schema):
    id = fields.String()
    value = fields.Float(allow_none=True)
    points = fields.Float()
    label = fields.String()
    kind = fields.String()
    block = fields.String()
    max_points = fields.Float()
    entered_by = fields.Nested(PersonSchema, allow_none=True, metadata={"description": "Manual items only."})
    entered_at = PlatformDateTime(allow_none=True)


class EvaluationBlockSchema(Schema):
    id = fields.String()
    label = fields.String()
    points = fields.Float()
    weight = fields.Float()
    weighted = fields.Float()


class EvaluationRowSchema(Schema):
    unit_id = fields.Integer()
    instrument_id = fields.Integer(metadata={"description": "Rows of per-instrument rubrics."})
    inner_id = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    score = fields.Float()
    grade = fields.String()
    grade_label = fields.String()
    items = fields.List(fields.Nested(EvaluationItemSchema))
    blocks = fields.List(fields.Nested(EvaluationBlockSchema))
    metrics = fields.Dict(metadata={"description": "The named figures the items were computed from."})


class WindowSchema(Schema):
    kind = fields.String()
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String(metadata={"description": "Exclusive."})


class GradeSchema(Schema):
    grade = fields.String()
    label = fields.String()
    min = fields.Float()


class EvaluationSchema(Schema):
    scheme = fields.String()
    year = fields.Integer()
    rows = fields.List(fields.Nested(EvaluationRowSchema))
    scheme_version = fields.Integer()
    scheme_name = fields.String()
    level = fields.String()
    window = fields.Nested(WindowSchema)
    settings = fields.Dict()
    grades = fields.List(fields.Nested(GradeSchema))
    computed_at = PlatformDateTime()


class SchemeSchema(Schema):
    id = fields.String()
    name = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    version = fields.Integer()
    level = fields.String()
    window = fields.String(metadata={"description": "calendar, or academic (1 Sep – 31 Aug)."})
    description = fields.String()
    settings = fields.Dict()
    blocks = fields.List(fields.Dict())
    items = fields.List(fields.Dict())
    grades = fields.List(fields.Nested(GradeSchema))
    created_at = PlatformDateTime()


SchemePageSchema = page_schema(SchemeSchema, "EvaluationSchemePage")


class ManualValueInput(StrictSchema):
    scheme = fields.String(required=True, validate=validate.Length(min=1, max=40))
    unit_id = fields.Integer()
    instrument_id = fields.Integer()
    item = fields.String(required=True, validate=validate.Length(min=1, max=40))
    value = fields.Float(required=True, allow_none=True, metadata={"description": "null clears the value."})

    @validates_schema
    def _one_subject(self, data, **kwargs):
        if ("unit_id" in data) == ("instrument_id" in data):
            raise ValidationError("Give either unit_id or instrument_id.", "_schema")


class ManualValueSchema(Schema):
    scheme = fields.String()
    year = fields.Integer()
    unit_id = fields.Integer()
    instrument_id = fields.Integer()
    item = fields.String()
    value = fields.Float(allow_none=True)
    entered_by = fields.Nested(PersonSchema, allow_none=True)
    entered_at = PlatformDateTime(allow_none=True)


@blp.route("/evaluation-schemes", methods=["GET"])
@blp.arguments(PaginationQuery, location="query")
@blp.response(200, SchemePageSchema)
@blp.alt_response(403, schema=ErrorEnvelope, description="Researchers.")
def list_schemes(args):
    """The rubrics in their current versions, by id (evaluators, admins, unit admins, managers)."""
    if not may_read(actor()):
        raise forbidden()
    items = [rubrics.scheme_json(v) for v in rubrics.current_versions()]
    per_page = min(args["per_page"], 200)
    start = (args["page"] - 1) * per_page
    return {"items": items[start:start + per_page], "total": len(items), "page": args["page"], "per_page": per_page}


@blp.route("/evaluation-schemes/<scheme_id>", methods=["GET"])
@blp.arguments(QuerySchema.from_dict({"version": fields.Integer(load_default=None, allow_none=True)},
                                     name="SchemeVersionQuery"), location="query")
@blp.response(200, SchemeSchema)
@blp.alt_response(404, schema=ErrorEnvelope, description="Unknown rubric or version.")
def get_scheme(args, scheme_id):
    """One rubric, in its current version or ``version``."""
    if not may_read(actor()):
        raise forbidden()
    return rubrics.scheme_json(rubrics.get_version(scheme_id, args["version"]))


@blp.route("/evaluations", methods=["GET"])
@blp.arguments(EvaluationQuery, location="query")
@blp.response(200, EvaluationSchema)
@blp.alt_response(403, schema=ErrorEnvelope, description="Researchers; another unit's unit_id for managers.")
@blp.alt_response(404, schema=ErrorEnvelope, description="Unknown rubric or version.")
def evaluations(args):
    """Scores per unit (or per instrument) under a rubric for ``year`` (a calendar year, or the
    academic year beginning 1 September ``year``, as the rubric says). Evaluators and admins see
    every unit; unit admins and managers their own."""
    unit_id = scoped_unit(actor(), args["unit_id"])
    rubrics.get_version(args["scheme"], args["version"])  # 404 before any figures are computed
    result = evaluate_scheme(args["scheme"], args["year"], unit_id=unit_id, version=args["version"])
    if args["format"] == "json":
        return result
    names = dict(db.session.execute(select(Unit.id, Unit.name)).all())
    filename = f"evaluation-{args['scheme']}-{args['year']}.xlsx"
    return Response(evaluation_xlsx(result, names), mimetype=XLSX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.route("/evaluations/<int:year>/manual-items", methods=["PUT"])
@blp.arguments(ManualValueInput)
@blp.response(200, ManualValueSchema)
@blp.alt_response(403, schema=ErrorEnvelope, description="Anyone but evaluators and admins.")
@blp.alt_response(404, schema=ErrorEnvelope, description="Unknown rubric.")
def put_manual_value(data, year):
    """Enter (or with ``"value": null`` clear) a manual item's value for a unit (unit-level rubrics) or an
    instrument (per-instrument rubrics) and year. The value must lie in the item's range."""
    user = actor()
    if not may_enter_values(user):
        raise forbidden(_("Only evaluators and admins enter manual values."))
    if not 1990 <= year <= 2100:
        raise validation_error({"year": [_("Give a year between 1990 and 2100.")]})
    scheme = rubrics.get_version(data["scheme"])
    field = "unit_id" if scheme.level == "unit" else "instrument_id"
    if field not in data:
        raise validation_error({field: [_("This rubric evaluates units.") if field == "unit_id"
                                        else _("This rubric evaluates instruments.")]})
    return set_manual_value(user, data["scheme"], year, data[field], data["item"], data["value"])
