"""Two schedulers on one database: every (job, slot) runs once and every notice goes out once.

The first test starts two real ``flask scheduler`` processes (PostgreSQL only). The second runs
two apps, each with its own engine, in concurrent threads: first calling every booking job
directly at the same moment (as overlapping runs of neighbouring slots would), then racing for
the same slot again and again through ``run_job_once``.
"""
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import time_machine

from bookings.jobs import (expire_pending_bookings, mark_no_shows, notify_expiring_qualifications,
                           send_booking_reminders)
from bookings.models import Booking, BookingReminder, Qualification
from instruments.models import Instrument
from sharing.extensions import db
from sharing.notifications.models import Notification
from sharing.scheduler import JobRun, load_jobs, run_job_once
from sharing.timeutil import utcnow
from tests.conftest import build_app
from tests.helpers import make_unit, make_user

ROOT = Path(__file__).resolve().parents[1]
BOOKING_JOBS = ("booking_reminders", "expire_pending_bookings", "mark_no_shows", "qualification_expiry_notices")
# What one seed() should produce, each notice exactly once.
EXPECTED = {"booking_reminder": 20, "booking_expired": 10, "booking_no_show": 9, "user_suspended": 3,
            "qualification_expiring": 6}


def seed(now: datetime) -> None:
    """Work for every booking job, due at ``now``, on instruments and users of its own."""
    unit = make_unit(name="并发大学")
    instruments = [Instrument(unit_id=unit.id, inner_id=f"S-{i}", name=f"仪器{i}", model="M", manufacturer="F",
                              category_code="010101", price_cny=1_000_000, booking_rules={}) for i in range(4)]
    db.session.add_all(instruments)
    db.session.commit()
    soon, later, undecided, missed = instruments
    researcher = make_user(unit)

    def book(instrument, start, minutes, status="confirmed", user=researcher):
        end = start + timedelta(minutes=minutes)
        db.session.add(Booking(instrument_id=instrument.id, user_id=user.id, start=start, end=end, block_end=end,
                               status=status, mode="self"))

    for i in range(10):
        book(soon, now + timedelta(minutes=20 + 3 * i), 3)              # 1-hour reminder
        book(later, now + timedelta(hours=3, minutes=10 * i), 10)       # 24-hour reminder
        book(undecided, now - timedelta(hours=2) + timedelta(minutes=10 * i), 10, status="pending")
    for u in range(3):                                                  # three no-shows each: suspended
        user = make_user(unit)
        for j in range(3):
            book(missed, now - timedelta(hours=6) + timedelta(minutes=60 * u + 20 * j), 20, user=user)
    for _ in range(6):
        db.session.add(Qualification(instrument_id=soon.id, user_id=make_user(unit).id, level="independent",
                                     expires_at=now + timedelta(days=2)))
    db.session.commit()


def assert_each_notice_once(times: int = 1) -> None:
    db.session.rollback()
    rows = db.session.execute(db.select(Notification.kind, Notification.user_id, Notification.link)).all()
    duplicates = [key for key, n in Counter(rows).items() if n > 1]
    assert duplicates == []
    assert Counter(kind for kind, _user, _link in rows) == {k: n * times for k, n in EXPECTED.items()}
    assert db.session.scalar(db.select(db.func.count()).select_from(BookingReminder)) == 20 * times
    assert db.session.scalar(db.select(db.func.count(Booking.id)).where(Booking.status == "pending")) == 0


# --- two real scheduler processes -----------------------------------------------------------------

