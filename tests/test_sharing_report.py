"""The sharing report (API.md, "Reports"): golden figures computed by hand, a property test against a
plain-Python reference, roles, and the CSV/XLSX exports."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.ledger_models import Rating
from bookings.models import Booking, UsageLog
from instruments.models import Category, Instrument
from reports.metrics import EXTRA_FIELDS, RATIO_FIELDS, ROW_FIELDS, TOTAL_FIELDS, sharing_report, working_days_after
from sharing.extensions import db
from sharing.timeutil import platform_midnight
from tests.helpers import ApiClient, make_unit, make_user

TZ = ZoneInfo("Asia/Shanghai")
YEAR = (platform_midnight(date(2025, 1, 1)), platform_midnight(date(2026, 1, 1)))  # 365 days


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(timezone.utc)


def add_instrument(unit, inner, category, price, **extra):
    instrument = Instrument(unit_id=unit.id, inner_id=inner, name=f"仪器{inner}", model="M", manufacturer="F",
                            category_code=category, price_cny=price, booking_rules={}, **extra)
    db.session.add(instrument)
    db.session.commit()
    return instrument


def add_log(instrument, user, start, end, purpose="research", external=False, fee=0, samples=None, voided=False,
            way="occupy", score=None, source="checkin"):
    log = UsageLog(instrument_id=instrument.id, user_id=user.id, start=start, end=end, purpose=purpose,
                   service_way=way, sample_count=samples, is_external=external, fee=Decimal(str(fee)),
                   source=source, voided=voided)
    db.session.add(log)
    db.session.flush()
    if score is not None:
        db.session.add(Rating(usage_log_id=log.id, user_id=user.id, score=score))
    db.session.commit()
    return log


def add_booking(instrument, user, start, status):
    db.session.add(Booking(instrument_id=instrument.id, user_id=user.id, start=start, end=start + timedelta(hours=1),
                           block_end=start + timedelta(hours=1), status=status, mode="self"))
    db.session.commit()


@pytest.fixture
def world(ctx):
    home, other = make_unit(name="甲大学"), make_unit(name="乙研究所")
    alice, bob = make_user(home), make_user(other)
    db.session.get(Category, "010100").rated_hours = 1000  # inherited by the leaf 010101
    db.session.get(Category, "010102").rated_hours = 600  # on the leaf itself
    db.session.get(Category, "020000").rated_hours = 1200  # inherited from the top through 020100
    db.session.commit()
    i1 = add_instrument(home, "I1", "010101", 1_000_000, rated_hours=2000, purchase_date=date(2020, 1, 1),
                        commission_date=date(2021, 3, 1), register_date=date(2021, 3, 20))
    i2 = add_instrument(home, "I2", "010101", 600_000, commission_date=date(2023, 1, 2),
                        register_date=date(2023, 2, 15))
    i3 = add_instrument(home, "I3", "030101", 2_000_000, instrument_type="special")
    i4 = add_instrument(home, "I4", "020101", 500_000, commission_date=date(2023, 1, 2),
                        register_date=date(2023, 2, 20))
    i5 = add_instrument(home, "I5", "040101", 400_000)
    i6 = add_instrument(other, "I6", "010102", 3_000_000)
    # I1: crosses the window start (2 h inside, fee not counted), teaching external 4 h, maintenance 8 h
    # (not effective), training 3 h, a voided 10 h log, social service crossing the end (2 h inside).
    add_log(i1, alice, at(2024, 12, 31, 22), at(2025, 1, 1, 2), fee=400)
    add_log(i1, bob, at(2025, 3, 10, 9), at(2025, 3, 10, 13), "teaching", True, fee=1200, score=5, source="manual")
    add_log(i1, alice, at(2025, 4, 1, 9), at(2025, 4, 1, 17), "maintenance")
    add_log(i1, alice, at(2025, 5, 1, 9), at(2025, 5, 1, 12), "training", fee=300, score=3)
    add_log(i1, bob, at(2025, 6, 1, 9), at(2025, 6, 1, 19), external=True, fee=5000, voided=True, score=1)
    add_log(i1, bob, at(2025, 12, 31, 22), at(2026, 1, 1, 3), "social_service", True, fee=1000)
    # I2: sample-only services (entrust): 12 samples × 150 external, 5 samples × 50 internal.
    add_log(i2, bob, at(2025, 7, 1, 9), at(2025, 7, 1, 10), external=True, fee=1800, samples=12, way="entrust",
            source="terminal")
    add_log(i2, alice, at(2025, 7, 2, 9), at(2025, 7, 2, 9, 30), fee=250, samples=5, way="entrust", score=4)
    add_log(i3, alice, at(2025, 8, 1, 9), at(2025, 8, 1, 17), "maintenance")
    add_log(i5, alice, at(2025, 9, 1, 9), at(2025, 9, 1, 11), fee=100)
    add_log(i6, alice, at(2025, 10, 1, 9), at(2025, 10, 1, 15), external=True, fee=3000)
    add_booking(i1, alice, at(2025, 3, 10, 9), "completed")
    add_booking(i1, alice, at(2025, 4, 2, 9), "no_show")
    add_booking(i1, alice, at(2025, 4, 3, 9), "cancelled")  # not counted
    add_booking(i1, alice, at(2024, 12, 30, 9), "completed")  # before the window
    add_booking(i3, alice, at(2025, 8, 2, 9), "no_show")
    return {"home": home, "other": other, "alice": alice, "bob": bob,
            "i": {n: x for n, x in zip(range(1, 7), (i1, i2, i3, i4, i5, i6))}}


def rows_by_key(report):
    return {row["key"]: row for row in report["rows"]}


def test_golden_instrument_rows(world):
    i = world["i"]
    report = sharing_report(*YEAR, "instrument")
    rows = rows_by_key(report)
    assert list(report["rows"][0]) == list(ROW_FIELDS + EXTRA_FIELDS)
    assert set(rows) == {i[1].id, i[2].id, i[3].id, i[4].id, i[6].id}  # I5 (400,000) is out of scope
    # I1: internal 2 (22:00→24:00 of the crossing log) + 3 (training) = 5; external 4 + 2 (22:00→24:00) = 6;
    # sharing 6/11; rated = override 2000 × 365/365; util 11/2000; income: internal 300 (the crossing log started
    # before the window), external 1200 + 1000 = 2200; yield (300 + 1.5 × 2200)/1,000,000 = 0.0036;
    # ratings 5 and 3 (the voided log's 1 is ignored); bookings: completed + no_show (cancelled, 2024 ignored).
    assert rows[i[1].id] == {
        "key": i[1].id, "instrument_count": 1, "effective_hours": 11.0, "internal_hours": 5.0,
        "external_hours": 6.0, "sharing_rate": 0.5455, "rated_hours": 2000.0, "utilization": 0.0055,
        "income_internal": 300.0, "income_external": 2200.0, "yield_rate": 0.0036, "samples": 0, "bookings": 2,
        "no_shows": 1, "rating_avg": 4.0, "rating_count": 2,
        "flags": ["LOW_USE", "UNDER_QUOTA", "NOT_COMMISSIONED"],  # commissioned 425 days after purchase
        # weighted (5 + 1.5 × 6)/11 = 14/11; it served external users (count-based 1/1); the external
        # teaching log was entered by hand: 4 of 11 hours
        "weighted_sharing_rate": 1.2727, "instruments_with_external": 1, "count_sharing_rate": 1.0,
        "manual_hours": 4.0, "manual_share": 0.3636,
    }
    # I2: 0.5 h internal + 1 h external; rated inherited from 010100 = 1000; util 1.5/1000;
    # yield (250 + 1.5 × 1800)/600,000 = 2950/600000 = 0.0049; samples 12 + 5.
    # Registered 2023-02-15: 32 weekdays but 29 Chinese working days after 2023-01-02 (Spring Festival
    # 21–27 Jan off, 28–29 Jan worked) → not late.
    assert rows[i[2].id] == {
        "key": i[2].id, "instrument_count": 1, "effective_hours": 1.5, "internal_hours": 0.5,
        "external_hours": 1.0, "sharing_rate": 0.6667, "rated_hours": 1000.0, "utilization": 0.0015,
        "income_internal": 250.0, "income_external": 1800.0, "yield_rate": 0.0049, "samples": 17, "bookings": 0,
        "no_shows": 0, "rating_avg": 4.0, "rating_count": 1, "flags": ["LOW_USE", "UNDER_QUOTA"],
        # weighted (0.5 + 1.5 × 1)/1.5; a terminal and a check-in log: nothing manual
        "weighted_sharing_rate": 1.3333, "instruments_with_external": 1, "count_sharing_rate": 1.0,
        "manual_hours": 0.0, "manual_share": 0.0,
    }
    # I3: maintenance only → IDLE; special, no category quota anywhere on its path → 800.
    assert rows[i[3].id] == {
        "key": i[3].id, "instrument_count": 1, "effective_hours": 0.0, "internal_hours": 0.0,
        "external_hours": 0.0, "sharing_rate": None, "rated_hours": 800.0, "utilization": 0.0,
        "income_internal": 0.0, "income_external": 0.0, "yield_rate": 0.0, "samples": 0, "bookings": 1,
        "no_shows": 1, "rating_avg": None, "rating_count": 0,
        "flags": ["IDLE", "LOW_USE", "UNDER_QUOTA", "NO_EXTERNAL"],
        "weighted_sharing_rate": None, "instruments_with_external": 0, "count_sharing_rate": 0.0,
        "manual_hours": 0.0, "manual_share": None,
    }
    # I4: no logs at all; price exactly at the threshold; quota from the top category 020000 (1200).
    # Registered 2023-02-20: 18 working days in January + 14 in February = 32 > 30.
    assert rows[i[4].id]["rated_hours"] == 1200.0 and rows[i[4].id]["utilization"] == 0.0
    assert rows[i[4].id]["flags"] == ["IDLE", "LOW_USE", "UNDER_QUOTA", "NO_EXTERNAL", "LATE_REGISTRATION"]
    # I6 (other unit): 6 h external, quota on its own leaf 600; yield 4500/3,000,000.
    assert rows[i[6].id]["rated_hours"] == 600.0 and rows[i[6].id]["utilization"] == 0.01
    assert rows[i[6].id]["sharing_rate"] == 1.0 and rows[i[6].id]["yield_rate"] == 0.0015
    # Totals: internal 5 + 0.5 = 5.5; external 6 + 1 + 6 = 13; effective 18.5; sharing 13/18.5 = 0.7027;
    # rated 2000 + 1000 + 800 + 1200 + 600 = 5600; util 18.5/5600 = 0.0033; income 550 / 7000;
    # yield (550 + 10500)/7,100,000 = 0.0016; ratings (5 + 3 + 4)/3; weighted (5.5 + 19.5)/18.5 = 1.3514;
    # I1, I2 and I6 served external users: 3 of 5 instruments; manual 4 of 18.5 hours.
    assert report["totals"] == {
        "instrument_count": 5, "effective_hours": 18.5, "internal_hours": 5.5, "external_hours": 13.0,
        "sharing_rate": 0.7027, "rated_hours": 5600.0, "utilization": 0.0033, "income_internal": 550.0,
        "income_external": 7000.0, "yield_rate": 0.0016, "samples": 17, "bookings": 3, "no_shows": 2,
        "rating_avg": 4.0, "rating_count": 3, "weighted_sharing_rate": 1.3514, "instruments_with_external": 3,
        "count_sharing_rate": 0.6, "manual_hours": 4.0, "manual_share": 0.2162,
    }
    assert list(report["totals"]) == list(TOTAL_FIELDS)


def test_working_days_follow_the_chinese_calendar():
    assert working_days_after(date(2023, 1, 2), date(2023, 2, 15)) == 29
    assert working_days_after(date(2023, 1, 2), date(2023, 2, 20)) == 32
    assert working_days_after(date(1990, 1, 1), date(1990, 1, 8)) == 5  # before the package's years: Mon–Fri


def test_one_month_window_pro_rates_the_quota(world):
    i1 = world["i"][1]
    row = rows_by_key(sharing_report(platform_midnight(date(2025, 3, 1)), platform_midnight(date(2025, 4, 1)),
                                     "instrument"))[i1.id]
    # 2000 × 31/365 = 169.863; only the 4 h teaching log; util 4/169.863 = 0.02355
    assert row["rated_hours"] == 169.86 and row["effective_hours"] == 4.0 and row["utilization"] == 0.0235
    assert row["income_external"] == 1200.0 and row["bookings"] == 1 and row["no_shows"] == 0


@pytest.mark.parametrize("group_by", ["unit", "category"])
def test_groups_are_sums_of_instrument_rows(world, group_by):
    by_instrument = sharing_report(*YEAR, "instrument")["rows"]
    grouped = sharing_report(*YEAR, group_by)
    group_of = {x.id: (x.unit_id if group_by == "unit" else x.category_code) for x in world["i"].values()}
    expected: dict = {}
    for row in by_instrument:
        sums = expected.setdefault(group_of[row["key"]], {f: 0 for f in ("instrument_count", "internal_hours",
                                                                         "external_hours", "rated_hours",
                                                                         "income_internal", "income_external",
                                                                         "samples", "bookings", "no_shows",
                                                                         "rating_count")})
        for field in sums:
            sums[field] += row[field]
    rows = rows_by_key(grouped)
    assert set(rows) == set(expected)
    for key, sums in expected.items():
        for field, value in sums.items():
            assert rows[key][field] == pytest.approx(value, abs=0.011), (key, field)
        assert rows[key]["flags"] == []
    assert grouped["totals"] == sharing_report(*YEAR, "instrument")["totals"]
    if group_by == "unit":
        # 甲: internal 5.5, external 6 + 1 = 7 → sharing 7/12.5 = 0.56 (from sums, not the mean of 0.5455 and 0.6667
        # and null); rated 5000; yield (550 + 1.5 × 4000)/4,100,000 = 0.0016
        home = rows[world["home"].id]
        assert (home["sharing_rate"], home["rated_hours"], home["utilization"], home["yield_rate"]) == (
            0.56, 5000.0, 0.0025, 0.0016)
    else:
        assert rows["010101"]["instrument_count"] == 2 and rows["010101"]["sharing_rate"] == 0.56


def test_filters_scope_unit_and_category(world):
    i = world["i"]
    wide = rows_by_key(sharing_report(*YEAR, "instrument", min_price=300_000))
    # I5: 2 h internal research, general with no category quota → 1400; 2/1400 = 0.0014
    assert wide[i[5].id]["effective_hours"] == 2.0 and wide[i[5].id]["rated_hours"] == 1400.0
    assert wide[i[5].id]["utilization"] == 0.0014 and wide[i[5].id]["income_internal"] == 100.0
    assert set(rows_by_key(sharing_report(*YEAR, "instrument", unit_id=world["other"].id))) == {i[6].id}
    assert set(rows_by_key(sharing_report(*YEAR, "instrument", category="010100"))) == {i[1].id, i[2].id, i[6].id}
    assert set(rows_by_key(sharing_report(*YEAR, "instrument", category="010000"))) == {i[1].id, i[2].id, i[6].id}
    assert set(rows_by_key(sharing_report(*YEAR, "instrument", category="020101"))) == {i[4].id}


def test_retired_instruments_count_only_with_use_ratings_or_bookings(world):
    home, alice = world["home"], world["alice"]
    serviced = add_instrument(home, "R1", "040101", 900_000, status="retired")
    add_log(serviced, alice, at(2025, 2, 1, 9), at(2025, 2, 1, 12), "maintenance")  # not effective use
    used = add_instrument(home, "R2", "040101", 900_000, status="retired")
    add_log(used, alice, at(2025, 2, 2, 9), at(2025, 2, 2, 12))
    rated = add_instrument(home, "R3", "040101", 900_000, status="retired")
    add_log(rated, alice, at(2025, 2, 3, 9), at(2025, 2, 3, 12), "maintenance", score=2)
    booked = add_instrument(home, "R4", "040101", 900_000, status="retired")
    add_booking(booked, alice, at(2025, 2, 4, 9), "no_show")
    db.session.commit()
    rows = rows_by_key(sharing_report(*YEAR, "instrument"))
    assert serviced.id not in rows and {used.id, rated.id, booked.id} <= set(rows)
    assert rows[rated.id]["rating_count"] == 1 and rows[rated.id]["effective_hours"] == 0.0


# ---------------------------------------------------------------- property test against a reference

EFFECTIVE = {"research", "teaching", "social_service", "training"}
W_FROM, W_TO = at(2025, 3, 1), at(2025, 3, 8)

log_strategy = st.tuples(
    st.integers(0, 3),  # instrument index
    st.integers(-3 * 24 * 60, 10 * 24 * 60),  # start, minutes from the window start
    st.integers(1, 4 * 24 * 60),  # duration in minutes
    st.sampled_from(["research", "teaching", "social_service", "training", "maintenance"]),
    st.booleans(),  # external
    st.integers(0, 50_000),  # fee in fen
    st.one_of(st.none(), st.integers(0, 20)),  # samples
    st.booleans(),  # voided (drawn with the next value to make it rarer)
    st.booleans(),
    st.one_of(st.none(), st.integers(1, 5)),  # rating
    st.sampled_from(["manual", "checkin", "terminal"]),  # source
)
instrument_strategy = st.tuples(st.sampled_from([0, 400_000, 500_000, 900_000]), st.sampled_from(["general", "special"]),
                                st.one_of(st.none(), st.integers(100, 3000)))


def reference(instruments, logs, min_price):
    """Plain Python: per instrument sums, then ratios, as API.md defines them."""
    rows = {}
    factor = (W_TO - W_FROM).total_seconds() / (365 * 86400)
    for inst in instruments:
        if inst.price_cny < min_price:
            continue
        own = [x for x in logs if x.instrument_id == inst.id and not x.voided]
        eff = [x for x in own if x.purpose in EFFECTIVE and x.start < W_TO and x.end > W_FROM]
        clip = {x.id: (min(x.end, W_TO) - max(x.start, W_FROM)).total_seconds() / 3600 for x in eff}
        started = [x for x in eff if W_FROM <= x.start < W_TO]
        internal = sum(clip[x.id] for x in eff if not x.is_external)
        external = sum(clip[x.id] for x in eff if x.is_external)
        rated = (inst.rated_hours or (800 if inst.instrument_type == "special" else 1400)) * factor
        inc_i = sum(float(x.fee) for x in started if not x.is_external)
        inc_e = sum(float(x.fee) for x in started if x.is_external)
        scores = [x.score for x in own if W_FROM <= x.start < W_TO and x.score is not None]
        effective = internal + external
        manual = sum(clip[x.id] for x in eff if x.source == "manual")
        rows[inst.id] = {
            "effective_hours": effective, "internal_hours": internal, "external_hours": external,
            "sharing_rate": external / effective if effective else None, "rated_hours": rated,
            "utilization": effective / rated, "income_internal": inc_i, "income_external": inc_e,
            "yield_rate": (inc_i + 1.5 * inc_e) / float(inst.price_cny) if inst.price_cny else None,
            "samples": sum(x.sample_count or 0 for x in started), "rating_count": len(scores),
            "rating_avg": sum(scores) / len(scores) if scores else None, "idle": not eff,
            "weighted_sharing_rate": (internal + 1.5 * external) / effective if effective else None,
            "count_sharing_rate": 1.0 if external > 0 else 0.0, "manual_hours": manual,
            "manual_share": manual / effective if effective else None,
        }
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(instrument_strategy, min_size=1, max_size=4), logs=st.lists(log_strategy, max_size=12),
       min_price=st.sampled_from([0, 500_000]))
def test_report_matches_a_python_reference(ctx, specs, logs, min_price):
    unit = make_unit(name="性质大学")
    user = make_user(unit)
    try:
        instruments = [add_instrument(unit, f"P{n}", "040101", price, instrument_type=kind, rated_hours=rated)
                       for n, (price, kind, rated) in enumerate(specs)]
        made = []
        for index, start, minutes, purpose, ext, fen, samples, v1, v2, score, source in logs:
            inst = instruments[index % len(instruments)]
            begin = W_FROM + timedelta(minutes=start)
            log = add_log(inst, user, begin, begin + timedelta(minutes=minutes), purpose, ext, Decimal(fen) / 100,
                          samples, voided=v1 and v2, score=score, source=source)
            log.score = score
            made.append(log)
        expected = reference(instruments, made, min_price)
        report = sharing_report(W_FROM, W_TO, "instrument", unit_id=unit.id, min_price=min_price)
        rows = rows_by_key(report)
        assert set(rows) == set(expected)
        for key, want in expected.items():
            got = rows[key]
            for field, value in want.items():
                if field == "idle":
                    assert ("IDLE" in got["flags"]) == value
                elif value is None:
                    assert got[field] is None, field
                else:
                    assert got[field] == pytest.approx(value, abs=0.0051 if field not in RATIO_FIELDS else 0.00006), field
    finally:
        db.session.rollback()
        for model in (Rating, UsageLog, Instrument):
            db.session.query(model).delete()
        db.session.query(type(user)).filter_by(id=user.id).delete()
        db.session.delete(unit)
        db.session.commit()


# ---------------------------------------------------------------- API: roles, validation, exports

URL = "/api/v1/reports/sharing?from=2025-01-01&to=2026-01-01"


def test_roles_scope_the_report(client, world):
    api = ApiClient(client)
    home, other = world["home"], world["other"]
    evaluator = make_user(other, roles=("evaluator",))
    manager = make_user(home, roles=("manager",))
    unit_admin = make_user(home, roles=("unit_admin",))
    body = api.get(URL, evaluator).get_json()
    assert {r["key"] for r in body["rows"]} == {world["i"][n].id for n in (1, 2, 3, 4, 6)}
    assert (body["from"], body["to"], body["group_by"], body["scope_min_price"]) == (
        "2025-01-01", "2026-01-01", "instrument", 500000)
    assert body["totals"]["effective_hours"] == 18.5
    assert body["settings"]["effective_purposes"] == ["research", "teaching", "social_service", "training"]
    mine = api.get(URL + "&group_by=unit", manager).get_json()
    assert [r["key"] for r in mine["rows"]] == [home.id] and mine["totals"]["external_hours"] == 7.0
    assert api.get(URL + f"&unit_id={home.id}", unit_admin).status_code == 200
    denied = api.get(URL + f"&unit_id={other.id}", manager)
    assert denied.status_code == 403 and denied.get_json()["error"]["code"] == "forbidden"
    assert api.get(URL, world["alice"]).status_code == 403
    assert api.get(URL).status_code == 401


def test_window_and_parameters_are_validated(client, world):
    api = ApiClient(client)
    admin = make_user(world["home"], roles=("admin",))
    bad = api.get("/api/v1/reports/sharing?from=2025-02-01&to=2025-02-01", admin)
    assert bad.status_code == 422 and "to" in bad.get_json()["error"]["fields"]
    assert api.get(URL + "&group_by=city", admin).status_code == 422
    assert "from" in api.get("/api/v1/reports/sharing?to=2025-02-01", admin).get_json()["error"]["fields"]
    wide = api.get(URL + "&in_scope_min_price=300000", admin).get_json()
    assert wide["scope_min_price"] == 300000 and wide["totals"]["instrument_count"] == 6


def _number(text):
    if text == "":
        return None
    return float(text)


def test_csv_and_xlsx_carry_the_json_numbers(client, world):
    from openpyxl import load_workbook

    api = ApiClient(client)
    evaluator = make_user(world["other"], roles=("evaluator",))
    body = api.get(URL, evaluator).get_json()
    response = api.get(URL + "&format=csv", evaluator)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0] == list(ROW_FIELDS)
    assert len(lines) == len(body["rows"]) + 1            # rows only: every key is an id
    for line, row in zip(lines[1:], body["rows"]):
        assert int(line[0]) == row["key"] and line[-1] == ";".join(row["flags"])
        for field, text in zip(ROW_FIELDS[1:-1], line[1:-1]):
            assert _number(text) == row[field], field
    zh = list(csv.reader(io.StringIO(api.get(URL + "&format=csv&header=zh", evaluator).get_data().decode("utf-8-sig"))))
    assert zh[0][:3] == ["仪器编号", "仪器台套数", "有效工作机时"] and zh[-1][0] == "合计"   # totals for people
    assert len(zh) == len(body["rows"]) + 2
    people_fields = ROW_FIELDS + EXTRA_FIELDS  # people's forms add the extension columns after the contract's
    assert zh[0][len(ROW_FIELDS):] == ["加权共享率", "对外服务仪器数", "对外共享仪器比例", "手工录入机时", "手工录入机时占比"]
    for field, text in zip(people_fields, zh[-1]):
        if field not in ("key", "flags"):
            assert _number(text) == body["totals"][field], field
    for line, row in zip(zh[1:-1], body["rows"]):
        assert [_number(text) for text in line[len(ROW_FIELDS):]] == [row[f] for f in EXTRA_FIELDS]
    en = list(csv.reader(io.StringIO(api.get(URL + "&format=csv&header=en", evaluator).get_data().decode("utf-8-sig"))))
    assert en[0] == list(people_fields) and en[-1][0] == "total"

    xlsx = api.get(URL + "&format=xlsx", evaluator)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(ROW_FIELDS) and sheet.freeze_panes == "B2"  # header row and key column
    for line, row in zip(values[1:], body["rows"]):
        assert list(line[:-1]) == [row[f] for f in ROW_FIELDS[:-1]]
        assert (line[-1] or "") == ";".join(row["flags"])
    assert len(values) == len(body["rows"]) + 1
    people = list(load_workbook(io.BytesIO(api.get(URL + "&format=xlsx&header=zh", evaluator).get_data()))
                  .active.iter_rows(values_only=True))
    assert people[-1][0] == "合计"
    assert [v for f, v in zip(people_fields, people[-1]) if f not in ("key", "flags")] == [
        body["totals"][f] for f in people_fields if f not in ("key", "flags")]
    assert sheet.cell(row=2, column=ROW_FIELDS.index("sharing_rate") + 1).number_format == "0.00%"
    about = load_workbook(io.BytesIO(xlsx.get_data())).worksheets[1]
    notes = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert notes["统计期"] == "2025-01-01 至 2026-01-01（不含结束日）" and "500,000" in notes["统计范围"]


def test_cluster_members_only(client, world):
    world["other"].in_cluster = False  # 乙研究所 uses the platform from outside the cluster
    db.session.commit()
    i = world["i"]
    rows = rows_by_key(sharing_report(*YEAR, "instrument", cluster_only=True))
    assert set(rows) == {i[1].id, i[2].id, i[3].id, i[4].id}  # I6 belongs to 乙
    api = ApiClient(client)
    evaluator = make_user(world["home"], roles=("evaluator",))
    body = api.get(URL + "&group_by=unit&cluster_only=true", evaluator).get_json()
    assert body["cluster_only"] is True and [r["key"] for r in body["rows"]] == [world["home"].id]
    assert body["totals"]["external_hours"] == 7.0  # 甲 alone: I1 6 h + I2 1 h
    assert api.get(URL, evaluator).get_json()["cluster_only"] is False
