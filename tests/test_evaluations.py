"""Evaluations under rubrics (API.md, "Reports"; rules.md §7; research-cn-rules.md §2.5–§2.6):
golden scores of both presets computed by hand, null figures, grade bands, manual items, versions,
roles and the expression checker."""
from __future__ import annotations

import copy
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bookings.models import Qualification
from reports import rubrics
from reports.evaluation import Rubric, evaluate_scheme
from reports.rubric_expr import ExpressionError, check, evaluate, parse
from reports.rubric_presets import PRESETS
from sharing.audit import AuditEvent
from sharing.errors import ApiError
from sharing.extensions import db
from tests.helpers import make_unit, make_user
from tests.test_sharing_report import add_instrument, add_log

TZ = ZoneInfo("Asia/Shanghai")
MOE, UNI = "moe-benefit", "university-open-sharing"


def at(y, m, d, hh=0):
    return datetime(y, m, d, hh, tzinfo=TZ).astimezone(timezone.utc)


def hours_log(instrument, user, start, hours, **kw):
    return add_log(instrument, user, start, start + timedelta(hours=hours), **kw)


def qualify(instrument, user, level, granted):
    db.session.add(Qualification(instrument_id=instrument.id, user_id=user.id, level=level, created_at=granted))
    db.session.commit()


@pytest.fixture
def ledger(ctx):
    """Three units; every instrument rated 1000 h a year (both windows below are 365 days long).

    甲: A1 (1,000,000) internal 500 h in Feb 2025 (fee 30,000), external 200 h in May 2025 (fee 16,000),
        internal 100 h in Oct 2025 (in calendar 2025, not in academic 2024–25);
        A2 (500,000) internal 150 h in Mar 2025, external 50 h in Apr 2025 (fee 4,000);
        S1 (150,000: in the MOE scope ≥ 100,000, not in the university's ≥ 400,000) unused.
    乙: B1 (2,000,000) external 100 h in Mar 2025 (fee 8,000); X1 (50,000) out of every scope.
    丙: C1 (450,000) never used.
    """
    u1, u2, u3 = make_unit(name="甲大学"), make_unit(name="乙研究所"), make_unit(name="丙学院")
    alice, bob = make_user(u1), make_user(u2)
    people = [make_user(u1) for _ in range(9)]
    a1 = add_instrument(u1, "A1", "010101", 1_000_000, rated_hours=1000)
    a2 = add_instrument(u1, "A2", "010101", 500_000, rated_hours=1000)
    s1 = add_instrument(u1, "S1", "010101", 150_000, rated_hours=1000)
    b1 = add_instrument(u2, "B1", "010101", 2_000_000, rated_hours=1000)
    x1 = add_instrument(u2, "X1", "010101", 50_000, rated_hours=1000)
    c1 = add_instrument(u3, "C1", "010101", 450_000, rated_hours=1000)
    hours_log(a1, alice, at(2025, 2, 1), 500, fee=30000)
    hours_log(a1, bob, at(2025, 5, 1), 200, external=True, fee=16000)
    hours_log(a1, alice, at(2025, 10, 1), 100)
    hours_log(a2, alice, at(2025, 3, 1), 150)
    hours_log(a2, bob, at(2025, 4, 1), 50, external=True, fee=4000)
    hours_log(b1, alice, at(2025, 3, 1), 100, external=True, fee=8000)
    hours_log(x1, alice, at(2025, 3, 1), 100, external=True, fee=8000)
    # A1's qualifications granted in academic 2024–25: 3 independent, 5 guided; one independent
    # granted before the window (2024-08-01) does not count.
    for person in people[:3]:
        qualify(a1, person, "independent", at(2024, 10, 1))
    for person in people[3:8]:
        qualify(a1, person, "guided", at(2025, 1, 15))
    qualify(a1, people[8], "independent", at(2024, 8, 1))
    evaluator = make_user(u2, roles=("evaluator",), name="评价专家")
    return {"u": (u1, u2, u3), "i": {"A1": a1, "A2": a2, "S1": s1, "B1": b1, "X1": x1, "C1": c1},
            "alice": alice, "bob": bob, "evaluator": evaluator}


def rows_by(result, key):
    return {row[key]: row for row in result["rows"]}


def items_of(row):
    return {item["id"]: item for item in row["items"]}


def put(api, user, year, **body):
    return api.client.open(f"/api/v1/evaluations/{year}/manual-items", method="PUT", json=body,
                           headers=api._headers(user, None))


# --- golden scores ------------------------------------------------------------------------------

