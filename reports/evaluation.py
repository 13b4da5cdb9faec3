"""Evaluations: scores of units or instruments under a rubric version, for one year.

The figures come from ``reports.metrics.sharing_report`` (one grouped query, grouped by the rubric's
level, over its window and scope) and one grouped query over qualifications; manual item values
come from one query. Python then loops once over the subjects (units or instruments), evaluating
each item's checked expressions (``reports.rubric_expr``) — never over usage logs.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from bookings.models import Qualification
from instruments.models import Instrument
from reports.metrics import sharing_report
from reports.rubric_expr import evaluate, parse
from reports.rubric_models import EvaluationSchemeVersion, ManualItemValue
from reports.rubrics import METRIC_NAMES, get_version, scheme_name, text
from reports.windows import year_window
from sharing.accounts.models import User
from sharing.errors import validation_error
from sharing.extensions import db
from sharing.timeutil import platform_midnight, utcnow
from sharing.units.models import Unit


def window_of(version: EvaluationSchemeVersion, year: int) -> tuple[date, date]:
    """``[from, to)``: the calendar year, or the academic year 1 Sep ``year`` – 31 Aug ``year + 1``."""
    return year_window(version.window_kind, year)


def _qualification_counts(level: str, start, end, min_price, unit_id) -> dict:
    """``{key: {"independent": n, "guided": m}}``: qualifications granted in the window and still held
    (a revoked qualification is deleted), on in-scope instruments, per instrument or unit."""
    key = Instrument.id if level == "instrument" else Instrument.unit_id
    query = (select(key, Qualification.level, func.count(Qualification.id))
             .join(Instrument, Instrument.id == Qualification.instrument_id)
             .where(Qualification.created_at >= start, Qualification.created_at < end,
                    Instrument.price_cny >= min_price)
             .group_by(key, Qualification.level))
    if unit_id is not None:
        query = query.where(Instrument.unit_id == unit_id)
    counts: dict = {}
    for subject, level_name, number in db.session.execute(query):
        counts.setdefault(subject, {})[level_name] = int(number)
    return counts


def _subjects(level: str, keys: list, min_price, unit_id) -> dict:
    """Names (and for instruments their unit and asset number) of the subjects."""
    if level == "unit":
        query = select(Unit.id, Unit.name).where(Unit.id.in_(keys))
        return {uid: {"unit_id": uid, "name": name} for uid, name in db.session.execute(query)}
    query = select(Instrument.id, Instrument.unit_id, Instrument.name, Instrument.inner_id).where(
        Instrument.price_cny >= min_price)
    if unit_id is not None:
        query = query.where(Instrument.unit_id == unit_id)
    return {iid: {"unit_id": uid, "name": name, "inner_id": inner}
            for iid, uid, name, inner in db.session.execute(query)}


def manual_values(scheme_id: str, year: int, level: str, subject_id: int | None = None) -> dict:
    """``{(subject_id, item_id): {"value", "entered_by": {"id", "name"}, "entered_at"}}``."""
    query = (select(ManualItemValue, User.name).outerjoin(User, User.id == ManualItemValue.entered_by)
             .where(ManualItemValue.scheme_id == scheme_id, ManualItemValue.year == year,
                    ManualItemValue.subject_kind == level))
    if subject_id is not None:
        query = query.where(ManualItemValue.subject_id == subject_id)
    out = {}
    for record, name in db.session.execute(query):
        out[(record.subject_id, record.item_id)] = {
            "value": _plain(record.value),
            "entered_by": None if record.entered_by is None else {"id": record.entered_by, "name": name},
            "entered_at": record.entered_at,
        }
    return out


def _plain(value):
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


class Rubric:
    """A version's items with their expressions parsed once."""

    def __init__(self, version: EvaluationSchemeVersion):
        self.version = version
        definition = version.definition
        self.items = definition["items"]
        self.blocks = definition["blocks"]
        self.grades = sorted(definition["grades"], key=lambda g: g["min"], reverse=True)
        manual = {i["id"] for i in self.items if i["kind"] == "manual"}
        names = set(METRIC_NAMES) | manual | {"value"}
        self.parsed = {i["id"]: (parse(i["value"], names) if i["kind"] == "metric" else None,
                                 parse(i["expression"], names) if i.get("expression") else None)
                       for i in self.items}

    def grade(self, score: float) -> dict:
        for grade in self.grades:
            if score >= grade["min"]:
                return grade
        return self.grades[-1]

    def score(self, metrics: dict, manual: dict) -> dict:
        """Items' values and points, block scores, total and grade of one subject.

        ``manual`` maps item id → entered record. A null value (missing metric, division by zero,
        nothing entered) scores 0 points.
        """
        names = dict(metrics)
        names.update({item_id: record["value"] for item_id, record in manual.items()})
        items, block_sums = [], {b["id"]: 0.0 for b in self.blocks}
        for item in self.items:
            value_tree, points_tree = self.parsed[item["id"]]
            if item["kind"] == "metric":
                value = evaluate(value_tree, names)
            else:
                value = names.get(item["id"])
            points = 0.0 if value is None else self._points(item, points_tree, {**names, "value": value})
            block_sums[item["block"]] += points
            entry = {"id": item["id"], "label": text(item["label"]),
                     "value": None if value is None else round(value, 4),
                     "points": round(points, 2), "max_points": item["points"], "kind": item["kind"],
                     "block": item["block"]}
            if item["kind"] == "manual":
                record = manual.get(item["id"])
                entry["entered_by"] = record["entered_by"] if record else None
                entry["entered_at"] = record["entered_at"] if record else None
            items.append(entry)
        blocks, total = [], 0.0
        for block in self.blocks:
            raw = block_sums[block["id"]]
            capped = raw if block["cap"] is None else min(raw, block["cap"])
            total += capped * block["weight"]
            blocks.append({"id": block["id"], "label": text(block["label"]), "points": round(capped, 2),
                           "weight": block["weight"], "weighted": round(capped * block["weight"], 2)})
        score = round(total, 2)
        grade = self.grade(score)
        return {"score": score, "grade": grade["grade"], "grade_label": text(grade["label"]), "items": items,
                "blocks": blocks}

    @staticmethod
    def _points(item: dict, tree, names: dict) -> float:
        value = names["value"]
        if item.get("bands"):
            raw = next((band["points"] for band in item["bands"] if value >= band["min"]), 0)
        else:
            raw = evaluate(tree, names)
        if raw is None:
            return 0.0
        limit = item["cap"] if item.get("cap") is not None else item["points"]
        return max(0.0, min(float(raw), float(limit)))


