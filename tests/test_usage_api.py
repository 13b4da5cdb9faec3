"""The usage ledger through the JSON API: fees, overlaps, locks, history, ratings, terminals, scoping."""
import pytest

from bookings.ledger_models import TerminalToken
from bookings.models import UsageLog
from instruments.models import Instrument
from sharing.extensions import db
from tests.helpers import make_unit, make_user

def t(day: str, hh_mm: str) -> str:
    return f"{day}T{hh_mm}:00+08:00"


@pytest.fixture
def world(ctx):
    home, other = make_unit(name="东北大学"), make_unit(name="大连理工大学")
    tem = Instrument(unit_id=home.id, inner_id="U-1", name="透射电子显微镜", model="JEM-2100F",
                     manufacturer="JEOL", category_code="010101", price_cny=8_000_000,
                     fee_internal=200, fee_external=400, fee_sample_internal=50, fee_sample_external=120)
    xrd = Instrument(unit_id=home.id, inner_id="U-2", name="X射线衍射仪", model="D8",
                     manufacturer="Bruker", category_code="010101", price_cny=1_000_000,
                     fee_internal=100, fee_external=250)
    nmr = Instrument(unit_id=other.id, inner_id="U-3", name="核磁共振波谱仪", model="AV-600",
                     manufacturer="Bruker", category_code="010101", price_cny=5_000_000,
                     fee_internal=300, fee_external=600)
    db.session.add_all([tem, xrd, nmr])
    db.session.commit()
    return {"tem": tem, "xrd": xrd, "nmr": nmr, "home": home, "other": other,
            "manager": make_user(home, roles=["manager"]), "alice": make_user(home), "carol": make_user(home),
            "bob": make_user(other), "other_manager": make_user(other, roles=["manager"]),
            "evaluator": make_user(other, roles=["evaluator"]), "admin": make_user(other, roles=["admin"])}


def body(world, instrument="tem", user="alice", **extra):
    payload = {"instrument_id": world[instrument].id, "user_id": world[user].id,
               "start": t("2026-03-02", "09:00"), "end": t("2026-03-02", "11:30"),
               "purpose": "research", "service_way": "occupy"}
    payload.update(extra)
    return payload


def record(api, world, who="manager", **kw):
    return api.post("/api/v1/usage-logs", world[who], json=body(world, **kw))


def created(api, world, **kw) -> dict:
    r = record(api, world, **kw)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def error_code(r):
    return r.get_json()["error"]["code"]


def lock(api, world, year=2025, who="evaluator"):
    return api.post(f"/api/v1/periods/{year}/lock", world[who])


def test_default_fees_at_internal_external_and_per_sample_rates(api, world):
    internal = created(api, world)
    assert internal["fee"] == 500.0 and internal["hours"] == 2.5 and internal["is_external"] is False
    assert internal["source"] == "manual" and internal["rating"] is None and internal["voided"] is False
    assert internal["start"] == "2026-03-02T09:00:00+08:00" and internal["created_by"] == world["manager"].id
    external = created(api, world, user="bob", start=t("2026-03-02", "12:00"), end=t("2026-03-02", "13:00"))
    assert external["fee"] == 400.0 and external["is_external"] is True
    entrust = created(api, world, user="bob", start=t("2026-03-02", "14:00"), end=t("2026-03-02", "15:00"),
                      service_way="entrust", sample_count=3)
    assert entrust["fee"] == 360.0
    entrust_home = created(api, world, start=t("2026-03-02", "15:00"), end=t("2026-03-02", "16:00"),
                           service_way="entrust", sample_count=3)
    assert entrust_home["fee"] == 150.0
    no_sample_rate = created(api, world, instrument="xrd", service_way="entrust", sample_count=4)
    assert no_sample_rate["fee"] == 250.0                      # no per-sample rate: hours × internal rate
    given = created(api, world, instrument="xrd", start=t("2026-03-03", "09:00"), end=t("2026-03-03", "10:00"),
                    fee=12.5, comment="优惠")
    assert given["fee"] == 12.5 and given["comment"] == "优惠"