def test_presets_are_valid_definitions(ctx):
    for preset in PRESETS:
        assert rubrics.validate_definition(preset["level"], preset["window_kind"], preset["definition"])


def test_university_rubric_golden_scores(api, ledger):
    u1, u2, u3 = ledger["u"]
    ev = ledger["evaluator"]
    for item, value in (("platform", 5), ("secondary_platform_share", 4), ("records", 4), ("talent_support", 8),
                        ("function_use_rate", 0.9), ("function_development_rate", 0.5)):
        assert put(api, ev, 2025, scheme=UNI, unit_id=u1.id, item=item, value=value).status_code == 200
    r = api.get(f"/api/v1/evaluations?year=2025&scheme={UNI}", ev)
    assert r.status_code == 200
    body = r.get_json()
    assert list(body)[:3] == ["scheme", "year", "rows"]
    assert body["scheme"] == UNI and body["year"] == 2025 and body["scheme_version"] == 1
    assert body["window"] == {"kind": "calendar", "from": "2025-01-01", "to": "2026-01-01"}
    assert body["settings"] == {"scope_min_price": 400000}
    rows = rows_by(body, "unit_id")
    assert set(rows) == {u1.id, u2.id, u3.id}
    # 甲 (A1 + A2; S1 is below 400,000): effective 600 + 200 + 150 + 50 = 1000 h, external 250.
    # sharing 0.25 → (0.25 ÷ 0.1) × 10 = 25, max 10 → 10; yield (30,000 + 1.5 × 20,000) ÷ 1,500,000 = 0.04
    # → (0.04 ÷ 0.2) × 15 = 3; average hours 1000 ÷ 2 = 500 → 5; weighted (750 + 1.5 × 250) ÷ 1000 = 1.125
    # ≥ 0.8 → 5; manual 5 + 4 + 4 + 8 + 0.9 × 6 + 0.5 × 4 = 28.4. Total 51.4 of 80 → C (合格 from 48).
    one = items_of(rows[u1.id])
    assert {k: (v["value"], v["points"]) for k, v in one.items()} == {
        "sharing_rate": (0.25, 10), "yield_rate": (0.04, 3), "avg_effective_hours": (500, 5),
        "weighted_sharing_rate": (1.125, 5), "platform": (5, 5), "secondary_platform_share": (4, 4),
        "records": (4, 4), "talent_support": (8, 8), "function_use_rate": (0.9, 5.4),
        "function_development_rate": (0.5, 2)}
    assert rows[u1.id]["score"] == 51.4 and rows[u1.id]["grade"] == "C"
    assert one["platform"]["entered_by"] == {"id": ev.id, "name": "评价专家"}
    assert "entered_by" not in one["sharing_rate"]
    # 乙 (B1 only; X1 is out of scope): sharing 100/100 = 1 → 10; yield 1.5 × 8,000 ÷ 2,000,000 = 0.006 →
    # 0.45; average 100 h → 1; weighted 1.5 → 5; nothing entered: manual items null, 0 points. 16.45.
    two = items_of(rows[u2.id])
    assert two["yield_rate"]["points"] == 0.45 and two["avg_effective_hours"]["points"] == 1
    assert two["platform"] == {**two["platform"], "value": None, "points": 0, "entered_by": None}
    assert rows[u2.id]["score"] == 16.45
    # 丙 (C1 never used): sharing and weighted rates divide by zero effective hours → null, 0 points;
    # yield 0 ÷ 450,000 = 0 and average 0 h → 0 points. No error.
    three = items_of(rows[u3.id])
    assert three["sharing_rate"]["value"] is None and three["sharing_rate"]["points"] == 0
    assert three["weighted_sharing_rate"]["value"] is None and three["weighted_sharing_rate"]["points"] == 0
    assert three["yield_rate"]["value"] == 0 and three["avg_effective_hours"]["value"] == 0
    assert rows[u3.id]["score"] == 0 and rows[u3.id]["grade"] == "D" and rows[u3.id]["grade_label"] == "较差"


