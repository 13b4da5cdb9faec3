"""Truly concurrent bookings against a real multi-process server: exactly one wins each slot.

API.md: "Two concurrent requests for overlapping slots must never both succeed, on any supported
database." The unit tests call the service in-process; here the session's (migrated) database is
served by gunicorn — several worker processes, each with threads, the way the app runs in
production — and many HTTP requests for overlapping slots are released at the same instant by a
barrier. Every contended slot must have exactly one 201 and nothing but 409 ``booking_conflict``
for the others (no 5xx, no "database is locked"), uncontended bookings fired in the same storm
must all succeed, and afterwards SQL must find no two active bookings of one instrument whose
held slots ``[start, block_end)`` overlap.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from instruments.models import Instrument
from sharing.extensions import db
from tests.helpers import make_unit, make_user, token_for

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKERS, THREADS = 4, 4          # up to 16 requests inside the app at once
CONTENDERS = 8                    # requests per contended slot
ROUNDS = 3                        # storms per backend, each on fresh days
RULES = {"approval": "auto", "open_hours": [], "closed_on_holidays": False, "horizon_days": 60,
         "max_minutes": 1440}
HALF_HOUR = timedelta(minutes=30)
HOUR = timedelta(hours=1)


# --- the server ---------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _request(port: int, method: str, path: str, body=None, token: str | None = None, timeout: float = 30):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class GunicornServer:
    """The app under gunicorn (own process group, so that every worker can be stopped with it)."""

    def __init__(self, database_url: str, workdir: Path):
        self.port = _free_port()
        self.log_path = workdir / "gunicorn.log"
        instance = workdir / "instance"
        instance.mkdir(exist_ok=True)
        env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="concurrency-test-secret",
                   INSTANCE_PATH=str(instance), RATELIMIT_ENABLED="false", SCHEDULER_IN_WEB="false",
                   MAIL_SERVER="", PYTHONPATH=str(ROOT))
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [str(gunicorn), "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS),
             "--bind", f"{HOST}:{self.port}", "--backlog", "256", "--timeout", "60", "--graceful-timeout", "5",
             "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if _request(self.port, "GET", "/healthz", timeout=5)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """SIGTERM to the whole group (master and workers), SIGKILL if it lingers."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self._log.close()


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    """gunicorn serving the session's database; always stopped, also when starting fails."""
    instance = GunicornServer(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory.mktemp("gunicorn"))
    try:
        instance.wait_until_ready()
        yield instance
    finally:
        instance.stop()


# --- the storm ----------------------------------------------------------------------------------

def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _contended_slots(day: datetime, buffer_minutes: int) -> list[tuple[datetime, datetime]]:
    """CONTENDERS intervals of one day that pairwise clash, each differently (same point P held).

    Without a buffer: [P - (i+1)/2 h, P + (8-i)/2 h), partial overlaps of varying length.
    With a buffer: half end exactly at P, half start at P — those pairs only touch, and clash
    solely because the earlier one's buffer runs past P.
    """
    point = day + timedelta(hours=8)
    if buffer_minutes == 0:
        return [(point - (i + 1) * HALF_HOUR, point + (CONTENDERS - i) * HALF_HOUR) for i in range(CONTENDERS)]
    half = CONTENDERS // 2
    return ([(point - (i + 1) * HOUR, point) for i in range(half)]
            + [(point, point + (i + 1) * HOUR) for i in range(CONTENDERS - half)])


def _free_slots(day: datetime) -> list[tuple[datetime, datetime]]:
    """CONTENDERS back-to-back hours: they touch but never overlap (no buffer), so all must win."""
    return [(day + timedelta(hours=i), day + timedelta(hours=i + 1)) for i in range(CONTENDERS)]


