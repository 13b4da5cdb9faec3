"""The rubrics shipped with the platform (domain/rules.md §7, research-cn-rules.md §2.5–§2.6), as plain data.

Pure data, no imports of the app: the migration seeds these as version 1, and
``reports.rubrics.ensure_presets`` inserts any that are missing on first use. Changing a preset
here does not change a database that already has it: adjust it (a new version) instead.

Definition keys (validated by ``reports.rubrics.validate_definition``):
- ``settings``: ``scope_min_price`` (yuan; instruments from this original value are evaluated);
- ``blocks``: ``{"id", "label", "weight", "cap"}``; a block's score is the sum of its items' points,
  capped at ``cap`` (None: no cap), and counts ``weight`` times in the total;
- ``items``: ``{"id", "label", "block", "kind" ("metric"|"manual"), "value", "expression", "bands",
  "points", "cap", "input", "description"}``. A metric item's value is its ``value`` expression over
  the named metrics; a manual item's value is what an evaluator entered (``input`` gives its range).
  Points are ``expression`` (over ``value``, the metrics and the manual items by id) or, with
  ``bands``, the points of the first band whose ``min`` the value reaches; then clipped to
  ``[0, cap]`` (``cap`` defaults to ``points``, the item's maximum);
- ``grades``: the canonical A/B/C/D with per-scheme labels and the minimum score of each.
"""
from __future__ import annotations