def evaluate_scheme(scheme_id: str, year: int, unit_id: int | None = None, version: int | None = None) -> dict:
    """The evaluation of every in-scope subject (of one unit when ``unit_id`` is given) for ``year``."""
    scheme = get_version(scheme_id, version)
    rubric = Rubric(scheme)
    level = scheme.level
    min_price = Decimal(str(scheme.definition["settings"]["scope_min_price"]))
    first, last = window_of(scheme, year)
    start, end = platform_midnight(first), platform_midnight(last)
    report = sharing_report(start, end, level, unit_id=unit_id, min_price=min_price)
    qualified = _qualification_counts(level, start, end, min_price, unit_id)
    keys = [row["key"] for row in report["rows"]]
    subjects = _subjects(level, keys, min_price, unit_id)
    entered = manual_values(scheme.scheme_id, year, level)
    by_subject: dict = {}
    for (subject_id, item_id), record in entered.items():
        by_subject.setdefault(subject_id, {})[item_id] = record
    rows = []
    for row in report["rows"]:  # one loop over the subjects' grouped figures
        key = row["key"]
        counts = qualified.get(key, {})
        metrics = {name: row.get(name) for name in METRIC_NAMES if name in row}
        metrics["qualified_independent"] = counts.get("independent", 0)
        metrics["qualified_guided"] = counts.get("guided", 0)
        subject = subjects.get(key, {"unit_id": key if level == "unit" else None, "name": None})
        result = rubric.score(metrics, by_subject.get(key, {}))
        out = {"unit_id": subject["unit_id"]}
        if level == "instrument":
            out["instrument_id"] = key
            out["inner_id"] = subject.get("inner_id")
        out["name"] = subject.get("name")
        out.update(result)
        out["metrics"] = metrics
        rows.append(out)
    return {"scheme": scheme.scheme_id, "year": year, "rows": rows, "scheme_version": scheme.version,
            "scheme_name": scheme_name(scheme),
            "level": level, "window": {"kind": scheme.window_kind, "from": first.isoformat(), "to": last.isoformat()},
            "settings": scheme.definition["settings"],
            "grades": [{"grade": g["grade"], "label": text(g["label"]), "min": g["min"]}
                       for g in scheme.definition["grades"]],
            "computed_at": utcnow()}


