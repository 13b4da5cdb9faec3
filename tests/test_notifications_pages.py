"""Notifications in the app: the list page, the navigation badge and the JSON API.

Each person sees only their own notifications, newest first, in the language of the page or request.
"""
import re
from datetime import datetime, timedelta, timezone

import pytest
from flask import render_template_string
from flask_login import login_user

from sharing.extensions import db
from sharing.notifications.messages import render
from sharing.notifications.models import Notification
from tests.helpers import csrf_token, make_unit, make_user, page_login

BASE = datetime(2026, 3, 2, 0, 30, tzinfo=timezone.utc)  # 08:30 in Shanghai


def note(user, instrument, minutes=0, read=False, link="/bookings/1", kind="booking_confirmed") -> Notification:
    """A notification of ``user`` created ``minutes`` after BASE."""
    created = BASE + timedelta(minutes=minutes)
    notification = Notification(user_id=user.id, kind=kind, link=link, created_at=created,
                                params={"instrument": instrument, "start": "2026-03-03 09:00", "end": "10:00"},
                                read_at=created + timedelta(minutes=1) if read else None)
    db.session.add(notification)
    db.session.commit()
    return notification


def subject(instrument, locale, kind="booking_confirmed"):
    return render(kind, {"instrument": instrument, "start": "2026-03-03 09:00", "end": "10:00"}, locale)[0]


@pytest.fixture
def people(ctx):
    unit = make_unit()
    alice = make_user(unit, email="alice@example.org")
    bob = make_user(unit, email="bob@example.org")
    return {"alice": alice, "bob": bob,
            "old": note(alice, "旧显微镜", minutes=0, read=True),
            "new": note(alice, "新光谱仪", minutes=90, link="/bookings/7"),
            "bobs": note(bob, "鲍勃的质谱仪", minutes=30)}


def unread_ids(user):
    return set(db.session.scalars(db.select(Notification.id).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))))


def item_html(html: str, notification_id: int) -> str:
    match = re.search(rf'<div class="list-group-item[^"]*" id="notification-{notification_id}">.*?</time>', html, re.S)
    assert match, f"notification {notification_id} is not on the page"
    return match.group(0)


# --- the page ------------------------------------------------------------------------------------

def test_page_needs_login(client, ctx):
    r = client.get("/notifications")
    assert r.status_code == 302 and "/login" in r.location


def test_page_lists_own_notifications_newest_first_and_does_not_mark_them(client, people):
    page_login(client, "alice@example.org")
    html = client.get("/notifications").get_data(as_text=True)
    assert "鲍勃的质谱仪" not in html  # another person's notification
    assert html.index("新光谱仪") < html.index("旧显微镜")
    new, old = item_html(html, people["new"].id), item_html(html, people["old"].id)
    assert "notification-unread" in new and "notification-unread" not in old
    assert 'href="/bookings/7"' in new and "fw-bold" in new
    assert '<time class="text-muted small text-nowrap" datetime="2026-03-02T10:00:00+08:00">2026-03-02 10:00</time>' in new
    assert "2026-03-02 08:30" in old
    assert 'id="unread-count">1<' in html
    assert unread_ids(people["alice"]) == {people["new"].id}  # opening the list marks nothing


def test_mark_all_read_needs_csrf_and_touches_only_own_notifications(client, people):
    page_login(client, "alice@example.org")
    assert client.post("/notifications/read").status_code == 400
    assert unread_ids(people["alice"]) == {people["new"].id}
    token = csrf_token(client.get("/notifications").get_data(as_text=True))
    r = client.post("/notifications/read", data={"csrf_token": token})
    assert r.status_code == 302 and r.location == "/notifications"
    assert unread_ids(people["alice"]) == set()
    assert unread_ids(people["bob"]) == {people["bobs"].id}
    html = client.get("/notifications").get_data(as_text=True)
    assert "notification-unread" not in html and 'id="unread-count"' not in html
    assert "list-group-item-primary" not in html


def test_mark_one_read_cannot_reach_another_persons_notification(client, people):
    second = note(people["alice"], "第三台仪器", minutes=120)
    page_login(client, "alice@example.org")
    token = csrf_token(client.get("/notifications").get_data(as_text=True))
    r = client.post("/notifications/read", data={"csrf_token": token, "id": people["bobs"].id, "page": 2, "unread": "1"})
    assert r.status_code == 302 and r.location == "/notifications?page=2&unread=1"
    assert unread_ids(people["bob"]) == {people["bobs"].id}
    client.post("/notifications/read", data={"csrf_token": token, "id": second.id})
    assert unread_ids(people["alice"]) == {people["new"].id}
    assert client.post("/notifications/read", data={"csrf_token": token, "id": "x"}).status_code == 400


def test_unread_filter_and_pagination(client, people):
    for n in range(25):
        note(people["alice"], f"仪器{n}", minutes=200 + n)
    page_login(client, "alice@example.org")
    first = client.get("/notifications").get_data(as_text=True)
    assert "仪器24" in first and "仪器5<" in first and "仪器4<" not in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert len(re.findall(r'id="notification-\d', first)) == 20 and len(re.findall(r'id="notification-\d', second)) == 7
    assert "仪器4<" in second and "旧显微镜" in second and "仪器5<" not in second
    unread = client.get("/notifications?unread=1&page=2").get_data(as_text=True)
    assert "新光谱仪" in unread and "旧显微镜" not in unread
    assert 'href="/notifications?unread=1&amp;page=1"' in unread  # the pager keeps the filter


def test_empty_list(client, ctx):
    make_user(make_unit(), email="carol@example.org")
    page_login(client, "carol@example.org")
    html = client.get("/notifications").get_data(as_text=True)
    assert 'id="no-notifications"' in html and 'id="mark-all-read" disabled' in html