def _text(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def _grades(lowest: dict, full_marks: int = 100) -> list[dict]:
    """90 / 75 / 60 per cent of the full marks: 优秀 / 良好 / 合格, below that ``lowest``."""
    return [
        {"grade": "A", "label": _text("优秀", "Excellent"), "min": full_marks * 90 // 100},
        {"grade": "B", "label": _text("良好", "Good"), "min": full_marks * 75 // 100},
        {"grade": "C", "label": _text("合格", "Pass"), "min": full_marks * 60 // 100},
        {"grade": "D", "label": lowest, "min": 0},
    ]


def _count(maximum: int = 1000) -> dict:
    return {"min": 0, "max": maximum, "integer": True, "choices": None}


def _item(item_id, label, block, kind, *, value=None, expression=None, bands=None, points, cap=None, inputs=None,
          description=None) -> dict:
    return {"id": item_id, "label": label, "block": block, "kind": kind, "value": value, "expression": expression,
            "bands": bands, "points": points, "cap": cap, "input": inputs, "description": description}


MOE_BENEFIT = {
    "id": "moe-benefit",
    "name_zh": "高等学校贵重仪器设备年度效益评价表（教育部）",
    "name_en": "MOE annual benefit evaluation of valuable instruments (universities)",
    "level": "instrument",
    "window_kind": "academic",
    "definition": {
        "description": _text(
            "每台（件）原值10万元以上的仪器按学年（9月1日至次年8月31日）评价；五个分项各0–100分，按权重合计为0–100分。"
            "校内服务收入的计分标准在来源表中无法辨认，未计入。",
            "Per instrument of at least 100,000 yuan, per academic year (1 Sep – 31 Aug); five blocks of 0–100 "
            "points each, weighted to a total of 0–100. The internal service income rate is illegible in the "
            "source form and is left out."),
        "settings": {"scope_min_price": 100000},
        "blocks": [
            {"id": "hours", "label": _text("机时利用", "Hour use"), "weight": 0.35, "cap": 100},
            {"id": "training", "label": _text("人才培养", "Training of people"), "weight": 0.20, "cap": 100},
            {"id": "research", "label": _text("科研成果", "Research output"), "weight": 0.25, "cap": 100},
            {"id": "income", "label": _text("服务收入", "Service income"), "weight": 0.15, "cap": 100},
            {"id": "function", "label": _text("功能利用与开发", "Function use and development"), "weight": 0.05,
             "cap": 100},
        ],
        "items": [
            _item("hour_use", _text("机时利用：有效机时 ÷ 定额机时 × 100", "Effective ÷ rated hours × 100"), "hours",
                  "metric", value="utilization", expression="min(value * 100, 100)", points=100),
            _item("trained_independent", _text("获得独立操作资格人员（10分/人）", "People qualified independent (10 each)"),
                  "training", "metric", value="qualified_independent", expression="value * 10", points=100),
            _item("trained_guided", _text("在指导下能完成部分测试人员（3分/人）", "People qualified guided (3 each)"),
                  "training", "metric", value="qualified_guided", expression="value * 3", points=100),
            _item("teaching_demo", _text("教学演示实验人员（1分/30人）", "Teaching demonstration participants (1 per 30)"),
                  "training", "manual", expression="value / 30", points=100, inputs=_count(100000)),
            _item("award_national", _text("国家级/国际奖（80分/项）", "National or international awards (80 each)"),
                  "research", "manual", expression="value * 80", points=100, inputs=_count()),
            _item("award_provincial", _text("省部级奖（60分/项）", "Provincial or ministerial awards (60 each)"),
                  "research", "manual", expression="value * 60", points=100, inputs=_count()),
            _item("award_institutional", _text("校级奖（20分/项）", "Institutional awards (20 each)"),
                  "research", "manual", expression="value * 20", points=100, inputs=_count()),
            _item("core_papers", _text("核心刊物论文（5分/篇）", "Core-journal papers (5 each)"),
                  "research", "manual", expression="value * 5", points=100, inputs=_count()),
            _item("income_external", _text("校外服务收入（5分/千元）", "External service income (5 per 1,000 yuan)"),
                  "income", "metric", value="income_external", expression="value / 1000 * 5", points=100,
                  description=_text("来源表中校内服务收入的计分标准无法辨认，未计入。",
                                 "The rate for internal service income is illegible in the source; left out.")),
            _item("function_use_rate", _text("原有功能利用率", "Use rate of the original functions"), "function", "manual",
                  bands=[{"min": 1, "points": 60}, {"min": 0.8, "points": 48}, {"min": 0.6, "points": 36},
                         {"min": 0.4, "points": 24}, {"min": 0.2, "points": 12}],
                  points=60, inputs={"min": 0, "max": 1, "integer": False, "choices": None},
                  description=_text("原有功能实际利用数 ÷ 原有功能数，填0–1之间的小数。",
                                 "Functions used ÷ original functions, a fraction from 0 to 1.")),
            _item("new_functions", _text("本年新增功能（10分/项）", "New functions this year (10 each)"), "function",
                  "manual", expression="value * 10", points=100, inputs=_count()),
        ],
        "grades": _grades(_text("不合格", "Fail")),
    },
}

UNIVERSITY_OPEN_SHARING = {
    "id": "university-open-sharing",
    "name_zh": "高校大型仪器开放共享考核评价表",
    "name_en": "University open-sharing evaluation of large instruments",
    "level": "unit",
    "window_kind": "calendar",
    "definition": {
        "description": _text(
            "按单位、按自然年评价40万元以上的大型仪器。来源表的识别文字部分缺损：校内外共享率的分档只能部分辨认，"
            "另有一项5分的指标名称缺失未收录，因此可得分合计为80分；等级分数线按满分的90%/75%/60%取72/60/48分。",
            "Per unit and calendar year, over large instruments of at least 400,000 yuan. The source is partly "
            "garbled: the bands of the weighted sharing rate are only partly legible and a 5-point item whose "
            "label is lost is left out, so at most 80 points can be earned; the grade bands are 90/75/60 per cent "
            "of that: 72/60/48."),
        "settings": {"scope_min_price": 400000},
        "blocks": [
            {"id": "use", "label": _text("运行使用", "Use"), "weight": 1, "cap": None},
            {"id": "sharing", "label": _text("共享服务", "Sharing"), "weight": 1, "cap": None},
            {"id": "management", "label": _text("组织管理", "Management"), "weight": 1, "cap": None},
        ],
        "items": [
            _item("sharing_rate", _text("共享率 = 校外服务机时 ÷ 有效机时", "Sharing rate = external ÷ effective hours"),
                  "sharing", "metric", value="sharing_rate", expression="value / 0.1 * 10", points=10),
            _item("yield_rate", _text("收益率 = (校内收入 + 校外收入 × 1.5) ÷ 设备原值",
                                   "Yield rate = (internal + 1.5 × external income) ÷ original value"),
                  "use", "metric", value="yield_rate", expression="value / 0.2 * 15", points=15),
            _item("avg_effective_hours", _text("大型仪器平均有效运行机时（1分/100小时）",
                                            "Average effective hours per instrument (1 per 100 h)"),
                  "use", "metric", value="effective_hours / instrument_count", expression="value / 100", points=15),
            _item("weighted_sharing_rate", _text("校内外共享率 = (校内机时 + 校外机时 × 1.5) ÷ 有效机时",
                                              "Weighted sharing rate = (internal + 1.5 × external) ÷ effective"),
                  "sharing", "metric", value="weighted_sharing_rate",
                  bands=[{"min": 0.8, "points": 5}, {"min": 0.4, "points": 3}], points=5,
                  description=_text("来源表分档部分无法辨认（≥80% 得5分；40%–80% 得2–4分；<40% 得0–1分），此处取 ≥80% 5分、≥40% 3分。",
                                 "The source's bands are partly illegible (≥80% → 5; 40–80% → 2–4; <40% → 0–1); "
                                 "here ≥80% → 5, ≥40% → 3, else 0.")),
            _item("platform", _text("集约化或实体开放共享平台（实体5/集约化3/无0）",
                                 "Sharing platform (physical 5 / consolidated 3 / none 0)"),
                  "management", "manual", expression="value", points=5,
                  inputs={"min": 0, "max": 5, "integer": True, "choices": [5, 3, 0]}),
            _item("secondary_platform_share", _text("二级平台管理的大型仪器比例（100%→5；≥80%→2–4；<80%→0）",
                                                 "Share managed by secondary platforms "
                                                 "(100% → 5; ≥80% → 2–4; <80% → 0)"),
                  "management", "manual", expression="value", points=5,
                  inputs={"min": 0, "max": 5, "integer": False, "choices": None},
                  description=_text("评价人员按比例填写得分（0–5）。", "The evaluator enters the points (0–5).")),
            _item("records", _text("机组人员、记录完备、统计上报与用户评价（较好4–5；一般2–3；较差0–1）",
                                "Staff, records, reporting and user ratings (good 4–5; fair 2–3; poor 0–1)"),
                  "management", "manual", expression="value", points=5,
                  inputs={"min": 0, "max": 5, "integer": False, "choices": None}),
            _item("talent_support", _text("支撑人才培养、教育教学和科技创新成效（较好7–10；一般4–6；较差1–3）",
                                       "Support of talent, teaching and innovation (good 7–10; fair 4–6; poor 1–3)"),
                  "management", "manual", expression="value", points=10,
                  inputs={"min": 0, "max": 10, "integer": False, "choices": None}),
            _item("function_use_rate", _text("功能利用率 × 6", "Function use rate × 6"), "use", "manual",
                  expression="value * 6", points=6, inputs={"min": 0, "max": 1, "integer": False, "choices": None},
                  description=_text("原有功能实际利用数 ÷ 原有功能数（0–1）。", "Functions used ÷ original functions (0–1).")),
            _item("function_development_rate", _text("功能开发率 × 4", "Function development rate × 4"), "use", "manual",
                  expression="value * 4", points=4, inputs={"min": 0, "max": 10, "integer": False, "choices": None},
                  description=_text("年度新增加功能数 ÷ 2。", "New functions of the year ÷ 2.")),
        ],
        "grades": _grades(_text("较差", "Poor"), full_marks=80),
    },
}

PRESETS = (MOE_BENEFIT, UNIVERSITY_OPEN_SHARING)
