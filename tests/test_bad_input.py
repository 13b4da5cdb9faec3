"""Bad input gets the documented error envelope, and nothing is half-written."""
import pytest

from sharing.accounts.models import User
from sharing.extensions import db
from sharing.units.models import Unit
from tests.helpers import make_unit, make_user


@pytest.fixture
def admin(ctx):
    return make_user(make_unit(), roles=["admin"])


def _count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_malformed_json_is_400(api, admin):
    r = api.post("/api/v1/units", admin, data='{"name": "x",', content_type="application/json")
    assert r.status_code == 400
    assert r.get_json() == {"error": {"code": "bad_request", "message": r.get_json()["error"]["message"]}}


def test_wrong_content_type_is_400(api, admin):
    r = api.post("/api/v1/units", admin, data="name=x&kind=other&city=y",
                 content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request"


def test_json_that_is_not_an_object(api, admin):
    r = api.post("/api/v1/units", admin, json=["name"])
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error"
    assert "_schema" in r.get_json()["error"]["fields"]


def test_unknown_fields_are_rejected(api, admin):
    r = api.post("/api/v1/units", admin, json={"name": "x", "kind": "other", "city": "y", "owner": "me"})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"owner": [r.get_json()["error"]["fields"]["owner"][0]]}
    assert _count(Unit) == 1


@pytest.mark.parametrize("body,field", [
    ({"name": 5, "kind": "other", "city": "y"}, "name"),
    ({"name": "x", "kind": "other", "city": "y", "in_cluster": "maybe"}, "in_cluster"),
    ({"name": "x" * 201, "kind": "other", "city": "y"}, "name"),
    ({"name": None, "kind": "other", "city": "y"}, "name"),
])
def test_wrong_types_and_lengths(api, admin, body, field):
    r = api.post("/api/v1/units", admin, json=body)
    assert r.status_code == 422
    assert field in r.get_json()["error"]["fields"]
    assert _count(Unit) == 1


def test_wrong_type_for_integer_field(api, admin):
    r = api.post("/api/v1/users", admin, json={"email": "a@example.org", "name": "a", "password": "long-enough-1",
                                               "unit_id": "1", "roles": ["researcher"]})
    assert r.status_code == 422 and "unit_id" in r.get_json()["error"]["fields"]
    assert _count(User) == 1


def test_oversize_body_is_413(api, admin, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    r = api.post("/api/v1/units", admin, data=b'{"name": "' + b"x" * limit + b'"}',
                 content_type="application/json")
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "payload_too_large"
    assert _count(Unit) == 1


def test_duplicate_email_on_update_is_409_and_changes_nothing(api, admin):
    other = make_user(admin.unit, email="taken@example.org")
    r = api.patch(f"/api/v1/users/{other.id}", admin, json={"email": admin.email.upper(), "name": "改名"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "email_taken"
    db.session.expire_all()
    assert db.session.get(User, other.id).name == other.name


def test_invalid_page_parameters(api, admin):
    r = api.get("/api/v1/units?page=0", admin)
    assert r.status_code == 422 and "page" in r.get_json()["error"]["fields"]
    r = api.get("/api/v1/units?per_page=abc", admin)
    assert r.status_code == 422


def test_unknown_path_and_method(api, admin):
    r = api.get("/api/v1/no-such-thing", admin)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    r = api.request("PUT", "/api/v1/units", admin, json={})
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "method_not_allowed"
    assert api.get("/api/v1/units/999999", admin).get_json()["error"]["code"] == "not_found"


def test_unexpected_error_is_500_without_a_stack_trace(api, admin, monkeypatch):
    from sharing.units import services

    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(services, "units_query", explode)
    r = api.get("/api/v1/units", admin)
    assert r.status_code == 500
    body = r.get_data(as_text=True)
    assert r.get_json()["error"]["code"] == "internal_error"
    assert "secret internal detail" not in body and "Traceback" not in body


def test_errors_in_english_when_asked(api, admin):
    r = api.post("/api/v1/units", admin, json={}, headers={"Accept-Language": "en"})
    assert r.get_json()["error"]["fields"]["name"] == ["Missing data for required field."]