def _fire(port: int, requests: list[tuple[str, dict]]) -> list[tuple[int, dict | str]]:
    """Send every (token, body) at once: connect first, then a barrier releases all the requests."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def one(index: int, token: str, body: dict) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            conn.connect()
            barrier.wait(timeout=30)
            conn.request("POST", "/api/v1/bookings", body=json.dumps(body),
                         headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            raw = response.read().decode(errors="replace")
            try:
                results[index] = (response.status, json.loads(raw))
            except ValueError:
                results[index] = (response.status, raw)
        except Exception as exc:  # noqa: BLE001 - reported as a failed request below
            results[index] = (-1, f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()

    threads = [threading.Thread(target=one, args=(i, token, body)) for i, (token, body) in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return results


@pytest.fixture
def world(app):
    """Three always-open instruments (no buffer, a 30-minute buffer, a spare one) and 8 researchers."""
    with app.app_context():
        unit = make_unit(name="东北大学")
        specs = [("C-1", "透射电子显微镜", 0), ("C-2", "场发射扫描电镜", 30), ("C-3", "X射线衍射仪", 0)]
        instruments = [Instrument(unit_id=unit.id, inner_id=inner, name=name, model="M", manufacturer="F",
                                  category_code="010101", price_cny=1_000_000,
                                  booking_rules={**RULES, "buffer_minutes": buffer})
                       for inner, name, buffer in specs]
        db.session.add_all(instruments)
        db.session.commit()
        users = [make_user(unit) for _ in range(CONTENDERS)]
        tokens = [token_for(user) for user in users]
        data = {"instruments": [(i.id, i.booking_rules["buffer_minutes"]) for i in instruments], "tokens": tokens}
        db.session.remove()
    return data


def _is_win_or_conflict(result) -> bool:
    """201, or 409 with the error code ``booking_conflict``; anything else is a failure."""
    if result is None or result[0] not in (201, 409):
        return False
    return result[0] == 201 or (isinstance(result[1], dict)
                                and result[1].get("error", {}).get("code") == "booking_conflict")


OVERLAPS = text("""
    SELECT a.id, b.id FROM bookings a JOIN bookings b
      ON a.instrument_id = b.instrument_id AND a.id < b.id
     AND a.start < b.block_end AND b.start < a.block_end
    WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
""")


def test_concurrent_overlapping_requests_let_exactly_one_win_each_slot(app, server, world):
    """5 contended slots × 8 contenders + 8 free slots per storm, ROUNDS storms, 48 requests each."""
    (plain, _), (buffered, buffer), (spare, _) = world["instruments"]
    tokens = world["tokens"]
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    expected_active = 0
    for round_no in range(ROUNDS):
        first_day = today + timedelta(days=2 + 3 * round_no)
        # (label, instrument, intervals, expected winners): three days of the plain instrument,
        # two of the buffered one (same days, another instrument: independent), one of free slots.
        groups = [(f"plain day {d}", plain, _contended_slots(first_day + timedelta(days=d), 0), 1) for d in range(3)]
        groups += [(f"buffered day {d}", buffered, _contended_slots(first_day + timedelta(days=d), buffer), 1)
                   for d in range(2)]
        groups += [("free slots", spare, _free_slots(first_day), CONTENDERS)]
        requests, owner = [], []
        for label, instrument_id, intervals, _wins in groups:
            for i, (start, end) in enumerate(intervals):
                requests.append((tokens[i], {"instrument_id": instrument_id, "start": _iso(start), "end": _iso(end),
                                             "mode": "self", "purpose": f"concurrency {label} #{i}"}))
                owner.append(label)
        started = time.monotonic()
        results = _fire(server.port, requests)
        elapsed = time.monotonic() - started

        bad = [(owner[i], r) for i, r in enumerate(results) if not _is_win_or_conflict(r)]
        assert not bad, f"round {round_no}: unexpected answers {bad[:5]}\n--- gunicorn log ---\n{server.log_tail()}"
        for label, _instrument, _intervals, wins in groups:
            statuses = [r[0] for i, r in enumerate(results) if owner[i] == label]
            assert statuses.count(201) == wins, f"round {round_no}, {label}: {statuses}"
            assert statuses.count(409) == CONTENDERS - wins, f"round {round_no}, {label}: {statuses}"
        expected_active += sum(wins for *_rest, wins in groups)
        assert elapsed < 30, f"round {round_no} took {elapsed:.1f} s"

    log = server.log_tail(200_000)
    assert "database is locked" not in log and "Traceback" not in log, log[-4000:]
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as conn:
            assert conn.execute(OVERLAPS).all() == []
            active = conn.execute(text(
                "SELECT count(*) FROM bookings WHERE status IN ('pending', 'confirmed')")).scalar()
            by_instrument = dict(conn.execute(text(
                "SELECT instrument_id, count(*) FROM bookings GROUP BY instrument_id")).all())
        assert active == expected_active
        assert by_instrument == {plain: 3 * ROUNDS, buffered: 2 * ROUNDS, spare: CONTENDERS * ROUNDS}
        db.session.remove()
