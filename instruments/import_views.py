"""The import page: a spreadsheet of instruments, checked first, then imported.

The page itself only offers the file; ``static/js/instrument-import.js`` sends it to
``POST /api/v1/instruments/import`` (with ``dry_run=1`` for the check) using the session cookie
and the page's CSRF token, and shows progress, the counts and every error by row and column.
"""
from __future__ import annotations

import csv
import io

from flask import Response, abort, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from instruments.edit_views import RECORD_FIELDS
from instruments.forms import InstrumentForm
from instruments.views import bp, may_register_instruments
from sharing import roles as policy

IMPORT_URL = "/api/v1/instruments/import"
# The usual Chinese column titles of the national record (API.md, "Instruments": import).
TEMPLATE_COLUMNS = (
    "所在单位仪器编号", "仪器名称", "英文名称", "规格型号", "生产制造商", "产地国别", "分类编码", "原值（元）",
    "购置日期", "启用日期", "主要技术指标", "主要功能", "服务内容", "安放地址", "所在城市", "联系人", "联系电话",
    "电子邮箱",
)


def _require_manager() -> None:
    if not may_register_instruments(current_user):
        abort(403)


def field_labels() -> dict[str, str]:
    """API field name → the form's label, to name the columns of import errors."""
    form = InstrumentForm(meta={"csrf": False})
    labels = {name: str(form[name].label.text) for name in RECORD_FIELDS}
    labels["unit_id"] = _("Unit")
    return labels


@bp.get("/instruments/import")
@login_required
def import_page():
    _require_manager()
    max_bytes = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return render_template("instruments/import.html", import_url=IMPORT_URL, max_bytes=max_bytes,
                           max_size=f"{max_bytes / 2**20:.3g} MB", field_labels=field_labels(),
                           admin=policy.is_admin(current_user))


@bp.get("/instruments/import/template.csv")
@login_required
def import_template():
    """An empty sheet with the Chinese column titles; UTF-8 with BOM so that Excel reads it right."""
    _require_manager()
    columns = list(TEMPLATE_COLUMNS)
    if policy.is_admin(current_user):
        columns.insert(0, "unit_id")  # admins say which unit each row belongs to
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(columns)
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=instrument-import-template.csv"})
