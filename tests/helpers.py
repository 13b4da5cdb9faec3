"""Factories and an API client for tests."""
from __future__ import annotations

import functools
import re

from flask.globals import _cv_app
from flask.testing import FlaskClient

from sharing.accounts.models import User
from sharing.accounts.passwords import hash_password
from sharing.extensions import db
from sharing.units.models import Unit

PASSWORD = "correct-horse-42"


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # Argon2 is slow by design: hash once per run


def make_unit(name="测试大学", kind="university", city="沈阳", in_cluster=True, **extra) -> Unit:
    unit = Unit(name=name, kind=kind, city=city, in_cluster=in_cluster, **extra)
    db.session.add(unit)
    db.session.commit()
    return unit


_counter = iter(range(1, 10**9))


def make_user(unit: Unit, roles=("researcher",), email=None, name=None, active=True) -> User:
    n = next(_counter)
    user = User(
        email=email or f"user{n}@example.org",
        name=name or f"用户{n}",
        unit_id=unit.id,
        password_hash=_password_hash(),
        active=active,
    )
    user.roles = list(roles)
    db.session.add(user)
    db.session.commit()
    return user


def token_for(user: User) -> str:
    from sharing.accounts.services import issue_token

    return issue_token(user)[0]


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context, as in production.

    Tests hold an app context (the ``ctx`` fixture) for factories and queries; Flask would
    reuse it for requests, sharing ``g`` and the database session between them. Here each
    request runs in a fresh context, and the test's session forgets what it had loaded, so
    assertions read what the request committed.
    """

    def open(self, *args, **kwargs):
        # Read streamed bodies inside the request's own context.
        kwargs.setdefault("buffered", True)
        outer = _cv_app.set(None)
        try:
            response = super().open(*args, **kwargs)
        finally:
            _cv_app.reset(outer)
        if _cv_app.get(None) is not None:
            db.session.expire_all()
        return response


class ApiClient:
    """The Flask test client, speaking as a given user through a bearer token."""

    def __init__(self, client):
        self.client = client
        self._tokens: dict[int, str] = {}

    def _headers(self, user, headers):
        out = dict(headers or {})
        if user is not None:
            if user.id not in self._tokens:
                self._tokens[user.id] = token_for(user)
            out["Authorization"] = f"Bearer {self._tokens[user.id]}"
        return out

    def request(self, method, path, user=None, headers=None, **kwargs):
        return self.client.open(path, method=method, headers=self._headers(user, headers), **kwargs)

    def get(self, path, user=None, **kw):
        return self.request("GET", path, user, **kw)

    def post(self, path, user=None, **kw):
        return self.request("POST", path, user, **kw)

    def patch(self, path, user=None, **kw):
        return self.request("PATCH", path, user, **kw)

    def delete(self, path, user=None, **kw):
        return self.request("DELETE", path, user, **kw)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def page_login(client, email, password=PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_token(page.get_data(as_text=True))})
