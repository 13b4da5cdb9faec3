"""The catalogue through the API: registration, validation, scope, search, retirement, audit."""
import pytest

from instruments.models import Instrument
from sharing.audit import AuditEvent
from sharing.extensions import db
from tests.helpers import make_unit, make_user

TEM = {
    "inner_id": "NEU-2019-001", "name": "场发射透射电子显微镜", "name_en": "Field Emission TEM",
    "model": "JEM-2100F", "manufacturer": "日本电子株式会社 JEOL", "category_code": "010101",
    "price_cny": 12500000, "country": "日本", "purchase_date": "2019-03-01", "commission_date": "2019-06-01",
    "city": "沈阳", "fee_internal": 300, "fee_external": 600.5, "specs": "点分辨率 0.23 nm；加速电压 200 kV",
}


@pytest.fixture
def world(ctx):
    a, b = make_unit(name="甲大学"), make_unit(name="乙研究所", city="大连")
    return {
        "a": a, "b": b,
        "manager_a": make_user(a, roles=["manager"]),
        "manager_b": make_user(b, roles=["manager"]),
        "researcher_a": make_user(a),
        "researcher_b": make_user(b),
        "evaluator": make_user(b, roles=["evaluator"]),
        "admin": make_user(b, roles=["admin"]),
        "unit_admin_a": make_user(a, roles=["unit_admin"]),
    }


def _create(api, user, **changes):
    return api.post("/api/v1/instruments", user, json={**TEM, **changes})


def test_manager_registers_an_instrument_of_their_unit(api, world):
    r = _create(api, world["manager_a"])
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["unit_id"] == world["a"].id and body["inner_id"] == "NEU-2019-001"
    assert body["price_cny"] == 12500000 and body["fee_external"] == 600.5
    assert body["status"] == "normal" and body["share_mode"] == "external" and body["instrument_type"] == "general"
    assert body["booking_rules"]["approval"] == "auto" and body["booking_rules"]["slot_minutes"] == 30
    assert body["created_at"].endswith("+08:00")
    assert body["category_name"] == "透射电镜"


def test_required_fields(api, world):
    r = api.post("/api/v1/instruments", world["manager_a"], json={"name": "x"})
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"inner_id", "model", "manufacturer", "category_code", "price_cny"}


@pytest.mark.parametrize("changes,field", [
    ({"category_code": "010100"}, "category_code"),   # not a leaf
    ({"category_code": "123456"}, "category_code"),   # unknown
    ({"category_code": "0101"}, "category_code"),     # not 6 digits
    ({"price_cny": -1}, "price_cny"),
    ({"purchase_date": "2099-01-01", "commission_date": "2099-02-01"}, "purchase_date"),
    ({"purchase_date": "2020-05-01", "commission_date": "2020-04-30"}, "commission_date"),
    ({"contact_email": "not-mail"}, "contact_email"),
    ({"contact_phone": "call me"}, "contact_phone"),
    ({"specs": "很" * 501}, "specs"),
    ({"functions": "很" * 301}, "functions"),
    ({"status": "broken"}, "status"),
    ({"share_mode": "public"}, "share_mode"),
    ({"booking_rules": {"approval": "boss"}}, "booking_rules.approval"),
    ({"booking_rules": {"min_minutes": 600, "max_minutes": 60}}, "booking_rules.max_minutes"),
    ({"booking_rules": {"open_hours": [{"weekday": 7, "start": "08:00", "end": "18:00"}]}},
     "booking_rules.open_hours.weekday"),
    ({"booking_rules": {"unknown_rule": 1}}, "booking_rules.unknown_rule"),
])
def test_invalid_input_names_the_field(api, world, changes, field):
    r = _create(api, world["manager_a"], **changes)
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["error"]["fields"], r.get_json()
    assert db.session.scalar(db.select(db.func.count(Instrument.id))) == 0


def test_duplicate_asset_number_in_the_unit_is_409(api, world):
    assert _create(api, world["manager_a"]).status_code == 201
    r = _create(api, world["manager_a"], name="另一台")
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "duplicate_inner_id" and "inner_id" in r.get_json()["error"]["fields"]
    assert _create(api, world["manager_b"]).status_code == 201  # another unit may use the same number


