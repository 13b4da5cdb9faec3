"""JSON API for moving the catalogue in and out in bulk (API.md, "Instruments": import and export)."""
from flask import Response, jsonify, stream_with_context
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from instruments import exporter
from instruments.importer import import_instruments
from instruments.schemas import InstrumentListQuery
from sharing.api_common import QuerySchema
from sharing.auth import accepts_multipart, actor
from sharing.extensions import ErrorEnvelope
from sharing.timeutil import as_platform, utcnow

blp = Blueprint("instrument_transfer_api", __name__, url_prefix="/api/v1", description="Catalogue import and export")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportQuery(QuerySchema):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "Check and count only; write nothing."})
    partial = fields.Boolean(load_default=False,
                             metadata={"description": "Write the valid rows even when other rows have errors."})


class ImportFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "An .xlsx workbook or a .csv file (UTF-8 or GB18030)."})


class ImportRowError(Schema):
    row = fields.Integer(metadata={"description": "Sheet row number; the header is row 1."})
    field = fields.String(metadata={"description": "API field name."})
    message = fields.String()


class ImportResult(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    errors = fields.List(fields.Nested(ImportRowError))


class ExportQuery(InstrumentListQuery):
    """The list's filters (without paging: everything that matches is exported) and a format."""

    class Meta(InstrumentListQuery.Meta):
        exclude = ("page", "per_page")

    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx", "nrii"]))


class NriiRecord(Schema):
    """A single-instrument record of the national platform (instruType 4)."""

    innerId = fields.String(metadata={"description": "Only for the owning unit, evaluators and admins."})
    cname, ename, instrCategory, instrVersion = fields.String(), fields.String(), fields.String(), fields.String()
    manufacturer, nation = fields.String(), fields.String()
    worth = fields.Float(metadata={"description": "原值 in 万元, 2 decimals."})
    beginDate = fields.Date(metadata={"description": "启用日期"})
    type = fields.String(metadata={"description": "通用 or 专用"})
    technical, function, subject, serviceContent = fields.String(), fields.String(), fields.String(), fields.String()
    status = fields.String(metadata={"description": "正常, 待机, 远程服务中, 偶有故障, 故障频繁, 待修 or 待报废"})
    shareMode = fields.String(metadata={"description": "内部共享, 外部共享 or 不共享"})
    requirement, fee, serviceUrl, address = fields.String(), fields.String(), fields.String(), fields.String()
    contact, phone, email = fields.String(), fields.String(), fields.String()
    instrSource = fields.String(metadata={"description": "购置, 研制, 赠送 or 其他"})
    instrSupervise = fields.String(metadata={"description": "是 or 否"})
    funds = fields.String(metadata={"description": "中央财政资金, 地方财政资金, 单位自有资金 or 其他资金"})
    insideDepart = fields.String()


@blp.route("/instruments/import", methods=["POST"])
@accepts_multipart
@blp.arguments(ImportQuery, location="query")
@blp.arguments(ImportFile, location="files")
@blp.response(200, ImportResult)
@blp.alt_response(403, schema=ErrorEnvelope, description="Not a manager, unit admin or admin.")
@blp.alt_response(413, schema=ErrorEnvelope, description="The upload is larger than MAX_CONTENT_LENGTH.")
def import_file(query, files):
    """Create or update instruments from a spreadsheet.

    Managers and unit admins import their own unit's instruments; admins may add a ``unit_id`` column.
    Rows are matched on (``unit_id``, ``inner_id``): a match is updated, else created. Always 200 once
    the file could be read; with any row error nothing is written unless ``partial``. An unreadable
    file is 422 ``unreadable_file``, one over the row limit 422 ``too_many_rows``, an oversized body 413.
    """
    upload = files["file"]
    result = import_instruments(actor(), upload.filename or "", upload.read(),
                                dry_run=query["dry_run"], partial=query["partial"])
    return jsonify(result)


def _download(body, mimetype: str, extension: str) -> Response:
    filename = f"instruments-{as_platform(utcnow()):%Y%m%d}.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.route("/instruments/export", methods=["GET"])
@blp.arguments(ExportQuery, location="query")
@blp.doc(responses={"200": {
    "description": "The instruments the caller may see, with the fields the caller may see. CSV and XLSX: "
                   "the first row holds the API field names.",
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        "application/json": {"schema": {"type": "array", "items": NriiRecord}},
    },
}})
def export_file(args):
    """Download the catalogue as ``csv``, ``xlsx`` or ``nrii``.

    CSV is UTF-8 with a BOM; ``nrii`` is a JSON list in the national push format for single
    instruments. Takes the list's filters; everything that matches is exported, unpaged.
    """
    user = actor()
    kind = args.pop("format")
    if kind == "xlsx":
        return _download(exporter.xlsx_bytes(user, args), XLSX_TYPE, "xlsx")
    # The body is produced after the view returns: keep the request's context (and session) for it.
    if kind == "nrii":
        return _download(stream_with_context(exporter.nrii_stream(user, args)), "application/json", "json")
    return _download(stream_with_context(exporter.csv_stream(user, args)), "text/csv", "csv")
