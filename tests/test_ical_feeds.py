"""iCalendar feeds: an instrument's busy time and a person's secret feed of their own bookings.

The feeds are read back with ``vobject``, a parser independent of the ``icalendar`` package
that writes them.
"""
import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
import vobject

from bookings.models import Booking
from instruments.models import Instrument
from sharing.accounts.models import User
from sharing.extensions import db
from tests.helpers import make_unit, make_user, page_login

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)  # a Monday, 08:00
PURPOSE = "高熵合金析出相表征"


def at(day_offset: int, hh_mm: str) -> datetime:
    hour, minute = map(int, hh_mm.split(":"))
    return (NOW + timedelta(days=day_offset)).replace(hour=hour, minute=minute)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _instrument(unit, inner_id, name, share_mode, **extra):
    instrument = Instrument(unit_id=unit.id, inner_id=inner_id, name=name, model="JEM-2100F", manufacturer="JEOL",
                            category_code="010101", price_cny=8_000_000, fee_internal=200, fee_external=400,
                            share_mode=share_mode, booking_rules={"approval": "auto"}, **extra)
    db.session.add(instrument)
    db.session.commit()
    return instrument


@pytest.fixture
def world(ctx, clock):
    home, other = make_unit(name="东北大学"), make_unit(name="大连理工大学")
    shared = _instrument(home, "C-1", "透射电子显微镜", "external", location="沈阳市和平区 材料馆 101室",
                         contact_name="李强", contact_phone="024-23891234")
    internal = _instrument(home, "C-2", "场发射扫描电子显微镜", "internal")
    return {"home": home, "shared": shared, "internal": internal,
            "manager": make_user(home, roles=["manager"]),
            "alice": make_user(home, name="陈静爱丽丝", email="alice@example.org"),
            "bob": make_user(other, name="周杰鲍勃", email="bob@example.org")}