def test_page_in_english_and_in_chinese(client, people):
    page_login(client, "alice@example.org")
    chinese = client.get("/notifications").get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese and subject("新光谱仪", "zh_CN") in chinese
    client.get("/lang/en?next=/notifications")
    english = client.get("/notifications").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Booking confirmed: 新光谱仪" in english and "Mark all as read" in english
    assert "Your booking of 新光谱仪 from 2026-03-03 09:00 to 10:00 is confirmed." in english


def test_page_follows_the_users_saved_language(client, people):
    people["alice"].locale = "en"
    db.session.commit()
    page_login(client, "alice@example.org")
    html = client.get("/notifications").get_data(as_text=True)
    assert '<html lang="en">' in html and "Booking confirmed: 新光谱仪" in html


def test_unknown_kind_does_not_break_the_list(client, people):
    note(people["alice"], "X", minutes=300, kind="retired_kind")
    page_login(client, "alice@example.org")
    r = client.get("/notifications")
    assert r.status_code == 200 and "retired_kind" in r.get_data(as_text=True)


def test_badge_counts_the_logged_in_users_unread_notifications(app, people):
    template = "{{ unread_notifications() }}"
    with app.test_request_context("/"):
        assert render_template_string(template) == "0"  # nobody logged in
        login_user(people["alice"])
        assert render_template_string(template) == "1"
    with app.test_request_context("/"):
        login_user(people["bob"])
        assert render_template_string(template) == "1"


# --- the JSON API --------------------------------------------------------------------------------

def test_api_lists_only_the_callers_notifications_newest_first(api, people):
    r = api.get("/api/v1/notifications", people["alice"])
    assert r.status_code == 200
    body = r.get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 50
    assert [item["id"] for item in body["items"]] == [people["new"].id, people["old"].id]
    assert body["items"][0] == {
        "id": people["new"].id, "kind": "booking_confirmed", "subject": subject("新光谱仪", "zh_CN"),
        "body": render("booking_confirmed", people["new"].params, "zh_CN")[1], "link": "/bookings/7",
        "created_at": "2026-03-02T10:00:00+08:00", "read": False}
    assert body["items"][1]["read"] is True
    unread = api.get("/api/v1/notifications?unread=true", people["alice"]).get_json()
    assert unread["total"] == 1 and unread["items"][0]["id"] == people["new"].id
    bobs = api.get("/api/v1/notifications", people["bob"]).get_json()
    assert [item["id"] for item in bobs["items"]] == [people["bobs"].id]


def test_api_pages_and_speaks_the_requests_language(api, people):
    r = api.get("/api/v1/notifications?per_page=1&page=2", people["alice"], headers={"Accept-Language": "en"})
    body = r.get_json()
    assert body["total"] == 2 and body["per_page"] == 1 and len(body["items"]) == 1
    assert body["items"][0]["id"] == people["old"].id
    assert body["items"][0]["subject"] == "Booking confirmed: 旧显微镜"
    assert api.get("/api/v1/notifications?per_page=500", people["alice"]).get_json()["per_page"] == 200


def test_api_mark_read_by_ids_and_all(api, people):
    alice, bob = people["alice"], people["bob"]
    second = note(alice, "第三台仪器", minutes=120)
    r = api.post("/api/v1/notifications/read", alice, json={"ids": [people["new"].id, people["bobs"].id]})
    assert r.status_code == 200 and r.get_json() == {"marked": 1}
    assert unread_ids(bob) == {people["bobs"].id}  # another person's id is ignored
    assert api.post("/api/v1/notifications/read", alice, json={"ids": []}).get_json() == {"marked": 0}
    assert api.post("/api/v1/notifications/read", alice, json={}).get_json() == {"marked": 1}
    assert unread_ids(alice) == set() and second.id not in unread_ids(alice)
    assert api.post("/api/v1/notifications/read", alice, json={}).get_json() == {"marked": 0}
    assert api.get("/api/v1/notifications?unread=true", alice).get_json()["total"] == 0


def test_api_refusals(api, people):
    assert api.get("/api/v1/notifications").status_code == 401
    assert api.post("/api/v1/notifications/read", json={}).status_code == 401
    alice = people["alice"]
    r = api.post("/api/v1/notifications/read", alice, json={"ids": [1], "all": True})
    assert r.status_code == 422 and "all" in r.get_json()["error"]["fields"]
    r = api.post("/api/v1/notifications/read", alice, json={"ids": ["1"]})
    assert r.status_code == 422 and "ids" in r.get_json()["error"]["fields"]
    r = api.post("/api/v1/notifications/read", alice, data="ids", headers={"Content-Type": "text/plain"})
    assert r.status_code == 400
    assert unread_ids(alice) == {people["new"].id}


def test_api_with_the_pages_session_needs_the_csrf_header(client, people):
    page_login(client, "alice@example.org")
    assert client.get("/api/v1/notifications").get_json()["total"] == 2
    assert client.post("/api/v1/notifications/read", json={}).status_code == 400
    token = csrf_token(client.get("/notifications").get_data(as_text=True))
    r = client.post("/api/v1/notifications/read", json={}, headers={"X-CSRFToken": token})
    assert r.get_json() == {"marked": 1}


def test_openapi_describes_the_notifications_api(client, ctx):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "get" in spec["paths"]["/api/v1/notifications"]
    assert "post" in spec["paths"]["/api/v1/notifications/read"]
    item = spec["components"]["schemas"]["Notification"]["properties"]
    assert set(item) == {"id", "kind", "subject", "body", "link", "created_at", "read"}
