"""E-mail copies of notifications, sent to a real SMTP server (aiosmtpd) on this machine.

Mail goes out only after the change that caused it is committed, in the recipient's language;
a mail server that is down delays mail without failing the booking; retries back off, give up
after MAIL_MAX_ATTEMPTS, and a message is never sent twice.
"""
import email
import socket
from datetime import datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller

from bookings.models import Booking
from instruments.models import Instrument
from sharing.extensions import db
from sharing.notifications import mail, notify
from sharing.notifications.mail import deliver, send_queued_mail, wait_for_background_mail
from sharing.notifications.messages import render
from sharing.notifications.models import Notification
from tests.helpers import make_unit, make_user

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)  # a Monday, 08:00
INSTRUMENT = "透射电子显微镜"
MAIL_KEYS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT_SECONDS", "MAIL_MAX_ATTEMPTS", "MAIL_DEFAULT_SENDER",
             "PUBLIC_BASE_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """A real SMTP server on a fixed local port, started and stopped by the test."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[dict] = []
        self._controller = None

    async def handle_DATA(self, _server, _session, envelope):  # aiosmtpd's handler hook
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "raw": envelope.original_content})
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    yield server
    server.stop()


@pytest.fixture
def mail_app(app, smtp):
    """The shared app, mailing to ``smtp`` (which the test starts or leaves down) for one test."""
    saved = {key: app.config[key] for key in MAIL_KEYS}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT_SECONDS=5,
                      MAIL_DEFAULT_SENDER="noreply@platform.example", PUBLIC_BASE_URL="https://yiqi.example/")
    yield app
    wait_for_background_mail()
    app.config.update(saved)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(mail_app, ctx, clock):
    home = make_unit(name="东北大学")
    instrument = Instrument(unit_id=home.id, inner_id="B-1", name=INSTRUMENT, model="JEM-2100F",
                            manufacturer="JEOL", category_code="010101", price_cny=8_000_000,
                            fee_internal=200, fee_external=400, booking_rules={"approval": "auto"})
    db.session.add(instrument)
    db.session.commit()
    english = make_user(home, email="li.en@example.org")
    english.locale = "en"
    db.session.commit()
    return {"instrument": instrument, "alice": make_user(home, email="wang@example.org"), "english": english}


def book(api, world, who="alice", day=1):
    start = (NOW + timedelta(days=day)).replace(hour=9)
    payload = {"instrument_id": world["instrument"].id, "start": start.isoformat(),
               "end": (start + timedelta(hours=1)).isoformat(), "mode": "self", "purpose": "表征"}
    response = api.post("/api/v1/bookings", world[who], json=payload)
    wait_for_background_mail()
    return response


def parsed(message: dict):
    raw = message["raw"]
    raw.decode("utf-8")  # the whole message is valid UTF-8
    return email.message_from_bytes(raw, policy=policy.default)


def notifications_of(user) -> list[Notification]:
    db.session.expire_all()
    return db.session.scalars(db.select(Notification).where(Notification.user_id == user.id)).all()


def test_booking_mail_goes_out_in_each_users_language(api, world, smtp, monkeypatch):
    languages = []

    def spy(kind, params, locale=None):
        languages.append((kind, locale))
        return render(kind, params, locale)

    monkeypatch.setattr(mail, "render", spy)
    smtp.start()
    r = book(api, world, "alice")
    assert r.status_code == 201, r.get_json()
    booking_id = r.get_json()["id"]
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["to"] == ["wang@example.org"] and message["from"] == "noreply@platform.example"
    chinese = parsed(message)
    params = {"instrument": INSTRUMENT, "start": "2026-03-03 09:00", "end": "10:00"}
    subject, body = render("booking_confirmed", params, "zh_CN")
    assert chinese["Subject"] == subject and INSTRUMENT in chinese["Subject"]
    assert chinese["To"] == "wang@example.org"
    assert chinese.get_content_type() == "text/plain" and chinese.get_content_charset() == "utf-8"
    text = chinese.get_content()
    assert body in text and f"https://yiqi.example/bookings/{booking_id}" in text

    assert book(api, world, "english", day=2).status_code == 201
    assert len(smtp.messages) == 2
    english = parsed(smtp.messages[1])
    assert smtp.messages[1]["to"] == ["li.en@example.org"]
    assert english["Subject"] == f"Booking confirmed: {INSTRUMENT}"
    assert f"Your booking of {INSTRUMENT} from 2026-03-04 09:00 to 10:00 is confirmed." in english.get_content()
    assert languages == [("booking_confirmed", "zh_CN"), ("booking_confirmed", "en")]

    for user in (world["alice"], world["english"]):
        [notification] = notifications_of(user)
        assert notification.mail_state == "sent" and notification.mail_attempts == 1
        assert notification.mailed_at is not None and notification.mail_error is None