def test_moe_rubric_golden_scores_per_instrument_over_the_academic_year(api, ledger):
    i, ev = ledger["i"], ledger["evaluator"]
    for item, value in (("award_national", 1), ("core_papers", 6), ("function_use_rate", 0.85),
                        ("new_functions", 1)):
        assert put(api, ev, 2024, scheme=MOE, instrument_id=i["A1"].id, item=item, value=value).status_code == 200
    body = api.get(f"/api/v1/evaluations?year=2024&scheme={MOE}", ev).get_json()
    assert body["window"] == {"kind": "academic", "from": "2024-09-01", "to": "2025-09-01"}
    assert body["settings"] == {"scope_min_price": 100000}
    rows = rows_by(body, "instrument_id")
    assert set(rows) == {i[n].id for n in ("A1", "A2", "S1", "B1", "C1")}  # X1 (50,000) is out of scope
    a1 = rows[i["A1"].id]
    assert a1["unit_id"] == ledger["u"][0].id
    # A1: effective 500 + 200 = 700 h (the October log is in the next academic year) of 1000 rated:
    # hours 70 × 35% = 24.5; training 3 × 10 + 5 × 3 = 45 × 20% = 9 (the 2024-08-01 grant is before the
    # window); research 80 + 6 × 5 = 110, capped 100 × 25% = 25; income 16,000 external → 80 × 15% = 12;
    # function: 0.85 ≥ 0.8 → 48, + 1 × 10 = 58 × 5% = 2.9. Total 73.4 → C (合格).
    points = {k: v["points"] for k, v in items_of(a1).items()}
    assert points == {"hour_use": 70, "trained_independent": 30, "trained_guided": 15, "teaching_demo": 0,
                      "award_national": 80, "award_provincial": 0, "award_institutional": 0, "core_papers": 30,
                      "income_external": 80, "function_use_rate": 48, "new_functions": 10}
    assert {b["id"]: b["weighted"] for b in a1["blocks"]} == {"hours": 24.5, "training": 9, "research": 25,
                                                              "income": 12, "function": 2.9}
    assert a1["score"] == 73.4 and a1["grade"] == "C" and a1["grade_label"] == "合格"
    # A2: 200 h → 20 × 35% = 7; 4,000 external → 20 × 15% = 3 → 10. B1: 100 h → 3.5; 8,000 → 40 × 15% = 6.
    assert rows[i["A2"].id]["score"] == 10 and rows[i["B1"].id]["score"] == 9.5
    assert rows[i["S1"].id]["score"] == 0 and rows[i["S1"].id]["grade_label"] == "不合格"


def test_grade_bands_at_their_boundaries(ctx):
    rubric = Rubric(rubrics.get_version(MOE))
    for score, grade in ((100, "A"), (90, "A"), (89.99, "B"), (75, "B"), (74.99, "C"), (60, "C"), (59.99, "D"),
                         (0, "D")):
        assert rubric.grade(score)["grade"] == grade, score
    grades = rubrics.get_version(UNI).definition["grades"]
    assert {g["grade"]: g["label"]["zh"] for g in grades} == {"A": "优秀", "B": "良好", "C": "合格", "D": "较差"}
    # the university rubric's legible items give 80 points: its bands are 90 / 75 / 60 per cent of that
    assert [g["min"] for g in grades] == [72, 60, 48, 0]


def test_a_manual_value_moves_a_grade_across_a_boundary(api, ledger):
    a1, ev = ledger["i"]["A1"], ledger["evaluator"]
    # Without manual values A1 has 24.5 + 9 + 12 = 45.5; research 100 (25) + function 100 → 5 → 75.5 (B).
    put(api, ev, 2024, scheme=MOE, instrument_id=a1.id, item="award_national", value=2)
    put(api, ev, 2024, scheme=MOE, instrument_id=a1.id, item="function_use_rate", value=1)
    put(api, ev, 2024, scheme=MOE, instrument_id=a1.id, item="new_functions", value=4)
    row = rows_by(evaluate_scheme(MOE, 2024, unit_id=a1.unit_id), "instrument_id")[a1.id]
    assert row["score"] == 75.5 and row["grade"] == "B"


# --- manual values ------------------------------------------------------------------------------

