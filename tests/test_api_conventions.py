"""API conventions: OpenAPI document, health check, categories, time format, language of errors."""
import re
from datetime import datetime, timezone

import pytest

from sharing.timeutil import parse_datetime
from tests.helpers import make_unit, make_user


def test_openapi_document_is_public_and_complete(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    spec = r.get_json()
    assert spec["openapi"].startswith("3.")
    for path in ["/api/v1/auth/token", "/api/v1/users", "/api/v1/users/me", "/api/v1/users/{user_id}",
                 "/api/v1/units", "/api/v1/units/{unit_id}", "/api/v1/categories"]:
        assert path in spec["paths"], path
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []
    error = spec["components"]["schemas"]["ErrorEnvelope"]
    assert error["required"] == ["error"]
    create_unit = spec["paths"]["/api/v1/units"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create_unit["$ref"].endswith("/UnitCreate")
    assert set(spec["components"]["schemas"]["UnitCreate"]["required"]) == {"name", "kind", "city"}


def test_health(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok", "database": "ok"}


def test_health_reports_a_dead_database(client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from sharing.extensions import db

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", down)
    r = client.get("/healthz")
    assert r.status_code == 503 and "connection refused" not in r.get_data(as_text=True)


def test_categories_tree_and_flat(api):
    user = make_user(make_unit())
    tree = api.get("/api/v1/categories", user).get_json()
    assert len(tree) == 15 and tree[0]["code"] == "010000"
    tem = tree[0]["children"][0]["children"][0]
    assert tem == {"code": "010101", "name": "透射电镜", "level": 3, "rated_hours": None, "children": []}

    def count(nodes):
        return sum(1 + count(n["children"]) for n in nodes)

    assert count(tree) == 739
    flat = api.get("/api/v1/categories?flat=1", user).get_json()
    assert len(flat) == 739
    assert {"code": "010101", "name": "透射电镜", "parent_code": "010100", "level": 3,
            "rated_hours": None} in flat
    assert api.get("/api/v1/categories").status_code == 401


def test_category_leaves_and_inherited_hours(ctx):
    from instruments.categories import inherited_rated_hours, is_leaf
    from instruments.models import Category
    from sharing.extensions import db

    assert is_leaf("010101") and not is_leaf("010100") and not is_leaf("999999")
    db.session.get(Category, "010000").rated_hours = 1600
    db.session.commit()
    assert inherited_rated_hours("010101") == 1600
    assert inherited_rated_hours("020101") is None


def test_times_without_offset_are_platform_time(ctx):
    assert parse_datetime("2026-03-02T09:00:00") == datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    assert parse_datetime("2026-03-02T09:00:00Z") == datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    assert parse_datetime("2026-03-02T09:00:00+09:00") == datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        parse_datetime("next tuesday")


def test_output_times_carry_the_platform_offset(api):
    user = make_user(make_unit())
    body = api.post("/api/v1/auth/token", json={"email": user.email, "password": "correct-horse-42"}).get_json()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", body["expires_at"])


def test_errors_are_chinese_by_default(api):
    admin = make_user(make_unit(), roles=["admin"])
    r = api.post("/api/v1/units", admin, json={"kind": "x"}).get_json()["error"]
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert cjk.search(r["message"])
    assert cjk.search(r["fields"]["name"][0]) and cjk.search(r["fields"]["kind"][0])
    assert "university" in r["fields"]["kind"][0]  # the allowed values stay as they are
