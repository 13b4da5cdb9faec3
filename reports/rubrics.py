"""Rubrics as data: validation of a definition, presets, versions, copying and adjusting.

A rubric (evaluation scheme) is a slug id with versions; each version holds the names, the
subject level (``unit`` or ``instrument``), the window kind (``calendar`` year or ``academic`` year
1 Sep – 31 Aug, named after the year it begins in) and a definition (settings, blocks, items, grades;
see ``reports.rubric_presets``). Adjusting writes a new version; old ones stay reproducible.
"""
from __future__ import annotations

import copy
import math
import re

from flask_babel import get_locale, gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from reports.metrics import EXTRA_FIELDS, ROW_FIELDS
from reports.rubric_expr import ExpressionError, check
from reports.rubric_models import LEVELS, WINDOWS, EvaluationScheme, EvaluationSchemeVersion
from reports.rubric_presets import PRESETS
from sharing.errors import ApiError, not_found, validation_error
from sharing.extensions import db

GRADES = ("A", "B", "C", "D")
KINDS = ("metric", "manual")
# Named metrics an item's expressions may use: the sharing report's figures of the subject (unit or
# instrument) over the window and scope, and qualifications granted in the window (not revoked).
QUALIFICATION_METRICS = ("qualified_independent", "qualified_guided")
METRIC_NAMES = tuple(f for f in ROW_FIELDS + EXTRA_FIELDS if f not in ("key", "flags")) + QUALIFICATION_METRICS
SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
ITEM_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED = set(METRIC_NAMES) | {"value", "min", "max"}
MAX_ITEMS = 40
MAX_NUMBER = 1e9


def lang() -> str:
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


def text(label) -> str:
    """A ``{"zh", "en"}`` label in the user's language (the other one when it is missing)."""
    if not isinstance(label, dict):
        return "" if label is None else str(label)
    return label.get(lang()) or label.get("zh") or label.get("en") or ""


def scheme_name(version: EvaluationSchemeVersion) -> str:
    return version.name_en if lang() == "en" and version.name_en else version.name_zh


# --- validation ---------------------------------------------------------------------------------

class _Errors(dict):
    def add(self, key: str, message) -> None:
        self.setdefault(key, []).append(str(message))


def _number(value, errors: _Errors, key: str, *, allow_none=False, minimum=None, maximum=MAX_NUMBER):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors.add(key, _("Enter a number."))
        return None
    if minimum is not None and value < minimum:
        errors.add(key, _("Must be at least %(min)s.", min=minimum))
    if maximum is not None and value > maximum:
        errors.add(key, _("Must be at most %(max)s.", max=maximum))
    return int(value) if float(value).is_integer() else float(value)


def _label(value, errors: _Errors, key: str) -> dict:
    if not isinstance(value, dict) or not str(value.get("zh") or "").strip():
        errors.add(key, _("Give a Chinese name."))
        return {"zh": "", "en": ""}
    zh, en = str(value["zh"]).strip(), str(value.get("en") or "").strip()
    if len(zh) > 200 or len(en) > 200:
        errors.add(key, _("At most 200 characters."))
    return {"zh": zh, "en": en or zh}


def _optional_text(value) -> dict | None:
    if not isinstance(value, dict):
        return None
    return {"zh": str(value.get("zh") or "")[:1000], "en": str(value.get("en") or "")[:1000]}


def _bands(value, errors: _Errors, key: str) -> list[dict] | None:
    if value in (None, []):
        return None
    if not isinstance(value, list):
        errors.add(key, _("Bands must be a list of minimum values and points."))
        return None
    bands = []
    for band in value:
        if not isinstance(band, dict):
            errors.add(key, _("Bands must be a list of minimum values and points."))
            return None
        bands.append({"min": _number(band.get("min"), errors, key), "points": _number(band.get("points"), errors, key,
                                                                                      minimum=0)})
    if all(b["min"] is not None for b in bands):
        bands.sort(key=lambda b: b["min"], reverse=True)
    return bands


def _input(value, errors: _Errors, key: str) -> dict:
    value = value if isinstance(value, dict) else {}
    minimum = _number(value.get("min", 0), errors, key, minimum=-MAX_NUMBER)
    maximum = _number(value.get("max", 100), errors, key, minimum=-MAX_NUMBER)
    if minimum is not None and maximum is not None and maximum < minimum:
        errors.add(key, _("The largest value must not be below the smallest."))
    choices = value.get("choices")
    if choices is not None:
        if not isinstance(choices, list) or not choices:
            errors.add(key, _("Choices must be a list of numbers."))
            choices = None
        else:
            choices = [_number(c, errors, key, minimum=-MAX_NUMBER) for c in choices]
    return {"min": minimum, "max": maximum, "integer": bool(value.get("integer")), "choices": choices}