def test_manual_values_are_checked_and_audited(api, ledger):
    u1, u2, _ = ledger["u"]
    ev, a1 = ledger["evaluator"], ledger["i"]["A1"]
    ok = put(api, ev, 2025, scheme=UNI, unit_id=u1.id, item="talent_support", value=7)
    assert ok.status_code == 200
    assert ok.get_json()["entered_by"] == {"id": ev.id, "name": "评价专家"} and ok.get_json()["value"] == 7
    again = put(api, ev, 2025, scheme=UNI, unit_id=u1.id, item="talent_support", value=9)
    assert again.get_json()["value"] == 9
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "evaluation_manual_values")
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["create", "update"] and events[1].changes["value"] == [7.0, 9.0]
    assert events[1].actor_id == ev.id
    cases = [
        (dict(scheme=UNI, unit_id=u1.id, item="talent_support", value=11), "value"),  # range 0–10
        (dict(scheme=UNI, unit_id=u1.id, item="platform", value=4), "value"),  # 5, 3 or 0
        (dict(scheme=UNI, unit_id=u1.id, item="sharing_rate", value=1), "item"),  # computed, not manual
        (dict(scheme=UNI, unit_id=u1.id, item="nothing", value=1), "item"),
        (dict(scheme=UNI, instrument_id=a1.id, item="platform", value=5), "unit_id"),  # a unit-level rubric
        (dict(scheme=MOE, instrument_id=a1.id, item="core_papers", value=1.5), "value"),  # a count
        (dict(scheme=UNI, unit_id=999999, item="platform", value=5), "unit_id"),
        (dict(scheme=UNI, unit_id=u1.id, item="platform", value=5, extra=1), "extra"),
    ]
    for body, field in cases:
        r = put(api, ev, 2025, **body)
        assert r.status_code == 422, body
        assert field in r.get_json()["error"]["fields"], (body, r.get_json())
    assert put(api, ev, 2025, scheme="nope", unit_id=u1.id, item="platform", value=5).status_code == 404
    cleared = put(api, ev, 2025, scheme=UNI, unit_id=u1.id, item="talent_support", value=None)
    assert cleared.status_code == 200 and cleared.get_json()["value"] is None
    row = rows_by(evaluate_scheme(UNI, 2025), "unit_id")[u1.id]
    assert items_of(row)["talent_support"]["value"] is None


def test_only_evaluators_and_admins_enter_values(api, ledger):
    u1 = ledger["u"][0]
    admin = make_user(u1, roles=("admin",))
    manager = make_user(u1, roles=("manager", "unit_admin"))
    assert put(api, admin, 2025, scheme=UNI, unit_id=u1.id, item="records", value=3).status_code == 200
    for user in (manager, ledger["alice"]):
        r = put(api, user, 2025, scheme=UNI, unit_id=u1.id, item="records", value=3)
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"


# --- roles and scope ----------------------------------------------------------------------------

def test_roles_and_scope(api, ledger):
    u1, u2, _ = ledger["u"]
    manager = make_user(u1, roles=("manager",))
    admin = make_user(u2, roles=("admin",))
    url = f"/api/v1/evaluations?year=2025&scheme={UNI}"
    assert len(api.get(url, admin).get_json()["rows"]) == 3
    assert [r["unit_id"] for r in api.get(url, manager).get_json()["rows"]] == [u1.id]
    assert api.get(url + f"&unit_id={u1.id}", manager).status_code == 200
    assert api.get(url + f"&unit_id={u2.id}", manager).status_code == 403
    assert api.get(url + f"&unit_id={u2.id}", ledger["evaluator"]).get_json()["rows"][0]["unit_id"] == u2.id
    r = api.get(url, ledger["alice"])
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert api.get(url).status_code == 401
    unknown = api.get("/api/v1/evaluations?year=2025&scheme=nope", admin)
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/evaluations?scheme=x", admin).status_code == 422
    moe = api.get(f"/api/v1/evaluations?year=2024&scheme={MOE}", manager).get_json()
    assert {r["unit_id"] for r in moe["rows"]} == {u1.id}
    assert api.get("/api/v1/evaluation-schemes", ledger["alice"]).status_code == 403


def test_scheme_list(api, ledger):
    body = api.get("/api/v1/evaluation-schemes", ledger["evaluator"]).get_json()
    assert body["total"] == 2 and [s["id"] for s in body["items"]] == [MOE, UNI]
    moe = body["items"][0]
    assert moe["version"] == 1 and moe["level"] == "instrument" and moe["window"] == "academic"
    assert moe["settings"] == {"scope_min_price": 100000}
    assert [g["label"] for g in moe["grades"]] == ["优秀", "良好", "合格", "不合格"]
    assert {"id", "label", "kind", "expression", "points", "cap"} <= set(moe["items"][0])
    english = api.get("/api/v1/evaluation-schemes", ledger["evaluator"], headers={"Accept-Language": "en"})
    assert english.get_json()["items"][1]["grades"][3]["label"] == "Poor"
    spec = api.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/evaluations" in spec["paths"] and "/api/v1/evaluations/{year}/manual-items" in spec["paths"]


# --- versions -----------------------------------------------------------------------------------