def test_who_may_record_and_what_is_checked(api, world):
    assert record(api, world, who="alice").status_code == 403
    assert record(api, world, who="other_manager").status_code == 403
    assert record(api, world, who="admin").status_code == 201
    r = record(api, world, start=t("2026-03-02", "12:00"), end=t("2026-03-02", "12:00"))
    assert r.status_code == 422 and "end" in r.get_json()["error"]["fields"]
    r = record(api, world, purpose="idle", extra=1)
    assert r.status_code == 422 and {"purpose", "extra"} <= set(r.get_json()["error"]["fields"])
    r = record(api, world, user_id=999999, start=t("2026-03-04", "09:00"), end=t("2026-03-04", "10:00"))
    assert r.status_code == 422 and "user_id" in r.get_json()["error"]["fields"]


def test_overlap_with_a_non_voided_log_is_409(api, world):
    first = created(api, world)
    r = record(api, world, user="bob", start=t("2026-03-02", "11:00"), end=t("2026-03-02", "12:00"))
    assert r.status_code == 409 and error_code(r) == "usage_overlap"
    assert record(api, world, instrument="xrd").status_code == 201            # another instrument is free
    assert record(api, world, start=t("2026-03-02", "11:30"), end=t("2026-03-02", "12:00")).status_code == 201
    api.post(f"/api/v1/usage-logs/{first['id']}/void", world["manager"], json={"reason": "录错"})
    assert record(api, world, user="bob", start=t("2026-03-02", "10:00"), end=t("2026-03-02", "11:00")).status_code == 201
    second = created(api, world, start=t("2026-03-05", "09:00"), end=t("2026-03-05", "10:00"))
    r = api.patch(f"/api/v1/usage-logs/{second['id']}", world["manager"], json={"start": t("2026-03-02", "11:45")})
    assert r.status_code == 409 and error_code(r) == "usage_overlap"


def test_patch_recomputes_external_and_fee_and_keeps_history(api, world):
    log = created(api, world)
    path = f"/api/v1/usage-logs/{log['id']}"
    assert api.patch(path, world["alice"], json={"purpose": "teaching"}).status_code == 403
    assert api.patch(path, world["other_manager"], json={"purpose": "teaching"}).status_code == 404
    r = api.patch(path, world["manager"], json={"user_id": world["bob"].id, "end": t("2026-03-02", "10:00")})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["is_external"] is True and r.get_json()["fee"] == 400.0
    r = api.patch(path, world["manager"], json={"purpose": "teaching", "fee": 10})
    assert r.get_json()["fee"] == 10.0 and r.get_json()["purpose"] == "teaching"
    assert api.patch(path, world["manager"], json={"end": t("2026-03-02", "08:00")}).status_code == 422
    assert api.patch(path, world["manager"], json={"source": "terminal"}).status_code == 422
    r = api.post(f"{path}/void", world["manager"], json={})
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    r = api.post(f"{path}/void", world["manager"], json={"reason": "重复录入"})
    assert r.status_code == 200 and r.get_json()["voided"] is True and r.get_json()["void_reason"] == "重复录入"
    r = api.post(f"{path}/void", world["manager"], json={"reason": "again"})
    assert r.status_code == 409
    assert api.patch(path, world["manager"], json={"purpose": "research"}).status_code == 409

    r = api.get(f"{path}/history", world["manager"])
    assert r.status_code == 200
    versions = r.get_json()["items"]
    assert [v["action"] for v in versions] == ["create", "update", "update", "update"]
    assert all(v["actor_id"] == world["manager"].id for v in versions)
    assert versions[1]["changes"]["is_external"] == [False, True]
    assert versions[2]["changes"]["fee"] == [400.0, 10.0]
    assert versions[3]["changes"]["voided"] == [False, True] and versions[3]["reason"] == "重复录入"
    assert api.get(f"{path}/history", world["other_manager"]).status_code == 404
    assert api.get(f"{path}/history", world["evaluator"]).status_code == 200


