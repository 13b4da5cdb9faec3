"""Web pages: login, CSRF, language, unit and user management with the same rules as the API."""
import pytest

from sharing.accounts.models import User
from sharing.extensions import db
from sharing.units.models import Unit
from tests.helpers import PASSWORD, csrf_token, make_unit, make_user, page_login


def _form_post(client, path, data):
    token = csrf_token(client.get(path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def test_pages_need_login(client, ctx):
    r = client.get("/units")
    assert r.status_code == 302 and "/login" in r.location


def test_login_and_logout(client, ctx):
    user = make_user(make_unit(), email="a@example.org")
    r = page_login(client, "A@example.org")
    assert r.status_code == 302 and r.location.endswith("/")
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = client.get("/").get_data(as_text=True)
    assert user.name in home
    token = csrf_token(home)
    assert client.get("/logout").status_code == 405  # logging out changes state: POST only
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_stays_on_login_page(client, ctx):
    make_user(make_unit(), email="a@example.org")
    r = page_login(client, "a@example.org", "wrong-password")
    assert r.status_code == 200 and 'id="login-form"' in r.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_forms_refuse_missing_csrf_token(client, ctx):
    make_user(make_unit(), email="a@example.org")
    r = client.post("/login", data={"email": "a@example.org", "password": PASSWORD})
    assert r.status_code == 400
    assert client.get("/").status_code == 302


def test_login_redirect_stays_on_this_site(client, ctx):
    make_user(make_unit(), email="a@example.org")
    page = client.get("/login?next=https://evil.example/")
    r = client.post("/login?next=https://evil.example/", data={
        "email": "a@example.org", "password": PASSWORD, "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert r.location == "/"


def test_session_api_calls_need_csrf_header(client, ctx):
    make_user(make_unit(), roles=["admin"], email="a@example.org")
    page_login(client, "a@example.org")
    assert client.get("/api/v1/users/me").status_code == 200  # the page's own session works for reads
    body = {"name": "单位", "kind": "other", "city": "沈阳"}
    assert client.post("/api/v1/units", json=body).status_code == 400
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/api/v1/units", json=body, headers={"X-CSRFToken": token}).status_code == 201


def test_chinese_by_default_english_on_request(client, ctx):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="zh-CN">' in page.get_data(as_text=True)
    r = client.get("/lang/en?next=/login")
    assert r.status_code == 302 and r.location == "/login"
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)
    client.get("/lang/zh_CN?next=/login")
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)


def test_researcher_is_refused_the_units_page(client, ctx):
    make_user(make_unit(), email="r@example.org")
    page_login(client, "r@example.org")
    assert client.get("/units").status_code == 403
    assert client.get("/users").status_code == 403


def test_admin_creates_and_edits_a_unit_on_the_page(client, ctx):
    make_user(make_unit(), roles=["admin"], email="a@example.org")
    page_login(client, "a@example.org")
    r = _form_post(client, "/units/new", {"name": "辽宁工程技术大学", "short_name": "辽工大", "kind": "university",
                                          "city": "阜新", "in_cluster": "y", "credit_code": ""})
    assert r.status_code == 302
    unit = db.session.scalar(db.select(Unit).where(Unit.name == "辽宁工程技术大学"))
    assert unit.city == "阜新" and unit.in_cluster is True and unit.credit_code is None
    assert "辽宁工程技术大学" in client.get("/units").get_data(as_text=True)
    r = _form_post(client, f"/units/{unit.id}/edit", {"name": "辽宁工程技术大学", "kind": "university", "city": "葫芦岛"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).city == "葫芦岛"
    assert db.session.get(Unit, unit.id).in_cluster is False


def test_unit_form_shows_field_errors(client, ctx):
    make_user(make_unit(), roles=["admin"], email="a@example.org")
    page_login(client, "a@example.org")
    r = _form_post(client, "/units/new", {"name": "", "kind": "university", "city": "沈阳", "credit_code": "bad"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert html.count("invalid-feedback") >= 2
    assert db.session.scalar(db.select(db.func.count(Unit.id))) == 1


@pytest.fixture
def unit_admin_world(ctx):
    home, away = make_unit(name="甲"), make_unit(name="乙")
    boss = make_user(home, roles=["unit_admin"], email="boss@example.org")
    return home, away, boss, make_user(home), make_user(away)


def test_unit_admin_manages_only_own_unit_on_pages(client, unit_admin_world):
    home, away, boss, colleague, stranger = unit_admin_world
    page_login(client, "boss@example.org")
    listing = client.get("/users").get_data(as_text=True)
    assert colleague.email in listing and stranger.email not in listing
    assert client.get(f"/users/{stranger.id}/edit").status_code == 404
    r = _form_post(client, "/users/new", {"email": "new@example.org", "name": "新人", "unit_id": away.id,
                                          "roles": ["researcher"], "password": "long-enough-1", "active": "y"})
    assert r.status_code == 200  # the other unit is not a valid choice
    assert db.session.scalar(db.select(User).where(User.email == "new@example.org")) is None
    r = _form_post(client, "/users/new", {"email": "new@example.org", "name": "新人", "unit_id": home.id,
                                          "roles": ["manager"], "password": "long-enough-1", "active": "y"})
    assert r.status_code == 302
    created = db.session.scalar(db.select(User).where(User.email == "new@example.org"))
    assert created.unit_id == home.id and created.roles == ["manager"]


def test_duplicate_email_shown_next_to_the_field(client, unit_admin_world):
    home, _away, _boss, colleague, _stranger = unit_admin_world
    page_login(client, "boss@example.org")
    r = _form_post(client, "/users/new", {"email": colleague.email, "name": "重复", "unit_id": home.id,
                                          "roles": ["researcher"], "password": "long-enough-1"})
    assert r.status_code == 200 and "is-invalid" in r.get_data(as_text=True)


def test_profile_edit(client, ctx):
    user = make_user(make_unit(), email="a@example.org")
    page_login(client, "a@example.org")
    r = _form_post(client, "/profile", {"name": "新名字", "phone": "024-12345678", "password": ""})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "新名字"