def validate_definition(level: str, window_kind: str, definition: dict) -> dict:
    """The definition, normalised; or a 422 ApiError whose fields name each problem."""
    errors = _Errors()
    if level not in LEVELS:
        errors.add("level", _("Unknown level."))
    if window_kind not in WINDOWS:
        errors.add("window_kind", _("Unknown window."))
    definition = definition if isinstance(definition, dict) else {}
    settings = definition.get("settings") if isinstance(definition.get("settings"), dict) else {}
    out = {"description": _optional_text(definition.get("description")),
           "settings": {"scope_min_price": _number(settings.get("scope_min_price"), errors,
                                                   "settings.scope_min_price", minimum=0)}}
    blocks = []
    for index, block in enumerate(definition.get("blocks") or []):
        key = f"blocks.{block.get('id', index) if isinstance(block, dict) else index}"
        block = block if isinstance(block, dict) else {}
        blocks.append({"id": str(block.get("id") or ""), "label": _label(block.get("label"), errors, key + ".label"),
                       "weight": _number(block.get("weight"), errors, key + ".weight", minimum=0),
                       "cap": _number(block.get("cap"), errors, key + ".cap", allow_none=True, minimum=0)})
    block_ids = [b["id"] for b in blocks]
    if not blocks or len(set(block_ids)) != len(block_ids) or not all(ITEM_ID.match(b) for b in block_ids):
        errors.add("blocks", _("Give at least one block, each with its own id."))
    raw_items = definition.get("items") or []
    if not raw_items or len(raw_items) > MAX_ITEMS:
        errors.add("items", _("Give between 1 and %(max)s items.", max=MAX_ITEMS))
    items = []
    for index, item in enumerate(raw_items):
        item = item if isinstance(item, dict) else {}
        item_id = str(item.get("id") or "")
        key = f"items.{item_id or index}"
        # A manual item's value is named by its id in expressions: it must not hide a metric.
        reserved = RESERVED if item.get("kind") == "manual" else {"value", "min", "max"}
        if not ITEM_ID.match(item_id) or item_id in reserved:
            errors.add(key + ".id", _("Item ids are lower-case letters, digits and _, and not a metric's name."))
        if item.get("kind") not in KINDS:
            errors.add(key + ".kind", _("Unknown kind."))
        if item.get("block") not in block_ids:
            errors.add(key + ".block", _("Unknown block."))
        items.append({
            "id": item_id, "label": _label(item.get("label"), errors, key + ".label"), "block": item.get("block"),
            "kind": item.get("kind"),
            "value": (str(item.get("value") or "").strip() or None) if item.get("kind") == "metric" else None,
            "expression": str(item.get("expression") or "").strip() or None,
            "bands": _bands(item.get("bands"), errors, key + ".bands"),
            "points": _number(item.get("points"), errors, key + ".points", minimum=0),
            "cap": _number(item.get("cap"), errors, key + ".cap", allow_none=True, minimum=0),
            "input": _input(item.get("input"), errors, key + ".input") if item.get("kind") == "manual" else None,
            "description": _optional_text(item.get("description")),
        })
    item_ids = [i["id"] for i in items]
    if len(set(item_ids)) != len(item_ids):
        errors.add("items", _("Item ids must be unique."))
    manual_ids = {i["id"] for i in items if i["kind"] == "manual"}
    for item in items:
        key = f"items.{item['id']}"
        names = set(METRIC_NAMES) | manual_ids
        if item["kind"] == "metric":
            _expression(item["value"], names, errors, key + ".value", required=True)
        _expression(item["expression"], names | {"value"}, errors, key + ".expression",
                    required=not item["bands"])
    out["blocks"], out["items"] = blocks, items
    out["grades"] = _grades(definition.get("grades"), errors)
    if errors:
        raise validation_error(dict(errors))
    return out


def _expression(expression, names, errors: _Errors, key: str, required: bool) -> None:
    if expression is None:
        if required:
            errors.add(key, _("Give an expression."))
        return
    try:
        check(expression, names)
    except ExpressionError as exc:
        errors.add(key, exc)


def _grades(value, errors: _Errors) -> list[dict]:
    grades = {}
    for grade in value if isinstance(value, list) else []:
        if isinstance(grade, dict) and grade.get("grade") in GRADES:
            grades[grade["grade"]] = grade
    out = []
    for code in GRADES:
        grade = grades.get(code, {})
        out.append({"grade": code, "label": _label(grade.get("label"), errors, f"grades.{code}.label"),
                    "min": 0 if code == "D" else _number(grade.get("min"), errors, f"grades.{code}.min",
                                                         minimum=0)})
    mins = [g["min"] for g in out]
    if None not in mins and not all(a > b for a, b in zip(mins, mins[1:])):
        errors.add("grades", _("The minimum scores must fall from A to D."))
    return out


# --- storage ------------------------------------------------------------------------------------

def ensure_presets() -> None:
    """Insert the shipped rubrics that are missing (the migration seeds them; this heals a wiped table)."""
    have = set(db.session.scalars(select(EvaluationScheme.id)))
    missing = [p for p in PRESETS if p["id"] not in have]
    if not missing:
        return
    try:
        for preset in missing:
            db.session.add(EvaluationScheme(id=preset["id"], version=1, preset=True))
            db.session.flush()
            db.session.add(_version_row(preset["id"], 1, preset, note="preset"))
        db.session.commit()
    except IntegrityError:  # another request seeded them at the same time
        db.session.rollback()