def test_scope_of_registration_and_changes(api, world):
    assert _create(api, world["researcher_a"]).status_code == 403
    assert _create(api, world["evaluator"]).status_code == 403
    assert _create(api, world["manager_a"], unit_id=world["b"].id).status_code == 403
    assert _create(api, world["unit_admin_a"], inner_id="UA-1").status_code == 201
    r = _create(api, world["admin"], unit_id=world["a"].id, inner_id="ADM-1")
    assert r.status_code == 201 and r.get_json()["unit_id"] == world["a"].id
    iid = _create(api, world["manager_a"]).get_json()["id"]
    assert api.patch(f"/api/v1/instruments/{iid}", world["manager_b"], json={"name": "x"}).status_code == 403
    assert api.patch(f"/api/v1/instruments/{iid}", world["researcher_a"], json={"name": "x"}).status_code == 403
    assert api.delete(f"/api/v1/instruments/{iid}", world["manager_b"]).status_code == 403
    assert api.patch(f"/api/v1/instruments/{iid}", world["manager_a"], json={"unit_id": world["b"].id}).status_code == 403
    assert api.patch(f"/api/v1/instruments/{iid}", world["admin"], json={"unit_id": world["b"].id}).status_code == 200


def test_asset_number_is_private_to_the_owning_unit(api, world):
    iid = _create(api, world["manager_a"], internal_notes="电源需检修").get_json()["id"]
    for who in ("manager_a", "researcher_a", "evaluator", "admin"):
        body = api.get(f"/api/v1/instruments/{iid}", world[who]).get_json()
        assert body["inner_id"] == "NEU-2019-001" and body["internal_notes"] == "电源需检修", who
    for who in ("manager_b", "researcher_b"):
        body = api.get(f"/api/v1/instruments/{iid}", world[who]).get_json()
        assert "inner_id" not in body and "internal_notes" not in body, who
        listed = api.get("/api/v1/instruments", world[who]).get_json()["items"][0]
        assert "inner_id" not in listed


def test_patch_merges_booking_rules_key_by_key(api, world):
    iid = _create(api, world["manager_a"], booking_rules={"approval": "manager", "slot_minutes": 60}).get_json()["id"]
    r = api.patch(f"/api/v1/instruments/{iid}", world["manager_a"], json={"booking_rules": {"buffer_minutes": 15}})
    rules = r.get_json()["booking_rules"]
    assert rules["approval"] == "manager" and rules["slot_minutes"] == 60 and rules["buffer_minutes"] == 15
    r = api.patch(f"/api/v1/instruments/{iid}", world["manager_a"], json={"booking_rules": {"min_minutes": 600}})
    assert r.status_code == 422  # 600 > max 480: checked against the merged rules
    assert db.session.get(Instrument, iid).booking_rules["min_minutes"] == 30


def test_retire_keeps_the_record(api, world):
    iid = _create(api, world["manager_a"]).get_json()["id"]
    assert api.delete(f"/api/v1/instruments/{iid}", world["manager_a"]).status_code == 204
    assert api.get(f"/api/v1/instruments/{iid}", world["researcher_b"]).get_json()["status"] == "retired"
    assert api.get("/api/v1/instruments", world["researcher_b"]).get_json()["total"] == 0
    assert api.get("/api/v1/instruments?status=retired", world["researcher_b"]).get_json()["total"] == 1


def test_every_change_is_audited(api, world):
    iid = _create(api, world["manager_a"]).get_json()["id"]
    api.patch(f"/api/v1/instruments/{iid}", world["manager_a"], json={"status": "faulty", "share_mode": "internal"})
    api.delete(f"/api/v1/instruments/{iid}", world["manager_a"])
    events = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.entity_type == "instruments", AuditEvent.entity_id == str(iid)).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["create", "update", "update"]
    assert events[1].changes["status"] == ["normal", "faulty"]
    assert events[1].changes["share_mode"] == ["external", "internal"]
    assert events[2].changes["status"] == ["faulty", "retired"]
    assert {e.actor_id for e in events} == {world["manager_a"].id}
    assert "search_text" not in events[0].changes  # derived, not recorded
    assert events[0].changes["name"] == [None, "场发射透射电子显微镜"]


