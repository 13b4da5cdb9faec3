"""Command line: create-admin, demo, scheduler; scheduled jobs run once per slot across processes."""
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from sharing.accounts.models import User
from sharing.extensions import db
from sharing.scheduler import Job, JobRun, run_job_once
from sharing.units.models import Unit

ROOT = Path(__file__).resolve().parents[1]


def test_create_admin_creates_then_resets(app, ctx):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["create-admin", "--email", "Boss@Example.org", "--password", "first-secret-1"])
    assert r.exit_code == 0, r.output
    user = db.session.scalar(db.select(User).where(User.email == "boss@example.org"))
    assert user.roles == ["admin"] and user.unit is not None
    r = runner.invoke(args=["create-admin", "--email", "boss@example.org", "--password", "second-secret-2"])
    assert r.exit_code == 0 and "updated" in r.output
    client = app.test_client()
    ok = client.post("/api/v1/auth/token", json={"email": "boss@example.org", "password": "second-secret-2"})
    assert ok.status_code == 201
    r = runner.invoke(args=["create-admin", "--email", "x@example.org", "--password", "short"])
    assert r.exit_code != 0


def test_demo_loads_a_province_once(app, ctx):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["demo"])
    assert r.exit_code == 0, r.output
    assert "admin@demo.example" in r.output
    units = db.session.scalars(db.select(Unit)).all()
    assert len(units) >= 12
    assert {u.kind for u in units} >= {"university", "institute", "enterprise", "hospital"}
    roles = {r for u in db.session.scalars(db.select(User)) for r in u.roles}
    assert roles == {"researcher", "manager", "unit_admin", "evaluator", "admin"}
    assert runner.invoke(args=["demo"]).exit_code != 0  # never into a non-empty database
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "admin@demo.example" in again.output


def test_job_runs_once_per_slot_when_two_schedulers_race(app, ctx):
    calls = []
    item = Job("test_race", lambda: calls.append(1), every_seconds=60)
    now = datetime(2026, 3, 2, 1, 0, 30, tzinfo=timezone.utc)
    results = []
    barrier = threading.Barrier(4)

    def scheduler_process():
        barrier.wait()
        results.append(run_job_once(app, item, now))

    threads = [threading.Thread(target=scheduler_process) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert len(calls) == 1
    run = db.session.scalar(db.select(JobRun).where(JobRun.job == "test_race"))
    assert run.ok is True and run.finished_at is not None
    # The next slot runs again.
    assert run_job_once(app, item, datetime(2026, 3, 2, 1, 1, 5, tzinfo=timezone.utc)) is True
    assert len(calls) == 2


def test_failing_job_is_recorded(app, ctx):
    def broken():
        raise ValueError("boom")

    assert run_job_once(app, Job("test_broken", broken, 60)) is True
    run = db.session.scalar(db.select(JobRun).where(JobRun.job == "test_broken"))
    assert run.ok is False and "boom" in run.message


def test_scheduler_command_starts_logs_and_stops_on_ctrl_c(app, tmp_path):
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "INSTANCE_PATH": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "scheduler"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        output.append(line)
        if "job purge_expired_credentials ran" in line:
            break
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=30)
    text = "".join(output) + rest
    assert "scheduler started" in text
    assert "job purge_expired_credentials ran" in text
    assert "scheduler stopped" in text
    assert proc.returncode == 0, text
    assert "Traceback" not in text