def book(api, world, who, instrument, start, end, **extra):
    payload = {"instrument_id": world[instrument].id, "start": start.isoformat(), "end": end.isoformat(),
               "mode": "self", "purpose": PURPOSE, **extra}
    r = api.post("/api/v1/bookings", world[who], json=payload)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def parse(response):
    """The events of a feed by UID, after checking the document's form."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.get_data()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and len(line) <= 75 for line in lines)  # CRLF, folded at 75 octets
    calendar = vobject.readOne(raw.decode("utf-8"))
    assert calendar.version.value == "2.0" and calendar.prodid.value
    assert calendar.contents["x-wr-calname"][0].value
    assert calendar.contents["x-published-ttl"][0].value == "PT1H"
    assert calendar.contents.get("vtimezone")  # also keeps an empty calendar valid (one component at least)
    events = {}
    for event in calendar.contents.get("vevent", []):
        for key in ("uid", "dtstamp", "dtstart", "dtend", "summary", "status"):
            assert key in event.contents, key
        assert event.dtstamp.value.utcoffset() == timedelta(0)
        assert event.uid.value not in events
        events[event.uid.value] = event
    return raw.decode("utf-8"), events


def feed_path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "localhost"  # absolute, from the request's root
    return parts.path


def my_feed(api, user) -> str:
    r = api.get("/api/v1/users/me/calendar-url", user)
    assert r.status_code == 200, r.get_json()
    assert set(r.get_json()) == {"url"}
    return feed_path(r.get_json()["url"])


def test_external_instrument_feed_is_public_and_shows_busy_time_only(api, world):
    confirmed = book(api, world, "alice", "shared", at(1, "09:00"), at(1, "11:30"))
    instrument = db.session.get(Instrument, world["shared"].id)
    instrument.booking_rules = {**instrument.booking_rules, "approval": "manager"}
    db.session.commit()
    pending = book(api, world, "bob", "shared", at(2, "14:00"), at(2, "15:00"), mode="sample", sample_count=3)
    gone = book(api, world, "bob", "shared", at(3, "09:00"), at(3, "10:00"))
    assert api.post(f"/api/v1/bookings/{gone['id']}/cancel", world["bob"], json={}).status_code == 200
    r = api.post(f"/api/v1/instruments/{world['shared'].id}/downtimes", world["manager"],
                 json={"start": at(4, "08:00").isoformat(), "end": at(5, "18:00").isoformat(),
                       "reason": "更换灯丝：厂家工程师李工"})
    assert r.status_code == 201, r.get_json()

    response = api.get(f"/api/v1/instruments/{world['shared'].id}/calendar.ics")  # no token
    raw, events = parse(response)
    assert set(events) == {f"busy-{confirmed['id']}@instrument-sharing.invalid",
                           f"busy-{pending['id']}@instrument-sharing.invalid",
                           f"downtime-{r.get_json()['id']}@instrument-sharing.invalid"}
    busy = events[f"busy-{confirmed['id']}@instrument-sharing.invalid"]
    # 09:00–11:30 in Shanghai is 01:00–03:30 UTC, written in UTC.
    assert "DTSTART:20260303T010000Z" in raw and "DTEND:20260303T033000Z" in raw
    assert busy.dtstart.value == at(1, "09:00") and busy.dtend.value == at(1, "11:30")
    assert busy.dtstart.value.utcoffset() == timedelta(0)
    assert busy.status.value == "CONFIRMED"
    assert events[f"busy-{pending['id']}@instrument-sharing.invalid"].status.value == "TENTATIVE"
    downtime = events[f"downtime-{r.get_json()['id']}@instrument-sharing.invalid"]
    assert downtime.dtstart.value == at(4, "08:00") and downtime.dtend.value == at(5, "18:00")
    assert downtime.summary.value != busy.summary.value
    # Nobody's name, e-mail, purpose or downtime reason; no descriptions at all.
    for secret in ("陈静爱丽丝", "周杰鲍勃", "alice@", "bob@", PURPOSE, "李工", "DESCRIPTION", "ATTENDEE",
                   "ORGANIZER"):
        assert secret not in raw
    assert "public" in response.headers["Cache-Control"]
    assert api.request("HEAD", f"/api/v1/instruments/{world['shared'].id}/calendar.ics").status_code == 200


def test_other_instruments_need_a_logged_in_user(api, client, world):
    book(api, world, "alice", "internal", at(1, "09:00"), at(1, "10:00"))
    path = f"/api/v1/instruments/{world['internal'].id}/calendar.ics"
    r = api.get(path)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
    _, events = parse(api.get(path, world["bob"]))  # the catalogue is visible to every logged-in user
    assert len(events) == 1
    assert "private" in api.get(path, world["bob"]).headers["Cache-Control"]
    page_login(client, "alice@example.org")
    assert client.get(path).status_code == 200  # the session cookie works too
    assert api.get("/api/v1/instruments/999999/calendar.ics").status_code == 404
    assert api.get("/api/v1/instruments/999999/calendar.ics", world["bob"]).get_json()["error"]["code"] == "not_found"
    bad = api.get(path, headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


def test_personal_feed_lists_own_bookings_with_stable_uids(api, world, clock):
    mine = book(api, world, "alice", "shared", at(1, "09:00"), at(1, "10:30"))
    sample = book(api, world, "alice", "internal", at(2, "13:00"), at(2, "14:00"), mode="sample", sample_count=4)
    to_cancel = book(api, world, "alice", "shared", at(3, "09:00"), at(3, "10:00"))
    theirs = book(api, world, "bob", "shared", at(1, "14:00"), at(1, "15:00"))
    instrument = db.session.get(Instrument, world["shared"].id)
    instrument.booking_rules = {**instrument.booking_rules, "approval": "manager"}
    db.session.commit()
    pending = book(api, world, "alice", "shared", at(4, "09:00"), at(4, "10:00"))

    path = my_feed(api, world["alice"])
    assert path.startswith(f"/api/v1/calendar/{world['alice'].id}-") and path.endswith(".ics")
    first_raw, first = parse(api.get(path))  # no credentials: the URL is the secret
    second_raw, second = parse(api.get(path))
    assert first_raw == second_raw  # same UIDs and DTSTAMPs on every request
    uid = {b["id"]: f"booking-{b['id']}@instrument-sharing.invalid" for b in (mine, sample, to_cancel, pending)}
    assert set(first) == set(uid.values())
    event = first[uid[mine["id"]]]
    assert event.dtstart.value == at(1, "09:00") and event.dtend.value == at(1, "10:30")
    assert "DTSTART:20260303T010000Z" in first_raw
    assert event.status.value == "CONFIRMED" and first[uid[pending["id"]]].status.value == "TENTATIVE"
    assert "透射电子显微镜" in event.summary.value
    assert event.location.value == "沈阳市和平区 材料馆 101室"
    assert PURPOSE in event.description.value and "JEM-2100F" in event.description.value
    assert "024-23891234" in event.description.value
    assert "4" in first[uid[sample["id"]]].description.value
    # Another person's feed never shows these bookings, and this one never shows theirs.
    assert f"booking-{theirs['id']}@" not in first_raw
    _, bobs = parse(api.get(my_feed(api, world["bob"])))
    assert set(bobs) == {f"booking-{theirs['id']}@instrument-sharing.invalid"}

    assert api.post(f"/api/v1/bookings/{to_cancel['id']}/cancel", world["alice"], json={}).status_code == 200
    r = api.post(f"/api/v1/bookings/{pending['id']}/reject", world["manager"], json={"reason": "样品不合要求"})
    assert r.status_code == 200
    _, after = parse(api.get(path))
    assert set(after) == {uid[mine["id"]], uid[sample["id"]]}
    assert after[uid[mine["id"]]].dtstamp.value == first[uid[mine["id"]]].dtstamp.value

    # A completed booking stays as a past event; a no-show is dropped.
    clock.move_to(at(1, "09:05"))
    assert api.post(f"/api/v1/bookings/{mine['id']}/check-in", world["alice"]).status_code == 200
    clock.move_to(at(1, "10:20"))
    assert api.post(f"/api/v1/bookings/{mine['id']}/check-out", world["alice"], json={}).status_code == 200
    booking = db.session.get(Booking, sample["id"])
    booking.status = "no_show"
    db.session.commit()
    _, later = parse(api.get(path))
    assert set(later) == {uid[mine["id"]]} and later[uid[mine["id"]]].status.value == "CONFIRMED"


def test_feed_secret_is_the_documented_hmac_and_nothing_else_opens_it(api, world, app):
    alice, bob = world["alice"], world["bob"]
    book(api, world, "alice", "shared", at(1, "09:00"), at(1, "10:00"))
    path = my_feed(api, alice)
    expected = hmac.new(b"test-secret", f"calendar-feed:{alice.id}:0".encode(), hashlib.sha256).hexdigest()
    assert path == f"/api/v1/calendar/{alice.id}-{expected}.ics"
    secret = expected
    wrong = ("0" if secret[0] != "0" else "1") + secret[1:]
    for bad in (f"/api/v1/calendar/{alice.id}-{wrong}.ics", f"/api/v1/calendar/{bob.id}-{secret}.ics",
                f"/api/v1/calendar/{alice.id}-{secret.upper()}.ics", f"/api/v1/calendar/{alice.id}.ics",
                f"/api/v1/calendar/999999-{secret}.ics", f"/api/v1/calendar/{alice.id}-{secret[:-1]}.ics"):
        r = api.get(bad)
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found", bad
    # The secret is derived, never stored.
    row = db.session.execute(db.select(User.__table__).where(User.id == alice.id)).one()
    assert secret not in repr(tuple(row))

    r = api.post("/api/v1/users/me/calendar-url/reset", alice)
    assert r.status_code == 200
    new_path = feed_path(r.get_json()["url"])
    assert new_path != path and api.get(path).status_code == 404
    assert parse(api.get(new_path))[1]
    assert my_feed(api, alice) == new_path
    assert db.session.get(User, alice.id).calendar_key_version == 1
    assert my_feed(api, bob) == f"/api/v1/calendar/{bob.id}-" + hmac.new(
        b"test-secret", f"calendar-feed:{bob.id}:0".encode(), hashlib.sha256).hexdigest() + ".ics"

    user = db.session.get(User, alice.id)
    user.active = False
    db.session.commit()
    assert api.get(new_path).status_code == 404
    assert api.get("/api/v1/users/me/calendar-url").status_code == 401
    assert api.post("/api/v1/users/me/calendar-url/reset").status_code == 401


def test_personal_feed_speaks_the_users_language_and_an_empty_feed_is_valid(api, world):
    user = db.session.get(User, world["bob"].id)
    user.locale = "en"
    db.session.commit()
    book(api, world, "bob", "shared", at(1, "09:00"), at(1, "10:00"), mode="sample", sample_count=2)
    _, events = parse(api.get(my_feed(api, world["bob"])))
    (event,) = events.values()
    assert event.summary.value == "透射电子显微镜 (sample submission)"
    assert "Status: confirmed" in event.description.value
    _, none = parse(api.get(my_feed(api, world["alice"])))
    assert none == {}


def test_openapi_describes_the_feeds(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    feed = spec["paths"]["/api/v1/instruments/{instrument_id}/calendar.ics"]["get"]
    assert "text/calendar" in feed["responses"]["200"]["content"]
    assert spec["paths"]["/api/v1/calendar/{feed_key}.ics"]["get"]["security"] == []
    url = spec["paths"]["/api/v1/users/me/calendar-url"]["get"]["responses"]["200"]["content"]["application/json"]
    assert url["schema"]["$ref"].endswith("/CalendarUrl")
    assert "/api/v1/users/me/calendar-url/reset" in spec["paths"]


def test_a_booking_across_local_midnight_is_written_in_utc(app, world):
    from bookings.ical import instrument_calendar

    instrument = db.session.get(Instrument, world["shared"].id)
    db.session.add(Booking(instrument_id=instrument.id, user_id=world["alice"].id, start=at(1, "23:30"),
                           end=at(2, "00:30"), block_end=at(2, "00:30"), status="confirmed", mode="self"))
    db.session.commit()
    with app.test_request_context("/api/v1/"):
        calendar = vobject.readOne(instrument_calendar(instrument, now=NOW.astimezone(timezone.utc)).decode())
    (event,) = calendar.vevent_list
    assert event.dtstart.value == datetime(2026, 3, 3, 15, 30, tzinfo=timezone.utc)
    assert event.dtend.value == datetime(2026, 3, 3, 16, 30, tzinfo=timezone.utc)
    assert calendar.contents["x-wr-timezone"][0].value == "Asia/Shanghai"
