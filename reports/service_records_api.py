"""JSON API of the national service-record export (API.md, "Reports": ``/reports/service-records``)."""
from __future__ import annotations

from flask import Response, send_file, stream_with_context
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from reports import service_records
from reports.access import scoped_unit
from sharing.api_common import QuerySchema
from sharing.auth import actor
from sharing.extensions import ErrorEnvelope
from sharing.i18n_messages import N_
from sharing.timeutil import platform_midnight

blp = Blueprint("service_records_api", __name__, url_prefix="/api/v1", description="Reports")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("nrii", "csv", "xlsx")


class ServiceRecordsQuery(QuerySchema):
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    unit_id = fields.Integer(load_default=None, allow_none=True)
    format = fields.String(load_default="nrii", validate=validate.OneOf(FORMATS))
    header = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("zh", "en")),
                           metadata={"description": "CSV and XLSX header row: `en` the field names, `zh` Chinese "
                                                    "titles. Default: field names for CSV, Chinese for XLSX."})

    @validates_schema
    def _window(self, data, **kwargs):
        if "from_" in data and "to" in data and data["to"] <= data["from_"]:
            raise ValidationError(N_("The end must be after the start."), "to")


class ServiceRecord(Schema):
    """A service record of the national platform (instruType 6), research-cn-rules.md §3.3."""

    innerId = fields.String(metadata={"description": "The instrument's inner id (所在单位仪器编号)."})
    recordInnerId = fields.String(metadata={"description": "The usage log id, as text (extension)."})
    serviceTime = fields.String(metadata={"description": "Start, `YYYY-MM-DD HH` in the platform time zone."})
    endTime = fields.String(metadata={"description": "End, `YYYY-MM-DD HH` in the platform time zone."})
    amounts = fields.Float(metadata={"description": "Fee in yuan (元)."})
    serviceContent = fields.String(metadata={"description": "The log's comment, else the booking's purpose, else "
                                                            "the purpose's Chinese name; at most 200 characters."})
    serviceWay = fields.String(metadata={"description": "占用共享, 技术共享, 委托共享 or 远程共享."})
    serviceAmount = fields.Float(metadata={"description": "Hours rounded to 0.1; the sample count for 委托共享."})
    serviceType = fields.Integer(metadata={"description": "120 internal user, 130 external user."})
    serviceDirection = fields.Integer(metadata={"description": "135 research, 136 development (social service), "
                                                               "137 teaching and training, 138 other (maintenance)."})
    applicant = fields.String()
    applicantUnit = fields.String()
    comment = fields.String(metadata={"description": "非常满意, 基本满意, 一般, 不满意, 极差, or empty."})


TOTAL_HEADER = {"X-Total-Records": {"description": "How many records the body holds (for a progress bar).",
                                    "schema": {"type": "integer"}}}


@blp.route("/reports/service-records", methods=["GET"])
@blp.arguments(ServiceRecordsQuery, location="query")
@blp.alt_response(403, schema=ErrorEnvelope, description="Researchers; another unit's unit_id for managers.")
@blp.doc(responses={"200": {
    "description": "The records, ordered by instrument then start.",
    "headers": TOTAL_HEADER,
    "content": {
        "application/json": {"schema": {"type": "array", "items": ServiceRecord}},
        "text/csv": {"schema": {"type": "string"}},
        XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
    },
}})
def service_records_export(args):
    """One national service record per non-voided usage log starting in ``[from, to)``.

    Dates are midnight in the platform time zone. ``format=nrii`` (default) is a JSON list of records
    in the national push format, like the single-instrument export; ``csv`` is UTF-8 with a BOM whose
    first row holds the field names (``header=zh``: Chinese titles); ``xlsx`` has a Chinese header
    row unless ``header=en``. Evaluators and admins see every unit (``unit_id`` narrows); managers
    and unit admins their own unit. ``nrii`` and ``csv`` are streamed; ``X-Total-Records`` gives the
    number of records before the body arrives.
    """
    user = actor()
    unit_id = scoped_unit(user, args["unit_id"])
    window_start, window_end = platform_midnight(args["from_"]), platform_midnight(args["to"])
    total = service_records.count_records(window_start, window_end, unit_id)
    kind = args["format"]
    extension = "json" if kind == "nrii" else kind
    filename = f"service-records-{args['from_']:%Y%m%d}-{args['to']:%Y%m%d}.{extension}"
    headers = {"X-Total-Records": str(total)}
    rows = service_records.records(window_start, window_end, unit_id)
    if kind == "xlsx":
        header = args["header"] or "zh"
        body = service_records.xlsx_file(rows, header, _("Service records"))
        response = send_file(body, mimetype=XLSX_TYPE, as_attachment=True, download_name=filename)
        response.headers.update(headers)
        return response
    headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The body is produced after the view returns: keep the request's context (and session) for it.
    if kind == "nrii":
        return Response(stream_with_context(service_records.nrii_chunks(rows)), mimetype="application/json",
                        headers=headers)
    chunks = service_records.csv_chunks(rows, args["header"])
    return Response(stream_with_context(chunks), mimetype="text/csv", headers=headers)
