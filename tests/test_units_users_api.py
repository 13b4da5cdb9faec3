"""Units and users through the API: creation, reading, changes, pagination, errors."""
from sharing.accounts.models import User
from sharing.audit import AuditEvent
from sharing.extensions import db
from sharing.units.models import Unit
from tests.helpers import make_unit, make_user

UNIT = {"name": "沈阳理工大学", "short_name": "沈理工", "kind": "university", "city": "沈阳",
        "in_cluster": True, "credit_code": "12210000420500106A"}


def test_admin_creates_reads_and_updates_a_unit(api):
    admin = make_user(make_unit(), roles=["admin"])
    r = api.post("/api/v1/units", admin, json=UNIT)
    assert r.status_code == 201
    unit = r.get_json()
    assert unit == {"id": unit["id"], **UNIT}
    assert api.get(f"/api/v1/units/{unit['id']}", admin).get_json() == unit
    r = api.patch(f"/api/v1/units/{unit['id']}", admin, json={"city": "大连", "short_name": None})
    assert r.status_code == 200
    assert r.get_json()["city"] == "大连" and r.get_json()["short_name"] is None


def test_unit_requires_name_kind_city(api):
    admin = make_user(make_unit(), roles=["admin"])
    r = api.post("/api/v1/units", admin, json={"short_name": "x"})
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"name", "kind", "city"}


def test_unit_optional_fields_default(api):
    admin = make_user(make_unit(), roles=["admin"])
    r = api.post("/api/v1/units", admin, json={"name": "某公司", "kind": "enterprise", "city": "鞍山"})
    assert r.status_code == 201
    assert r.get_json()["in_cluster"] is False and r.get_json()["credit_code"] is None


def test_bad_credit_code_and_kind(api):
    admin = make_user(make_unit(), roles=["admin"])
    r = api.post("/api/v1/units", admin, json={**UNIT, "kind": "school", "credit_code": "123"})
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"kind", "credit_code"}


def test_units_list_paginates_and_clamps(api):
    home = make_unit()
    for i in range(4):
        make_unit(name=f"单位{i}", city="大连" if i % 2 else "沈阳")
    user = make_user(home)
    r = api.get("/api/v1/units?page=2&per_page=2", user).get_json()
    assert r["total"] == 5 and r["page"] == 2 and r["per_page"] == 2
    assert [u["name"] for u in r["items"]] == ["单位1", "单位2"]  # ordered by id
    assert api.get("/api/v1/units?per_page=1000", user).get_json()["per_page"] == 200
    assert api.get("/api/v1/units?city=大连", user).get_json()["total"] == 2


def test_admin_creates_user_with_lowercase_email(api):
    unit = make_unit()
    admin = make_user(unit, roles=["admin"])
    r = api.post("/api/v1/users", admin, json={
        "email": "Wang.Fang@Example.ORG", "name": "王芳", "password": "long-enough-1",
        "unit_id": unit.id, "roles": ["manager", "researcher"]})
    assert r.status_code == 201
    body = r.get_json()
    assert body["email"] == "wang.fang@example.org" and body["active"] is True
    assert body["roles"] == ["researcher", "manager"]
    assert "password" not in body and "password_hash" not in body
    dup = api.post("/api/v1/users", admin, json={
        "email": "WANG.FANG@example.org", "name": "x", "password": "long-enough-1",
        "unit_id": unit.id, "roles": ["researcher"]})
    assert dup.status_code == 409 and dup.get_json()["error"]["code"] == "email_taken"
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2


def test_user_creation_needs_all_five_fields(api):
    unit = make_unit()
    admin = make_user(unit, roles=["admin"])
    r = api.post("/api/v1/users", admin, json={"email": "x@example.org"})
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"name", "password", "unit_id", "roles"}


