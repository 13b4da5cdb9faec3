"""Tokens: issue, use, revoke, expire; the same 401 for any bad credentials; lockout per address."""
from datetime import timedelta

import time_machine

from sharing.accounts.models import LoginFailure
from sharing.extensions import db
from sharing.timeutil import utcnow
from tests.helpers import PASSWORD, make_unit, make_user


def _login(api, email, password=PASSWORD, **kw):
    return api.post("/api/v1/auth/token", json={"email": email, "password": password}, **kw)


def test_token_issued_and_usable(api):
    user = make_user(make_unit(), roles=["manager"], email="li@example.org")
    r = _login(api, "LI@Example.org")  # addresses compare case-insensitively
    assert r.status_code == 201
    body = r.get_json()
    assert set(body) == {"token", "expires_at", "user"}
    assert body["user"] == {
        "id": user.id, "email": "li@example.org", "name": user.name, "unit_id": user.unit_id,
        "roles": ["manager"], "phone": None, "active": True,
    }
    assert body["expires_at"].endswith("+08:00")
    me = api.get("/api/v1/users/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["id"] == user.id


def test_token_is_stored_hashed(api):
    from sharing.accounts.models import ApiToken

    make_user(make_unit(), email="a@example.org")
    token = _login(api, "a@example.org").get_json()["token"]
    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_unknown_email_and_wrong_password_get_the_same_answer(api):
    make_user(make_unit(), email="a@example.org")
    wrong = _login(api, "a@example.org", "nope-nope")
    unknown = _login(api, "nobody@example.org", "nope-nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"


def test_inactive_user_cannot_log_in_or_use_a_token(api):
    user = make_user(make_unit(), email="a@example.org")
    token = _login(api, "a@example.org").get_json()["token"]
    user.active = False
    db.session.commit()
    assert _login(api, "a@example.org").status_code == 401
    r = api.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"


def test_revoked_token_stops_working(api):
    make_user(make_unit(), email="a@example.org")
    headers = {"Authorization": "Bearer " + _login(api, "a@example.org").get_json()["token"]}
    assert api.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert api.get("/api/v1/users/me", headers=headers).status_code == 401


def test_expired_token_is_refused(api, app):
    make_user(make_unit(), email="a@example.org")
    headers = {"Authorization": "Bearer " + _login(api, "a@example.org").get_json()["token"]}
    later = utcnow() + timedelta(hours=app.config["API_TOKEN_TTL_HOURS"], minutes=1)
    with time_machine.travel(later, tick=False):
        assert api.get("/api/v1/users/me", headers=headers).status_code == 401


def test_missing_or_malformed_token(api):
    assert api.get("/api/v1/users/me").status_code == 401
    r = api.get("/api/v1/users/me", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"


def test_eleventh_attempt_after_ten_failures_is_rate_limited(api, app):
    make_user(make_unit(), email="a@example.org")
    for _ in range(10):
        assert _login(api, "a@example.org", "wrong-password").status_code == 401
    blocked = _login(api, "a@example.org")  # even the right password, for this address only
    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 15 * 60 + 1
    make_user(make_unit(name="别的单位"), email="b@example.org")
    assert _login(api, "b@example.org").status_code == 201
    # Once the window has passed, the address may log in again.
    with time_machine.travel(utcnow() + timedelta(minutes=16), tick=False):
        assert _login(api, "a@example.org").status_code == 201
        assert db.session.scalar(db.select(db.func.count(LoginFailure.id))) == 0


def test_failures_older_than_the_window_do_not_count(api):
    make_user(make_unit(), email="a@example.org")
    with time_machine.travel(utcnow() - timedelta(minutes=20), tick=False):
        for _ in range(9):
            _login(api, "a@example.org", "wrong-password")
    for _ in range(9):
        assert _login(api, "a@example.org", "wrong-password").status_code == 401
    assert _login(api, "a@example.org").status_code == 201


def test_login_attempts_per_client_address_are_limited(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_IP_RATE_LIMIT", "3 per minute")
    for i in range(3):
        assert _login(api, f"nobody{i}@example.org", "x").status_code == 401
    r = _login(api, "someone-else@example.org", "x")
    assert r.status_code == 429
    assert r.get_json()["error"]["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) > 0