def test_period_lock_freezes_the_year_and_allows_correction_records(api, world):
    old = created(api, world, start=t("2025-12-31", "22:00"), end=t("2026-01-01", "01:00"))
    assert lock(api, world, who="manager").status_code == 403
    r = lock(api, world)
    assert r.status_code == 200 and r.get_json()["year"] == 2025 and r.get_json()["locked"] is True
    assert lock(api, world, who="admin").get_json() == r.get_json()        # the same answer when locked
    periods = api.get("/api/v1/periods", world["alice"]).get_json()
    assert [p["year"] for p in periods["items"]] == [2025]

    r = record(api, world, start=t("2025-06-01", "09:00"), end=t("2025-06-01", "10:00"))
    assert r.status_code == 409 and error_code(r) == "period_locked"
    path = f"/api/v1/usage-logs/{old['id']}"
    r = api.patch(path, world["manager"], json={"purpose": "teaching"})
    assert r.status_code == 409 and error_code(r) == "period_locked"
    r = api.post(f"{path}/void", world["manager"], json={"reason": "错"})
    assert r.status_code == 409 and error_code(r) == "period_locked"
    later = created(api, world, start=t("2026-02-01", "09:00"), end=t("2026-02-01", "10:00"))
    r = api.patch(f"/api/v1/usage-logs/{later['id']}", world["manager"], json={"start": t("2025-12-30", "09:00")})
    assert r.status_code == 409 and error_code(r) == "period_locked"

    correction = created(api, world, user="bob", start=t("2025-12-31", "22:00"), end=t("2026-01-01", "00:30"),
                         corrects_id=old["id"], comment="用户填错")
    assert correction["corrects_id"] == old["id"] and correction["is_external"] is True
    assert db.session.get(UsageLog, old["id"]).voided is False              # the locked record stays as it was
    r = record(api, world, start=t("2025-06-01", "09:00"), end=t("2025-06-01", "10:00"), corrects_id=later["id"])
    assert r.status_code == 409 and error_code(r) == "period_locked"       # not a record of the locked year