def _seed(api, world):
    m = world["manager_a"]
    rows = [
        dict(TEM),
        {**TEM, "inner_id": "2", "name": "扫描电子显微镜", "name_en": "SEM", "model": "SU8010",
         "manufacturer": "Hitachi 日立", "category_code": "010102", "price_cny": 4000000, "share_mode": "internal"},
        {**TEM, "inner_id": "3", "name": "核磁共振波谱仪", "name_en": "NMR spectrometer", "model": "AVANCE NEO 600",
         "manufacturer": "Bruker 布鲁克", "category_code": "010601", "price_cny": 9000000, "city": "大连",
         "specs": "磁场强度 14.1 T"},
        {**TEM, "inner_id": "4", "name": "电子万能试验机", "name_en": "Universal testing machine", "model": "5982",
         "manufacturer": "Instron", "category_code": "020101", "price_cny": 450000, "status": "faulty"},
    ]
    ids = [api.post("/api/v1/instruments", m, json=row).get_json()["id"] for row in rows]
    api.post("/api/v1/instruments", world["manager_b"], json={
        **TEM, "inner_id": "B-1", "name": "X射线衍射仪", "name_en": "XRD", "model": "D8 ADVANCE",
        "manufacturer": "Bruker", "category_code": "010301", "price_cny": 2000000, "share_mode": "none"})
    return ids


def _names(api, user, query):
    r = api.get("/api/v1/instruments?" + query, user)
    assert r.status_code == 200, r.get_json()
    return [i["name"] for i in r.get_json()["items"]]


@pytest.mark.parametrize("query,expected", [
    ("q=透射", ["场发射透射电子显微镜"]),
    ("q=电子显微镜", ["场发射透射电子显微镜", "扫描电子显微镜"]),
    ("q=显微", ["场发射透射电子显微镜", "扫描电子显微镜"]),
    ("q=bruker", ["核磁共振波谱仪", "X射线衍射仪"]),
    ("q=jem-2100f", ["场发射透射电子显微镜"]),
    ("q=ＪＥＭ", ["场发射透射电子显微镜"]),          # full-width letters match
    ("q=14.1 T", ["核磁共振波谱仪"]),                # specs, several words
    ("q=nmr", ["核磁共振波谱仪"]),                   # English name
    ("q=100%", []),                                   # LIKE wildcards are literal
    ("q=电镜", []),                                   # substring search, not synonyms
    ("q=d8", ["X射线衍射仪"]),                        # two characters: the bigram index
    ("q=射线", ["X射线衍射仪"]),
    ("q=射线 d8 advance", ["X射线衍射仪"]),
    ("q=x-", []),                                     # two characters with punctuation: a scan
    ("q=x", ["X射线衍射仪"]),
    ("category=01", ["场发射透射电子显微镜", "扫描电子显微镜", "核磁共振波谱仪", "X射线衍射仪"]),
    ("category=0101", ["场发射透射电子显微镜", "扫描电子显微镜"]),
    ("category=010601", ["核磁共振波谱仪"]),
    ("city=大连", ["核磁共振波谱仪"]),
    ("status=faulty", ["电子万能试验机"]),
    ("share_mode=internal", ["扫描电子显微镜"]),
    ("price_min=2000000&price_max=9000000", ["扫描电子显微镜", "核磁共振波谱仪", "X射线衍射仪"]),
    ("sort=-price_cny&per_page=2", ["场发射透射电子显微镜", "核磁共振波谱仪"]),
    ("q=显微&category=010102", ["扫描电子显微镜"]),
])
def test_search_and_filters(api, world, query, expected):
    _seed(api, world)
    assert _names(api, world["researcher_b"], query) == expected


def test_bookable_depends_on_the_callers_unit(api, world):
    _seed(api, world)
    # Unit A's researcher may book A's internal SEM; unit B's may not; nobody books the faulty one
    # or the one not shared at all.
    assert _names(api, world["researcher_a"], "bookable=1") == [
        "场发射透射电子显微镜", "扫描电子显微镜", "核磁共振波谱仪"]
    assert _names(api, world["researcher_b"], "bookable=1") == ["场发射透射电子显微镜", "核磁共振波谱仪"]
    assert _names(api, world["researcher_b"], f"unit_id={world['a'].id}&per_page=1&page=2") == ["扫描电子显微镜"]


def test_list_filter_validation(api, world):
    assert api.get("/api/v1/instruments?category=01a", world["researcher_a"]).status_code == 422
    assert api.get("/api/v1/instruments?sort=owner", world["researcher_a"]).status_code == 422
    assert api.get("/api/v1/instruments?status=lost", world["researcher_a"]).status_code == 422
    assert api.get("/api/v1/instruments").status_code == 401
