"""Role-and-scope matrix: for each role and each endpoint of the foundation, the answer API.md gives.

Users of another unit are private (404); acting without the right is 403.
"""
import pytest

from tests.helpers import make_unit, make_user

ROLES = ["researcher", "manager", "unit_admin", "evaluator", "admin"]


@pytest.fixture
def world(ctx):
    home, away = make_unit(name="甲大学"), make_unit(name="乙研究所", kind="institute", city="大连")
    callers = {role: make_user(home, roles=[role]) for role in ROLES}
    return {
        "home": home,
        "away": away,
        "callers": callers,
        "colleague": make_user(home, roles=["researcher"]),
        "stranger": make_user(away, roles=["researcher"]),
    }


def _new_user(unit, roles=("researcher",)):
    import uuid

    return {"email": f"{uuid.uuid4().hex[:8]}@example.org", "name": "新用户", "password": "long-enough-1",
            "unit_id": unit.id, "roles": list(roles)}


# (description, method, path builder, body builder, expected status per role in ROLES order)
MATRIX = [
    ("me", "GET", lambda w: "/api/v1/users/me", None, [200, 200, 200, 200, 200]),
    ("list units", "GET", lambda w: "/api/v1/units", None, [200, 200, 200, 200, 200]),
    ("read other unit", "GET", lambda w: f"/api/v1/units/{w['away'].id}", None, [200, 200, 200, 200, 200]),
    ("create unit", "POST", lambda w: "/api/v1/units",
     lambda w: {"name": "新单位", "kind": "other", "city": "沈阳"}, [403, 403, 403, 403, 201]),
    ("update own unit", "PATCH", lambda w: f"/api/v1/units/{w['home'].id}",
     lambda w: {"city": "锦州"}, [403, 403, 403, 403, 200]),
    ("categories", "GET", lambda w: "/api/v1/categories", None, [200, 200, 200, 200, 200]),
    ("list users", "GET", lambda w: "/api/v1/users", None, [200, 200, 200, 200, 200]),
    ("read colleague", "GET", lambda w: f"/api/v1/users/{w['colleague'].id}", None, [404, 404, 200, 200, 200]),
    ("read stranger", "GET", lambda w: f"/api/v1/users/{w['stranger'].id}", None, [404, 404, 404, 200, 200]),
    ("create user in own unit", "POST", lambda w: "/api/v1/users",
     lambda w: _new_user(w["home"]), [403, 403, 201, 403, 201]),
    ("create user in other unit", "POST", lambda w: "/api/v1/users",
     lambda w: _new_user(w["away"]), [403, 403, 403, 403, 201]),
    ("grant evaluator", "POST", lambda w: "/api/v1/users",
     lambda w: _new_user(w["home"], ["evaluator"]), [403, 403, 403, 403, 201]),
    ("edit colleague", "PATCH", lambda w: f"/api/v1/users/{w['colleague'].id}",
     lambda w: {"name": "改名"}, [404, 404, 200, 403, 200]),
    ("deactivate stranger", "PATCH", lambda w: f"/api/v1/users/{w['stranger'].id}",
     lambda w: {"active": False}, [404, 404, 404, 403, 200]),
    ("move colleague to other unit", "PATCH", lambda w: f"/api/v1/users/{w['colleague'].id}",
     lambda w: {"unit_id": w["away"].id}, [404, 404, 403, 403, 200]),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", MATRIX, ids=[m[0] for m in MATRIX])
def test_matrix(api, world, role, case):
    _name, method, path, body, expected = case
    caller = world["callers"][role]
    kwargs = {"json": body(world)} if body else {}
    r = api.request(method, path(world), caller, **kwargs)
    assert r.status_code == expected[ROLES.index(role)], r.get_json()
    if r.status_code >= 400:
        assert set(r.get_json()["error"]) >= {"code", "message"}


@pytest.mark.parametrize("role,visible", [
    ("researcher", "self"), ("manager", "self"), ("unit_admin", "unit"), ("evaluator", "all"), ("admin", "all"),
])
def test_user_list_scope(api, world, role, visible):
    caller = world["callers"][role]
    ids = {u["id"] for u in api.get("/api/v1/users?per_page=200", caller).get_json()["items"]}
    home_ids = {u.id for u in world["callers"].values()} | {world["colleague"].id}
    expected = {"self": {caller.id}, "unit": home_ids, "all": home_ids | {world["stranger"].id}}[visible]
    assert ids == expected


@pytest.mark.parametrize("change", [{"roles": ["researcher"]}, {"password": "taken-over-123"},
                                    {"email": "mine@example.org"}])
@pytest.mark.parametrize("target", ["admin", "evaluator"])
def test_unit_admin_cannot_take_over_a_higher_account_of_their_unit(api, world, change, target):
    r = api.patch(f"/api/v1/users/{world['callers'][target].id}", world["callers"]["unit_admin"], json=change)
    assert r.status_code == 403
