"""JSON API of reports (API.md, "Reports")."""
from __future__ import annotations

from flask import Response, jsonify, stream_with_context
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from reports import exports
from reports.access import scoped_unit
from reports.metrics import GROUP_BYS, ReportStream, report_settings, scope_min_price, sharing_report
from sharing.api_common import QuerySchema, Text
from sharing.auth import actor
from sharing.extensions import ErrorEnvelope, db
from sharing.timeutil import platform_midnight, utcnow
from sharing.units.models import Unit

blp = Blueprint("reports_api", __name__, url_prefix="/api/v1", description="Reports")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SharingReportQuery(QuerySchema):
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    group_by = fields.String(load_default="instrument", validate=validate.OneOf(GROUP_BYS))
    unit_id = fields.Integer(load_default=None, allow_none=True)
    category = Text(load_default=None, allow_none=True, max_length=6)
    in_scope_min_price = fields.Decimal(load_default=None, allow_none=True, places=2,
                                        validate=validate.Range(min=0))
    cluster_only = fields.Boolean(load_default=False, metadata={
        "description": "Only instruments of the laboratory cluster's member units (extension)."})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")))
    header = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("zh", "en")))

    @validates_schema
    def _window(self, data, **kwargs):
        if "from_" in data and "to" in data and data["to"] <= data["from_"]:
            raise ValidationError("The end must be after the start.", "to")


class SharingTotalsSchema(Schema):
    instrument_count = fields.Integer()
    effective_hours = fields.Float()
    internal_hours = fields.Float()
    external_hours = fields.Float()
    sharing_rate = fields.Float(allow_none=True)
    rated_hours = fields.Float()
    utilization = fields.Float(allow_none=True)
    income_internal = fields.Float()
    income_external = fields.Float()
    yield_rate = fields.Float(allow_none=True)
    samples = fields.Integer()
    bookings = fields.Integer()
    no_shows = fields.Integer()
    rating_avg = fields.Float(allow_none=True)
    rating_count = fields.Integer()


class SharingRowSchema(SharingTotalsSchema):
    key = fields.Raw(metadata={"description": "Instrument or unit id (integer), or category code (string)."})
    flags = fields.List(fields.String())


class SharingReportSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    group_by = fields.String()
    scope_min_price = fields.Float()
    rows = fields.List(fields.Nested(SharingRowSchema))
    totals = fields.Nested(SharingTotalsSchema)
    settings = fields.Dict(metadata={"description": "Settings the figures depend on (extension)."})


def _number(value):
    """A price as a JSON number: an integer when it has no fen."""
    return int(value) if value == int(value) else float(value)


@blp.route("/reports/sharing", methods=["GET"])
@blp.arguments(SharingReportQuery, location="query")
@blp.response(200, SharingReportSchema)
@blp.alt_response(403, schema=ErrorEnvelope, description="Researchers; another unit's unit_id for managers.")
@blp.doc(responses={"200": {"content": {"text/csv": {"schema": {"type": "string"}},
                                        XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}})
def sharing(args):
    """Sharing figures per instrument, unit or category for the window ``[from, to)``.

    Dates are midnight in the platform time zone. ``format=csv`` (UTF-8 with BOM) and ``xlsx`` give
    the same numbers as JSON, the first row holding the field names; for people (``header=zh``:
    Chinese titles, ``header=en``: field names) the extension columns follow and the last row holds
    the totals. CSV is streamed.
    """
    user = actor()
    unit_id = scoped_unit(user, args["unit_id"])
    min_price = args["in_scope_min_price"]
    if min_price is None:
        min_price = scope_min_price()
    window_start, window_end = platform_midnight(args["from_"]), platform_midnight(args["to"])
    kind = args["format"]
    filename = f"sharing-{args['group_by']}-{args['from_']:%Y%m%d}-{args['to']:%Y%m%d}.{kind}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if kind == "csv":  # streamed: the rows leave as the database cursor yields them
        stream = ReportStream(window_start, window_end, args["group_by"], unit_id=unit_id,
                              category=args["category"], min_price=min_price, cluster_only=args["cluster_only"])
        chunks = exports.csv_chunks(stream, args["group_by"], args["header"])
        return Response(stream_with_context(chunks), mimetype="text/csv", headers=disposition)
    report = sharing_report(window_start, window_end, args["group_by"], unit_id=unit_id,
                            category=args["category"], min_price=min_price, cluster_only=args["cluster_only"])
    if kind == "json":
        return jsonify({"from": args["from_"].isoformat(), "to": args["to"].isoformat(),
                        "group_by": args["group_by"], "scope_min_price": _number(min_price),
                        "cluster_only": args["cluster_only"], **report,
                        "settings": report_settings()})
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    unit_name = unit.name if unit else (_("Members of the laboratory cluster") if args["cluster_only"] else None)
    about = exports.about_lines(args["from_"], args["to"], args["group_by"], min_price, unit_name,
                                args["category"], report_settings(),
                                format_datetime(utcnow(), "yyyy-MM-dd HH:mm"))
    return Response(exports.to_xlsx(report, args["group_by"], args["header"], about), mimetype=XLSX_TYPE,
                    headers=disposition)