def _start_scheduler(app, instance_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "INSTANCE_PATH": str(instance_path),
           "SECRET_KEY": "test-secret", "MAIL_SERVER": "", "SCHEDULER_IN_WEB": "0"}
    flask = Path(sys.executable).with_name("flask")
    return subprocess.Popen([str(flask), "--app", "wsgi", "scheduler"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _collect(proc: subprocess.Popen, lines: list[str]) -> threading.Thread:
    thread = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    thread.start()
    return thread


def _outcome(lines: list[str], name: str) -> str | None:
    """How this process's first attempt at a job ended: ran, taken (by the other) or failed."""
    for line in list(lines):
        if f"job {name} ran" in line:
            return "ran"
        if f"job {name} slot" in line and "already taken" in line:
            return "taken"
        if f"job {name} failed" in line:
            return "failed"
    return None


def test_two_scheduler_processes_run_each_slot_once(app, ctx, backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("two scheduler processes sharing a database are a PostgreSQL deployment; "
                    "set TEST_DATABASE_URL (SQLite is covered by the threaded test below)")
    seed(utcnow())
    procs = [_start_scheduler(app, tmp_path / f"scheduler{n}") for n in range(2)]
    outputs: list[list[str]] = [[], []]
    readers = [_collect(proc, out) for proc, out in zip(procs, outputs)]
    try:
        # Usually ready in a few seconds; the margin is for the app's start-up on a loaded machine.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(_outcome(out, name) for out in outputs for name in BOOKING_JOBS):
                break
            time.sleep(0.1)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for reader in readers:
            reader.join(5)
    text = "\n".join("".join(out) for out in outputs)
    assert "Traceback" not in text, text
    assert all(proc.returncode == 0 for proc in procs), text
    for name in BOOKING_JOBS:
        outcomes = sorted(_outcome(out, name) for out in outputs)
        assert "failed" not in outcomes and None not in outcomes, text
        runs = db.session.execute(db.select(JobRun.slot, JobRun.ok).where(JobRun.job == name)).all()
        # Both processes start within the same slot almost always (one ran, one found it taken);
        # if they straddle a slot boundary each runs its own slot. Never both the same slot.
        assert len(runs) == outcomes.count("ran") and all(ok for _slot, ok in runs), text
    assert_each_notice_once()


# --- two apps in concurrent threads ---------------------------------------------------------------

def _in_parallel(apps, work) -> None:
    """Run ``work(app)`` in one thread per app, all released at once; re-raise any failure."""
    barrier, errors = threading.Barrier(len(apps)), []

    def thread_body(application):
        try:
            barrier.wait()
            work(application)
        except Exception as exc:  # reported by the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=thread_body, args=(application,)) for application in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []


def test_concurrent_runs_of_the_booking_jobs_change_each_row_once(app, ctx, tmp_path, monkeypatch):
    now = datetime(2026, 3, 2, 0, 0, 30, tzinfo=timezone.utc)
    monkeypatch.setenv("INSTANCE_PATH", os.environ.get("INSTANCE_PATH", ""))  # build_app sets it; restore it after
    second = build_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "second")
    apps = [app, second, app, second]
    try:
        seed(now)
        for job in (send_booking_reminders, expire_pending_bookings, mark_no_shows, notify_expiring_qualifications):
            def overlapping_run(application, job=job):
                with application.app_context():
                    job(now)

            _in_parallel(apps, overlapping_run)
        assert_each_notice_once()

        seed(now)
        jobs = [item for item in load_jobs() if item.name in BOOKING_JOBS]
        ran, lock = Counter(), threading.Lock()

        def race_for_the_slot(application):
            for _attempt in range(5):
                for item in jobs:
                    if run_job_once(application, item, now):
                        with lock:
                            ran[item.name] += 1

        with time_machine.travel(now, tick=False):  # the jobs' own clock, in every thread
            _in_parallel(apps, race_for_the_slot)
        assert ran == {name: 1 for name in BOOKING_JOBS}
        db.session.rollback()
        runs = db.session.execute(db.select(JobRun.job, JobRun.ok)).all()
        assert sorted(runs) == sorted((name, True) for name in BOOKING_JOBS)
        assert_each_notice_once(times=2)
    finally:
        with second.app_context():
            db.session.remove()
            db.engine.dispose()