# --- manual values ------------------------------------------------------------------------------

def _check_value(item: dict, value) -> float | None:
    if value is None:
        return None
    rules = item.get("input") or {}
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise validation_error({"value": [_("Enter a number.")]})
    if rules.get("integer") and float(value) != int(value):
        raise validation_error({"value": [_("Enter a whole number.")]})
    if rules.get("choices") and float(value) not in [float(c) for c in rules["choices"]]:
        choices = ", ".join(str(c) for c in rules["choices"])
        raise validation_error({"value": [_("Must be one of: %(choices)s.", choices=choices)]})
    low, high = rules.get("min"), rules.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        raise validation_error({"value": [_("Must be between %(min)s and %(max)s.", min=low, max=high)]})
    return float(value)


def manual_item(scheme: EvaluationSchemeVersion, item_id) -> dict:
    item = next((i for i in scheme.definition["items"] if i["id"] == item_id), None)
    if item is None or item["kind"] != "manual":
        raise validation_error({"item": [_("Not a manual item of this rubric.")]})
    return item


def subject_exists(level: str, subject_id) -> bool:
    model = Unit if level == "unit" else Instrument
    return isinstance(subject_id, int) and db.session.get(model, subject_id) is not None


def set_manual_value(actor, scheme_id: str, year: int, subject_id: int, item_id: str, value) -> dict:
    """Store (or with ``None`` clear) one manual value; the caller has checked the actor's role.

    The change is audited (``evaluation_manual_values`` is an audited table).
    """
    scheme = get_version(scheme_id)
    item = manual_item(scheme, item_id)
    number = _check_value(item, value)
    if not subject_exists(scheme.level, subject_id):
        field = "unit_id" if scheme.level == "unit" else "instrument_id"
        raise validation_error({field: [_("No such unit.") if scheme.level == "unit" else _("No such instrument.")]})
    record = db.session.scalar(select(ManualItemValue).where(
        ManualItemValue.scheme_id == scheme_id, ManualItemValue.year == year,
        ManualItemValue.subject_kind == scheme.level, ManualItemValue.subject_id == subject_id,
        ManualItemValue.item_id == item_id))
    if number is None:
        if record is not None:
            db.session.delete(record)
        db.session.commit()
        return {"scheme": scheme_id, "year": year, "item": item_id, "value": None, "entered_by": None,
                "entered_at": None, **_subject_field(scheme.level, subject_id)}
    actor_id, actor_name = actor.id, actor.name  # read before any change: loading them may flush
    values = {"value": Decimal(str(number)), "entered_by": actor_id, "entered_at": utcnow()}
    if record is None:
        record = ManualItemValue(scheme_id=scheme_id, year=year, subject_kind=scheme.level, subject_id=subject_id,
                                 item_id=item_id, **values)
        db.session.add(record)
    else:
        for name, value in values.items():
            setattr(record, name, value)
    db.session.commit()
    return {"scheme": scheme_id, "year": year, "item": item_id, "value": _plain(values["value"]),
            "entered_by": {"id": actor_id, "name": actor_name}, "entered_at": values["entered_at"],
            **_subject_field(scheme.level, subject_id)}


def _subject_field(level: str, subject_id: int) -> dict:
    return {"unit_id": subject_id} if level == "unit" else {"instrument_id": subject_id}