def test_user_creation_checks_unit_roles_and_password(api):
    unit = make_unit()
    admin = make_user(unit, roles=["admin"])
    base = {"email": "x@example.org", "name": "x", "password": "long-enough-1", "unit_id": unit.id,
            "roles": ["researcher"]}
    r = api.post("/api/v1/users", admin, json={**base, "unit_id": 9999})
    assert r.status_code == 422 and "unit_id" in r.get_json()["error"]["fields"]
    r = api.post("/api/v1/users", admin, json={**base, "roles": ["king"]})
    assert r.status_code == 422 and "roles" in r.get_json()["error"]["fields"]
    r = api.post("/api/v1/users", admin, json={**base, "roles": []})
    assert r.status_code == 422
    r = api.post("/api/v1/users", admin, json={**base, "password": "short"})
    assert r.status_code == 422 and "password" in r.get_json()["error"]["fields"]
    r = api.post("/api/v1/users", admin, json={**base, "email": "not-an-email"})
    assert r.status_code == 422 and "email" in r.get_json()["error"]["fields"]


def test_user_changes_own_name_phone_password_only(api):
    unit = make_unit()
    me = make_user(unit)
    r = api.patch(f"/api/v1/users/{me.id}", me, json={"name": "新名字", "phone": "13800000000"})
    assert r.status_code == 200 and r.get_json()["name"] == "新名字"
    r = api.patch(f"/api/v1/users/{me.id}", me, json={"password": "another-secret-9"})
    assert r.status_code == 200
    assert api.post("/api/v1/auth/token", json={"email": me.email, "password": "another-secret-9"}).status_code == 201
    assert api.patch(f"/api/v1/users/{me.id}", me, json={"roles": ["admin"]}).status_code == 403
    assert api.patch(f"/api/v1/users/{me.id}", me, json={"active": False}).status_code == 403
    assert api.get("/api/v1/users/me", me).get_json()["roles"] == ["researcher"]


def test_users_list_filters(api):
    unit, other = make_unit(), make_unit(name="其他")
    admin = make_user(unit, roles=["admin"])
    make_user(unit, roles=["manager"])
    make_user(other, roles=["researcher"], active=False)
    assert api.get("/api/v1/users?role=manager", admin).get_json()["total"] == 1
    assert api.get(f"/api/v1/users?unit_id={other.id}", admin).get_json()["total"] == 1
    assert api.get("/api/v1/users?active=false", admin).get_json()["total"] == 1


def test_changes_are_audited_with_actor_and_values(api):
    unit = make_unit()
    admin = make_user(unit, roles=["admin"])
    uid = api.post("/api/v1/units", admin, json=UNIT).get_json()["id"]
    api.patch(f"/api/v1/units/{uid}", admin, json={"city": "大连"})
    user = api.post("/api/v1/users", admin, json={
        "email": "z@example.org", "name": "z", "password": "long-enough-1", "unit_id": uid,
        "roles": ["researcher"]}).get_json()
    api.patch(f"/api/v1/users/{user['id']}", admin, json={"roles": ["manager"], "password": "new-secret-77"})
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    unit_events = [e for e in events if e.entity_type == "units" and e.entity_id == str(uid)]
    assert [e.action for e in unit_events] == ["create", "update"]
    assert unit_events[1].changes == {"city": ["沈阳", "大连"]}
    assert all(e.actor_id == admin.id for e in unit_events)
    user_update = [e for e in events if e.entity_type == "users" and e.action == "update"][-1]
    assert user_update.changes["roles"] == [["researcher"], ["manager"]]
    assert user_update.changes["password_hash"] == ["***", "***"]  # recorded, never revealed
    assert "long-enough-1" not in str([e.changes for e in events])


def test_rejected_change_writes_nothing(api):
    unit = make_unit()
    admin = make_user(unit, roles=["admin"])
    before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    r = api.patch(f"/api/v1/units/{unit.id}", admin, json={"city": "大连", "kind": "bogus"})
    assert r.status_code == 422
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).city == "沈阳"
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == before
