"""Forms of the evaluation pages. Rubric forms are built per rubric (one field per item and grade).

Field names of the adjust form mirror the keys of ``reports.rubrics.validate_definition``'s errors
(``items.hour_use.expression`` → ``items__hour_use__expression``) so each message lands next to its input.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from reports.rubrics import text


def field_name(error_key: str) -> str:
    return error_key.replace(".", "__")


class EvaluationFilterForm(FlaskForm):
    class Meta:
        csrf = False

    scheme = SelectField(_l("Rubric"), validate_choice=False)
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=1990, max=2100)],
                        render_kw={"inputmode": "numeric"},
                        description=_l("An academic year is named after the year it begins in."))


class CopyForm(FlaskForm):
    new_id = StringField(_l("Id of the copy"), validators=[DataRequired(), Length(max=40)],
                         description=_l("Lower-case letters, digits and hyphens, e.g. moe-benefit-2026."))
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])


def _number_text(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def bands_text(bands) -> str:
    """``[{"min": 0.8, "points": 5}, …]`` as ``0.8: 5; …`` for people to edit."""
    return "; ".join(f"{_number_text(b['min'])}: {_number_text(b['points'])}" for b in bands or [])


def parse_bands(raw: str):
    """The text of a bands field as a list, or None when empty; ValueError when it cannot be read."""
    bands = []
    for part in (raw or "").replace("；", ";").replace("：", ":").split(";"):
        if not part.strip():
            continue
        low, _sep, points = part.partition(":")
        bands.append({"min": float(low), "points": float(points)})
    return bands or None


def manual_form(items: list[dict], records: dict, formdata=None):
    """A form with one input per manual item, filled with the values entered so far."""
    fields = {}
    for item in items:
        rules = item.get("input") or {}
        label = text(item["label"])
        description = text(item.get("description")) or None
        if rules.get("choices"):
            choices = [SelectChoice("", "—")] + [SelectChoice(_number_text(c), _number_text(c))
                                                 for c in rules["choices"]]
            fields[item["id"]] = SelectField(label, choices=choices, description=description)
        else:
            fields[item["id"]] = DecimalField(label, places=None, validators=[Optional()], description=description,
                                              render_kw={"inputmode": "decimal", "min": rules.get("min"),
                                                         "max": rules.get("max")})
    form_class = type("ManualItemsForm", (FlaskForm,), fields)
    data = {item["id"]: _number_text(records[item["id"]]["value"]) if item.get("input", {}).get("choices")
            else records[item["id"]]["value"] for item in items if item["id"] in records}
    return form_class(formdata=formdata, data=data)


def adjust_form(version, formdata=None):
    """The adjust form of a rubric version, filled with that version's definition."""
    definition = version.definition
    fields = {
        "name_zh": StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=200)]),
        "name_en": StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)]),
        "settings__scope_min_price": DecimalField(_l("In scope from (yuan)"), places=None,
                                                  validators=[InputRequired(), NumberRange(min=0)]),
        "note": TextAreaField(_l("What changed"), validators=[Optional(), Length(max=500)], render_kw={"rows": 2}),
    }
    data = {"name_zh": version.name_zh, "name_en": version.name_en,
            "settings__scope_min_price": definition["settings"]["scope_min_price"]}
    for grade in definition["grades"]:
        code = grade["grade"]
        fields[f"grades__{code}__label_zh"] = StringField(_l("Label (Chinese)"), validators=[DataRequired(),
                                                                                          Length(max=200)])
        fields[f"grades__{code}__label_en"] = StringField(_l("Label (English)"), validators=[Optional(),
                                                                                          Length(max=200)])
        data[f"grades__{code}__label_zh"] = grade["label"]["zh"]
        data[f"grades__{code}__label_en"] = grade["label"]["en"]
        if code != "D":
            fields[f"grades__{code}__min"] = DecimalField(_l("From score"), places=None,
                                                          validators=[InputRequired(), NumberRange(min=0)])
            data[f"grades__{code}__min"] = grade["min"]
    for block in definition["blocks"]:
        key = f"blocks__{block['id']}"
        fields[key + "__weight"] = DecimalField(_l("Weight"), places=None, validators=[InputRequired(),
                                                                                      NumberRange(min=0)])
        fields[key + "__cap"] = DecimalField(_l("Cap"), places=None, validators=[Optional(), NumberRange(min=0)])
        data[key + "__weight"], data[key + "__cap"] = block["weight"], block["cap"]
    for item in definition["items"]:
        key = f"items__{item['id']}"
        fields[key + "__points"] = DecimalField(_l("Points"), places=None, validators=[InputRequired(),
                                                                                      NumberRange(min=0)])
        fields[key + "__cap"] = DecimalField(_l("Cap"), places=None, validators=[Optional(), NumberRange(min=0)])
        fields[key + "__expression"] = StringField(_l("Points expression"), validators=[Optional(), Length(max=300)])
        fields[key + "__bands"] = StringField(_l("Bands (minimum: points; …)"), validators=[Optional(),
                                                                                         Length(max=300)])
        data.update({key + "__points": item["points"], key + "__cap": item.get("cap"),
                     key + "__expression": item.get("expression") or "",
                     key + "__bands": bands_text(item.get("bands"))})
        if item["kind"] == "metric":
            fields[key + "__value"] = StringField(_l("Value expression"), validators=[DataRequired(), Length(max=300)])
            data[key + "__value"] = item.get("value") or ""
    form_class = type("AdjustRubricForm", (FlaskForm,), fields)
    return form_class(formdata=formdata, data=data)