def _version_row(scheme_id: str, version: int, data: dict, note=None, created_by=None) -> EvaluationSchemeVersion:
    return EvaluationSchemeVersion(scheme_id=scheme_id, version=version, name_zh=data["name_zh"],
                                   name_en=data["name_en"] or data["name_zh"], level=data["level"],
                                   window_kind=data["window_kind"], definition=copy.deepcopy(data["definition"]),
                                   note=note, created_by=created_by)


def get_version(scheme_id: str, version: int | None = None) -> EvaluationSchemeVersion:
    """A version of the scheme (its current one by default); 404 when there is none."""
    ensure_presets()
    scheme = db.session.get(EvaluationScheme, scheme_id) if isinstance(scheme_id, str) else None
    if scheme is None:
        raise not_found()
    found = db.session.get(EvaluationSchemeVersion, (scheme_id, version or scheme.version))
    if found is None:
        raise not_found()
    return found


def current_versions() -> list[EvaluationSchemeVersion]:
    ensure_presets()
    query = (select(EvaluationSchemeVersion)
             .join(EvaluationScheme, (EvaluationScheme.id == EvaluationSchemeVersion.scheme_id)
                   & (EvaluationScheme.version == EvaluationSchemeVersion.version))
             .order_by(EvaluationScheme.id))
    return list(db.session.scalars(query))


def versions_of(scheme_id: str) -> list[EvaluationSchemeVersion]:
    get_version(scheme_id)
    return list(db.session.scalars(select(EvaluationSchemeVersion).where(EvaluationSchemeVersion.scheme_id == scheme_id)
                                   .order_by(EvaluationSchemeVersion.version.desc())))


def copy_scheme(actor, source_id: str, new_id: str, name_zh: str, name_en: str | None) -> EvaluationSchemeVersion:
    """A new scheme ``new_id`` (version 1) with the current definition of ``source_id``."""
    source = get_version(source_id)
    new_id = (new_id or "").strip()
    if not SLUG.match(new_id):
        raise validation_error({"id": [_("Use 2–40 lower-case letters, digits and hyphens, starting with a letter.")]})
    if db.session.get(EvaluationScheme, new_id) is not None:
        raise ApiError(409, "conflict", _("A rubric with this id exists already."), fields={"id": [
            _("A rubric with this id exists already.")]})
    name_zh = (name_zh or "").strip()
    if not name_zh:
        raise validation_error({"name_zh": [_("Give a Chinese name.")]})
    data = {"name_zh": name_zh[:200], "name_en": (name_en or "").strip()[:200] or name_zh[:200],
            "level": source.level, "window_kind": source.window_kind, "definition": source.definition}
    db.session.add(EvaluationScheme(id=new_id, version=1, preset=False, copied_from=source_id))
    db.session.flush()
    row = _version_row(new_id, 1, data, note=f"copy of {source_id} v{source.version}", created_by=actor.id)
    db.session.add(row)
    db.session.commit()
    return row


def adjust_scheme(actor, scheme_id: str, data: dict, note: str | None = None) -> EvaluationSchemeVersion:
    """Save ``data`` (``name_zh``, ``name_en``, ``window_kind``, ``definition``) as the scheme's next version.

    The level stays (manual values belong to subjects of that level). Nothing is stored when the
    definition does not validate (422 with a message per field).
    """
    current = get_version(scheme_id)
    window_kind = data.get("window_kind") or current.window_kind
    definition = validate_definition(current.level, window_kind, data.get("definition"))
    name_zh = (data.get("name_zh") or "").strip()
    if not name_zh:
        raise validation_error({"name_zh": [_("Give a Chinese name.")]})
    scheme = db.session.get(EvaluationScheme, scheme_id)
    row = _version_row(scheme_id, scheme.version + 1,
                       {"name_zh": name_zh[:200], "name_en": (data.get("name_en") or "").strip()[:200],
                        "level": current.level, "window_kind": window_kind, "definition": definition},
                       note=(note or "").strip()[:500] or None, created_by=actor.id)
    db.session.add(row)
    scheme.version = row.version
    db.session.commit()
    return row


def scheme_json(version: EvaluationSchemeVersion) -> dict:
    """A version as the API lists it (labels in the user's language, both names given)."""
    definition = version.definition
    return {
        "id": version.scheme_id, "name": scheme_name(version), "name_zh": version.name_zh, "name_en": version.name_en,
        "version": version.version, "level": version.level, "window": version.window_kind,
        "description": text(definition.get("description")), "settings": definition["settings"],
        "blocks": [{**b, "label": text(b["label"])} for b in definition["blocks"]],
        "items": [{"id": i["id"], "label": text(i["label"]), "block": i["block"], "kind": i["kind"],
                   "value": i.get("value"), "expression": i.get("expression"), "bands": i.get("bands"),
                   "points": i["points"], "cap": i.get("cap"), "input": i.get("input"),
                   "description": text(i.get("description")) or None}
                  for i in definition["items"]],
        "grades": [{"grade": g["grade"], "label": text(g["label"]), "min": g["min"]} for g in definition["grades"]],
        "created_at": version.created_at,
    }