def test_rating_once_by_the_logs_user(api, world):
    log = created(api, world)
    path = f"/api/v1/usage-logs/{log['id']}/rating"
    assert api.post(path, world["manager"], json={"score": 5}).status_code == 403
    assert api.post(path, world["bob"], json={"score": 5}).status_code == 404
    assert api.post(path, world["alice"], json={"score": 6}).status_code == 422
    r = api.post(path, world["alice"], json={"score": 4, "comment": "很好"},
                 headers={"Accept-Language": "en"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["score"] == 4 and r.get_json()["label"] == "Satisfied" and r.get_json()["comment"] == "很好"
    r = api.post(path, world["alice"], json={"score": 1})
    assert r.status_code == 409 and error_code(r) == "already_rated"
    assert api.get(f"/api/v1/usage-logs/{log['id']}", world["alice"]).get_json()["rating"] == {"score": 4,
                                                                                                "comment": "很好"}
    listed = api.get("/api/v1/usage-logs", world["manager"]).get_json()["items"]
    assert listed[0]["rating"]["score"] == 4
    other = created(api, world, start=t("2026-03-03", "09:00"), end=t("2026-03-03", "10:00"))
    api.post(f"/api/v1/usage-logs/{other['id']}/void", world["manager"], json={"reason": "x"})
    assert api.post(f"/api/v1/usage-logs/{other['id']}/rating", world["alice"], json={"score": 3}).status_code == 409


def terminal_token(api, world, instrument="tem", who="manager"):
    r = api.post(f"/api/v1/instruments/{world[instrument].id}/terminal-token", world[who])
    assert r.status_code == 201, r.get_json()
    return r.get_json()["token"]


def test_terminal_token_posts_only_its_instruments_logs(api, world):
    assert api.post(f"/api/v1/instruments/{world['tem'].id}/terminal-token", world["alice"]).status_code == 403
    assert api.post(f"/api/v1/instruments/{world['tem'].id}/terminal-token",
                    world["other_manager"]).status_code == 403
    assert api.post("/api/v1/instruments/999999/terminal-token", world["manager"]).status_code == 404
    token = terminal_token(api, world)
    row = db.session.get(TerminalToken, world["tem"].id)
    assert row.token_hash != token and len(row.token_hash) == 64
    headers = {"Authorization": f"Bearer {token}"}
    r = api.post("/api/v1/usage-logs", headers=headers, json=body(world, user="bob"))
    assert r.status_code == 201, r.get_json()
    log_id = r.get_json()["id"]
    assert r.get_json()["source"] == "terminal" and r.get_json()["created_by"] is None
    assert r.get_json()["is_external"] is True and r.get_json()["user_id"] == world["bob"].id
    assert db.session.get(TerminalToken, world["tem"].id).last_used_at is not None

    r = api.post("/api/v1/usage-logs", headers=headers, json=body(world, instrument="xrd"))
    assert r.status_code == 401 and error_code(r) == "unauthorized"
    for method, path in [("GET", "/api/v1/users/me"), ("GET", "/api/v1/usage-logs"),
                         ("GET", f"/api/v1/usage-logs/{log_id}"),
                         ("POST", f"/api/v1/usage-logs/{log_id}/void"),
                         ("POST", f"/api/v1/instruments/{world['tem'].id}/terminal-token"),
                         ("POST", "/api/v1/periods/2025/lock")]:
        assert api.request(method, path, headers=headers).status_code == 401, path

    fresh = terminal_token(api, world)
    later = body(world, start=t("2026-03-03", "09:00"), end=t("2026-03-03", "10:00"))
    assert api.post("/api/v1/usage-logs", headers=headers, json=later).status_code == 401
    r = api.post("/api/v1/usage-logs", headers={"Authorization": f"Bearer {fresh}"}, json=later)
    assert r.status_code == 201


def test_scoping_of_logs(api, world):
    mine = created(api, world)
    carols = created(api, world, user="carol", instrument="xrd")
    bobs_here = created(api, world, user="bob", start=t("2026-03-04", "09:00"), end=t("2026-03-04", "10:00"))
    theirs = created(api, world, who="other_manager", instrument="nmr", user="bob")

    def ids(who, query=""):
        r = api.get(f"/api/v1/usage-logs{query}", world[who])
        assert r.status_code == 200, r.get_json()
        return [item["id"] for item in r.get_json()["items"]]

    assert ids("alice") == [mine["id"]]
    assert ids("bob") == [bobs_here["id"], theirs["id"]]                   # own uses on both units' instruments
    assert ids("manager") == [mine["id"], carols["id"], bobs_here["id"]]
    assert ids("other_manager") == [theirs["id"]]
    assert ids("evaluator") == ids("admin") == [mine["id"], carols["id"], bobs_here["id"], theirs["id"]]
    assert api.get(f"/api/v1/usage-logs/{theirs['id']}", world["manager"]).status_code == 404
    assert api.get(f"/api/v1/usage-logs/{carols['id']}", world["alice"]).status_code == 404
    assert api.get(f"/api/v1/usage-logs/{theirs['id']}", world["bob"]).status_code == 200
    assert api.get(f"/api/v1/usage-logs/{theirs['id']}", world["evaluator"]).status_code == 200
    assert api.get("/api/v1/usage-logs/999999", world["admin"]).status_code == 404
    assert api.get("/api/v1/usage-logs").status_code == 401


def test_filters(api, world):
    a = created(api, world)
    b = created(api, world, user="bob", start=t("2026-03-02", "12:00"), end=t("2026-03-02", "14:00"))
    c = created(api, world, instrument="xrd", start=t("2026-04-01", "09:00"), end=t("2026-04-01", "10:00"))
    d = created(api, world, who="admin", instrument="nmr", user="alice", start=t("2026-05-01", "09:00"),
                end=t("2026-05-01", "10:00"))

    def ids(query):
        r = api.get(f"/api/v1/usage-logs?{query}", world["evaluator"])
        assert r.status_code == 200, r.get_json()
        return [item["id"] for item in r.get_json()["items"]]

    assert ids("is_external=true") == [b["id"], d["id"]]
    assert ids("is_external=false") == [a["id"], c["id"]]
    assert ids(f"instrument_id={world['xrd'].id}") == [c["id"]]
    assert ids(f"unit_id={world['other'].id}") == [d["id"]]
    assert ids(f"unit_id={world['home'].id}&user_id={world['bob'].id}") == [b["id"]]
    window = "from=2026-03-02T11:00:00%2B08:00&to=2026-03-02T12:30:00%2B08:00"
    assert ids(window) == [a["id"], b["id"]]                              # overlapping the window
    assert ids("from=2026-03-02T11:30:00%2B08:00&to=2026-03-02T12:00:00%2B08:00") == []
    assert ids("from=2026-03-15T00:00:00&to=2026-04-30T00:00:00") == [c["id"]]
    page = api.get("/api/v1/usage-logs?per_page=1&page=2", world["evaluator"]).get_json()
    assert page["total"] == 4 and page["per_page"] == 1 and [i["id"] for i in page["items"]] == [b["id"]]