def test_mail_waits_for_the_commit(world, smtp):
    smtp.start()
    notify(world["alice"].id, "booking_reminder", link="/bookings/1", instrument=INSTRUMENT,
           start="2026-03-03 09:00", end="10:00")
    db.session.flush()  # the row exists in this transaction, but is not committed yet
    wait_for_background_mail()
    assert smtp.messages == []
    db.session.commit()
    wait_for_background_mail()
    assert [m["to"] for m in smtp.messages] == [["wang@example.org"]]
    params = {"instrument": INSTRUMENT, "start": "2026-03-03 09:00", "end": "10:00"}
    assert parsed(smtp.messages[0])["Subject"] == render("booking_reminder", params, "zh_CN")[0]


def test_rolled_back_or_refused_changes_send_nothing(api, world, smtp):
    smtp.start()
    notify(world["alice"].id, "booking_reminder", instrument=INSTRUMENT, start="2026-03-03 09:00", end="10:00")
    db.session.flush()
    db.session.rollback()
    make_user(world["instrument"].unit)  # a later, unrelated commit must not carry the forgotten mail
    wait_for_background_mail()
    assert smtp.messages == [] and notifications_of(world["alice"]) == []

    assert book(api, world, "alice").status_code == 201
    assert len(smtp.messages) == 1
    refused = book(api, world, "english")  # the same slot: refused
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "booking_conflict"
    invalid = api.post("/api/v1/bookings", world["english"], json={"instrument_id": world["instrument"].id})
    wait_for_background_mail()
    assert invalid.status_code == 422
    assert len(smtp.messages) == 1 and notifications_of(world["english"]) == []


def test_mail_server_down_delays_mail_and_it_is_sent_later_exactly_once(api, world, smtp, clock):
    r = book(api, world, "alice")  # nobody listens on the mail port
    assert r.status_code == 201
    assert db.session.get(Booking, r.get_json()["id"]).status == "confirmed"
    [notification] = notifications_of(world["alice"])
    assert notification.mail_state == "queued" and notification.mail_attempts == 1
    assert notification.mail_next_attempt_at > NOW and notification.mail_error
    assert notification.mail_next_attempt_at == NOW + mail.backoff(1)

    smtp.start()
    assert send_queued_mail() == "sent 0 of 0 queued messages; 0 interrupted"  # the back-off has not passed
    assert smtp.messages == [] and notifications_of(world["alice"])[0].mail_attempts == 1

    clock.shift(mail.backoff(1) + timedelta(seconds=1))
    assert send_queued_mail() == "sent 1 of 1 queued messages; 0 interrupted"
    assert len(smtp.messages) == 1 and smtp.messages[0]["to"] == ["wang@example.org"]
    assert INSTRUMENT in parsed(smtp.messages[0])["Subject"]
    [notification] = notifications_of(world["alice"])
    assert notification.mail_state == "sent" and notification.mail_attempts == 2 and notification.mail_error is None

    clock.shift(timedelta(days=1))
    assert send_queued_mail() == "sent 0 of 0 queued messages; 0 interrupted"
    assert deliver(notification.id) is False  # a direct second attempt is refused by the claim too
    assert len(smtp.messages) == 1


def test_mail_is_given_up_after_max_attempts(api, world, smtp, clock, mail_app):
    mail_app.config["MAIL_MAX_ATTEMPTS"] = 3
    assert book(api, world, "alice").status_code == 201
    for attempt in (2, 3):
        clock.shift(mail.backoff(attempt - 1) + timedelta(seconds=1))
        send_queued_mail()
        [notification] = notifications_of(world["alice"])
        assert notification.mail_attempts == attempt
    assert notification.mail_state == "failed" and "refused" in notification.mail_error.lower()

    smtp.start()
    clock.shift(timedelta(days=2))
    assert send_queued_mail() == "sent 0 of 0 queued messages; 0 interrupted"
    assert smtp.messages == [] and notifications_of(world["alice"])[0].mail_state == "failed"


def test_interrupted_send_is_failed_not_repeated(world, smtp, clock):
    smtp.start()
    stuck = Notification(user_id=world["alice"].id, kind="booking_reminder", mail_state="sending",
                         params={"instrument": INSTRUMENT, "start": "2026-03-03 09:00", "end": "10:00"},
                         mail_attempts=1, mail_next_attempt_at=NOW - mail.STALE_CLAIM - timedelta(minutes=1))
    db.session.add(stuck)
    db.session.commit()
    assert send_queued_mail() == "sent 0 of 0 queued messages; 1 interrupted"
    [notification] = notifications_of(world["alice"])
    assert notification.mail_state == "failed" and smtp.messages == []


def test_without_a_mail_server_nothing_is_queued(api, world, smtp, mail_app):
    smtp.start()
    mail_app.config["MAIL_SERVER"] = ""
    assert book(api, world, "alice").status_code == 201
    [notification] = notifications_of(world["alice"])
    assert notification.mail_state == "none" and notification.mail_attempts == 0
    assert send_queued_mail() == "no mail server configured"
    assert smtp.messages == []