def test_adjusting_creates_a_new_version_and_the_old_one_stays_evaluable(api, ledger):
    u1 = ledger["u"][0]
    admin = make_user(u1, roles=("admin",))
    v1 = rubrics.get_version(UNI)
    definition = copy.deepcopy(v1.definition)
    sharing = next(i for i in definition["items"] if i["id"] == "sharing_rate")
    sharing.update(expression="value / 0.5 * 20", points=20)  # 0.25 → 10 of 20
    definition["settings"]["scope_min_price"] = 1_000_000  # A1 only in 甲
    v2 = rubrics.adjust_scheme(admin, UNI, {"name_zh": v1.name_zh, "name_en": v1.name_en,
                                            "definition": definition}, note="stricter")
    assert v2.version == 2 and rubrics.get_version(UNI, 1).definition == v1.definition
    url = f"/api/v1/evaluations?year=2025&scheme={UNI}"
    new = api.get(url, ledger["evaluator"]).get_json()
    assert new["scheme_version"] == 2 and new["settings"] == {"scope_min_price": 1_000_000}
    row = rows_by(new, "unit_id")[u1.id]
    # A1 alone: external 200 of 800 h = 0.25 → 10; yield (30,000 + 24,000) ÷ 1,000,000 = 0.054 → 4.05;
    # 800 h → 8; weighted (600 + 300) ÷ 800 = 1.125 → 5. Total 27.05.
    assert items_of(row)["sharing_rate"]["points"] == 10 and row["score"] == 27.05
    old = api.get(url + "&version=1", ledger["evaluator"]).get_json()
    assert old["scheme_version"] == 1 and rows_by(old, "unit_id")[u1.id]["score"] == 23  # 51.4 − 28.4 manual
    assert api.get(url + "&version=3", ledger["evaluator"]).status_code == 404
    listed = api.get("/api/v1/evaluation-schemes", ledger["evaluator"]).get_json()["items"]
    assert {s["id"]: s["version"] for s in listed} == {MOE: 1, UNI: 2}


def test_copy_makes_an_independent_rubric(ctx, ledger):
    admin = make_user(ledger["u"][0], roles=("admin",))
    copied = rubrics.copy_scheme(admin, MOE, "moe-strict", "教育部（严格）", "MOE strict")
    assert copied.version == 1 and copied.level == "instrument" and copied.definition == rubrics.get_version(
        MOE).definition
    with pytest.raises(ApiError) as conflict:
        rubrics.copy_scheme(admin, MOE, "moe-strict", "x", None)
    assert conflict.value.status == 409
    with pytest.raises(ApiError) as bad:
        rubrics.copy_scheme(admin, MOE, "Bad Id", "x", None)
    assert bad.value.status == 422


# --- the expression checker ---------------------------------------------------------------------

@pytest.mark.parametrize("expression", [
    "__import__('os').system('true')", "value.__class__", "(1).real", "value[0]", "'a' * 3", "value ** 2",
    "value > 1", "open('x')", "lambda: 1", "[1, 2]", "min", "unknown_metric * 2", "", "value if 1 else 2",
    "min(value, key=abs)",
])
def test_the_checker_refuses_anything_but_arithmetic(ctx, expression):
    with pytest.raises(ExpressionError):
        check(expression, {"value", "sharing_rate"})


def test_the_checker_evaluates_arithmetic_and_nulls(ctx):
    tree = parse("min(value / 0.1 * 10, 10) + max(-value, 0)", {"value"})
    assert evaluate(tree, {"value": 0.05}) == pytest.approx(5)
    assert evaluate(tree, {"value": None}) is None
    assert evaluate(parse("value / instrument_count", {"value", "instrument_count"}),
                    {"value": 3, "instrument_count": 0}) is None


def test_adjusting_with_a_bad_expression_is_refused_and_nothing_is_stored(ctx, ledger):
    admin = make_user(ledger["u"][0], roles=("admin",))
    definition = copy.deepcopy(rubrics.get_version(MOE).definition)
    definition["items"][0]["expression"] = "__import__('os').getcwd()"
    definition["grades"][1]["min"] = 95  # B above A
    with pytest.raises(ApiError) as refused:
        rubrics.adjust_scheme(admin, MOE, {"name_zh": "x", "definition": definition})
    assert refused.value.status == 422
    assert set(refused.value.fields) == {"items.hour_use.expression", "grades"}
    assert rubrics.get_version(MOE).version == 1
    assert evaluate_scheme(MOE, 2024)["scheme_version"] == 1


def test_presets_are_seeded_by_the_migration(app, backend):
    """The migrated database (before any test wiped it) has both presets; wiped tables heal on first use."""
    with app.app_context():
        assert {v.scheme_id for v in rubrics.current_versions()} == {MOE, UNI}
        assert date(2024, 9, 1) == date.fromisoformat(evaluate_scheme(MOE, 2024)["window"]["from"])
