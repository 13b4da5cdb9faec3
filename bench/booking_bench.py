#!/usr/bin/env python
"""Booking contention benchmark (BENCHMARKS.md, "Booking contention").

Target: at 32 concurrent clients, ``POST /api/v1/bookings`` keeps at least 40 % of the
throughput of a bare overlap-check-and-insert endpoint, with p99 under 100 ms, on PostgreSQL
and on SQLite.

For each backend this script
  1. creates a fresh database (PostgreSQL: ``--pg-database`` on ``--postgres-url``, dropped first
     if it exists and at the end unless ``--keep``; SQLite: a file in a temporary folder) and
     migrates it to head (Flask-Migrate's ``upgrade``, as ``flask --app wsgi db upgrade`` does);
  2. seeds one unit, ``--instruments`` instruments (always open, automatic approval, 60-day
     horizon, no buffer) and ``--users`` researchers with API tokens (SQLAlchemy Core), ANALYZE;
  3. starts gunicorn (``--workers`` sync workers, 127.0.0.1, a free port) on
     ``bench/baseline_wsgi.py``: the real app plus ``POST /bench/baseline-booking``, a bare
     overlap-SELECT + INSERT with the same auth lookup and transaction mode (see that module);
  4. per scenario — ``spread`` (random instruments among all of them) and ``hot`` (the same
     10) — and per target (``full`` = ``POST /api/v1/bookings``, ``baseline``): empties the
     bookings (and audit rows and notifications), sends ``--warmup`` bookings on a day the
     measured ones never use, then the same ``--requests`` pre-built bookings (random day within
     the horizon, 30-minute grid, 1–4 hours, random user) from ``--clients`` closed-loop client
     threads (bench/booking_load.py), and checks with SQL that no two active bookings of an
     instrument overlap and that there are exactly as many as 201 answers;
  5. repeats that ``--repeat`` times (alternating which target goes first) and prints Markdown
     tables (medians over the repeats) and, with ``--json``, every run.

Usage (from the project folder):
    .venv/bin/python bench/booking_bench.py --backend both --json /tmp/booking-bench.json
    .venv/bin/python bench/booking_bench.py --backend sqlite --requests 1000 --repeat 1   # quick
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from bench_db import Database, analyze, build_app  # noqa: E402
from booking_load import (CpuMeter, build_requests, child_pids, percentile, run_load)  # noqa: E402

HOST = "127.0.0.1"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/"
RULES = {"approval": "auto", "open_hours": [], "closed_on_holidays": False, "horizon_days": 60, "max_minutes": 1440}
PATHS = {"full": "/api/v1/bookings", "baseline": "/bench/baseline-booking"}
HOT_INSTRUMENTS = 10
MEASURED_DAYS = range(1, 58)   # the measured bookings' days (from today, UTC)
WARMUP_DAY = range(58, 59)     # warm-up bookings: a day the measured ones never touch
OVERLAPS = """
    SELECT count(*) FROM bookings a JOIN bookings b
      ON a.instrument_id = b.instrument_id AND a.id < b.id
     AND a.start < b.block_end AND b.start < a.block_end
    WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- database (Database and build_app: bench_db.py) ----------------------------------------------

def migrate_and_seed(app, instruments: int, users: int) -> dict:
    """Schema at head; one unit, the instruments and the researchers (with tokens); ANALYZE."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text

    from instruments.models import Instrument
    from sharing.accounts.models import ApiToken, User, UserRole
    from sharing.accounts.passwords import hash_password
    from sharing.extensions import db
    from sharing.units.models import Unit

    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            unit_id = conn.execute(insert(Unit.__table__).values(
                name="基准测试大学", kind="university", city="沈阳", in_cluster=True).returning(Unit.id)).scalar_one()
            conn.execute(insert(Instrument.__table__), [
                {"unit_id": unit_id, "inner_id": f"BENCH-{n:05d}", "name": f"基准仪器 {n}", "model": "M-1",
                 "manufacturer": "Bench", "category_code": "010101", "price_cny": 1_000_000,
                 "booking_rules": RULES} for n in range(instruments)])
            password = hash_password("Bench-Booking-2026")
            conn.execute(insert(User.__table__), [
                {"email": f"bench{n}@example.org", "name": f"研究人员{n}", "unit_id": unit_id,
                 "password_hash": password, "active": True} for n in range(users)])
            user_ids = conn.execute(select(User.id).order_by(User.id)).scalars().all()
            conn.execute(insert(UserRole.__table__), [{"user_id": u, "role": "researcher"} for u in user_ids])
            tokens = [secrets.token_urlsafe(32) for _ in user_ids]
            expires = datetime.now(timezone.utc) + timedelta(days=2)
            conn.execute(insert(ApiToken.__table__), [
                {"user_id": u, "token_hash": hashlib.sha256(t.encode()).hexdigest(), "expires_at": expires}
                for u, t in zip(user_ids, tokens)])
            instrument_ids = conn.execute(select(Instrument.id).order_by(Instrument.id)).scalars().all()
        analyze(db.engine)
        if db.engine.dialect.name == "sqlite":
            version = "SQLite " + db.session.execute(text("select sqlite_version()")).scalar()
        else:
            version = "PostgreSQL " + db.session.execute(text("show server_version")).scalar().split()[0]
        db.session.remove()
        db.engine.dispose()
    return {"instrument_ids": instrument_ids, "tokens": tokens, "version": version}


def reset_bookings(engine) -> None:
    """An empty calendar: no bookings, and none of the audit rows and notifications they made."""
    from sqlalchemy import text

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE bookings, audit_events, notifications RESTART IDENTITY CASCADE"))
        else:
            for table in ("usage_logs", "notifications", "audit_events", "bookings"):
                conn.execute(text(f"DELETE FROM {table}"))


def verify(engine) -> dict:
    """SQL after a run: overlapping active pairs (must be 0) and the rows a run left."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return {"overlapping_pairs": conn.execute(text(OVERLAPS)).scalar(),
                "active_bookings": conn.execute(text(
                    "SELECT count(*) FROM bookings WHERE status IN ('pending', 'confirmed')")).scalar(),
                "audit_rows": conn.execute(text("SELECT count(*) FROM audit_events")).scalar(),
                "notifications": conn.execute(text("SELECT count(*) FROM notifications")).scalar()}


# --- the server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving bench/baseline_wsgi.py (the app + the baseline route), own process group."""

    def __init__(self, url: str, instance: Path, workers: int, worker_class: str, threads: int, log_path: Path):
        import http.client

        self.port = free_port()
        self.log_path = log_path
        env = dict(os.environ, DATABASE_URL=url, INSTANCE_PATH=str(instance), SECRET_KEY="bench-secret",
                   RATELIMIT_ENABLED="false", SCHEDULER_IN_WEB="false", MAIL_SERVER="",
                   PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]))
        command = [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers),
                   "--worker-class", worker_class, "--bind", f"{HOST}:{self.port}", "--backlog", "2048",
                   "--timeout", "120", "--log-level", "warning"]
        if worker_class == "gthread":
            command += ["--threads", str(threads)]
        self.command = " ".join(command[1:] + ["baseline_wsgi:app"])
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(command + ["baseline_wsgi:app"], cwd=ROOT, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {log_path}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self._log.close()


def start_profiler(server_pid: int, folder: str | None, name: str):
    """py-spy sampling gunicorn's workers (``--profile``): collapsed stacks, one file per run."""
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    py_spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen([str(py_spy), "record", "--pid", str(server_pid), "--subprocesses", "--rate", "250",
                             "--format", "raw", "--nonblocking", "--output", str(Path(folder) / f"{name}.txt")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profiler(process) -> None:
    if process is not None:
        process.send_signal(signal.SIGINT)  # py-spy writes its file and exits
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- one backend ----------------------------------------------------------------------------------

def summarise(outcome, cpu: dict, checked: dict, warm_201: int) -> dict:
    kinds = outcome.kinds
    counts = {k: kinds.count(k) for k in sorted(set(kinds))}
    ok = counts.get("201", 0)
    other = len(kinds) - ok - counts.get("409 check", 0) - counts.get("409 guard", 0)
    return {
        "requests": len(kinds), "wall_s": round(outcome.wall_s, 2),
        "rps": round(len(kinds) / outcome.wall_s, 1),
        "p50_ms": round(percentile(outcome.latencies_ms, 0.50), 1),
        "p90_ms": round(percentile(outcome.latencies_ms, 0.90), 1),
        "p99_ms": round(percentile(outcome.latencies_ms, 0.99), 1),
        "max_ms": round(max(outcome.latencies_ms), 1),
        "n201": ok, "n409_check": counts.get("409 check", 0), "n409_guard": counts.get("409 guard", 0),
        "other": other, "counts": counts, "samples": outcome.samples,
        "client_cores": round(outcome.client_cpu_s / outcome.wall_s, 2), **cpu, **checked,
        # CPU spent per request: much less sensitive to other load on the machine than req/s.
        "server_cpu_ms": round(1000 * cpu["server_cores"] * outcome.wall_s / len(kinds), 2),
        "postgres_cpu_ms": round(1000 * cpu["postgres_cores"] * outcome.wall_s / len(kinds), 2),
        "rows_match_201": checked["active_bookings"] == ok + warm_201,
    }


def run_backend(backend: str, args, workdir: Path) -> dict:
    from sqlalchemy import create_engine

    from sharing.config import normalise_database_url

    log(f"== {backend}")
    database = Database(backend, workdir, args.postgres_url, args.pg_database if backend == "postgresql" else "bench_booking")
    engine = None
    server = None
    try:
        instance = workdir / f"instance-{backend}"
        app = build_app(database.url, instance)
        started = time.perf_counter()
        seeded = migrate_and_seed(app, args.instruments, args.users)
        log(f"   migrated and seeded in {time.perf_counter() - started:.1f} s ({seeded['version']})")
        engine = create_engine(normalise_database_url(database.url))
        server = Server(database.url, instance, args.workers, args.worker_class, args.threads,
                        workdir / f"gunicorn-{backend}.log")
        log(f"   gunicorn {server.command} (pid {server.process.pid}, workers {child_pids(server.process.pid)})")
        day0 = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        ids, tokens = seeded["instrument_ids"], seeded["tokens"]
        scenarios = {"spread": ids, "hot": ids[:HOT_INSTRUMENTS]}
        runs = []
        for repeat in range(args.repeat):
            for s_no, (scenario, pool) in enumerate(scenarios.items()):
                if scenario not in args.scenarios:
                    continue
                measured = build_requests(args.requests, pool, tokens, day0, MEASURED_DAYS, seed=1000 + s_no)
                warmup = build_requests(args.warmup, pool, tokens, day0, WARMUP_DAY, seed=2000 + s_no)
                targets = ["baseline", "full"] if repeat % 2 == 0 else ["full", "baseline"]
                for target in targets:
                    if target not in args.targets:
                        continue
                    reset_bookings(engine)
                    warm = run_load(server.port, PATHS[target], warmup, args.clients)
                    meter = CpuMeter(server.process.pid, args.pg_database if backend == "postgresql" else None)
                    profiler = start_profiler(server.process.pid, args.profile,
                                              f"{backend}-{scenario}-{target}-{repeat}")
                    meter.start()
                    outcome = run_load(server.port, PATHS[target], measured, args.clients)
                    cpu = meter.stop(outcome.wall_s)
                    stop_profiler(profiler)
                    result = summarise(outcome, cpu, verify(engine), warm.kinds.count("201"))
                    result.update(backend=backend, scenario=scenario, target=target, repeat=repeat)
                    runs.append(result)
                    log(f"   {scenario:6} {target:8} #{repeat}: {result['rps']:7.1f} req/s  p50 {result['p50_ms']:6.1f}"
                        f"  p99 {result['p99_ms']:6.1f} ms  201 {result['n201']}  409 {result['n409_check']}"
                        f"+{result['n409_guard']}  other {result['other']}  overlaps {result['overlapping_pairs']}"
                        f"  cores: client {result['client_cores']} server {result['server_cores']}"
                        f" postgres {result['postgres_cores']} others {result['other_cores']};"
                        f" CPU ms/req: gunicorn {result['server_cpu_ms']} postgres {result['postgres_cpu_ms']}")
                    if result["samples"]:
                        log(f"      unexpected answers: {result['samples']}")
        return {"backend": backend, "version": seeded["version"], "server": server.command, "runs": runs}
    finally:
        if server is not None:
            server.stop()
        if engine is not None:
            engine.dispose()
        if not args.keep:
            database.drop()


# --- report ---------------------------------------------------------------------------------------

def medians(runs: list[dict]) -> dict:
    out = {}
    for key in ("rps", "p50_ms", "p99_ms", "max_ms", "machine_busy_pct"):
        out[key] = round(statistics.median(r[key] for r in runs), 1)
    for key in ("client_cores", "server_cores", "postgres_cores", "other_cores", "server_cpu_ms", "postgres_cpu_ms"):
        out[key] = round(statistics.median(r[key] for r in runs), 2)
    for key in ("n201", "n409_check", "n409_guard", "other", "overlapping_pairs"):
        out[key] = sum(r[key] for r in runs)
    out["rows_match_201"] = all(r["rows_match_201"] for r in runs)
    out["repeats"] = len(runs)
    return out


def report(results: list[dict], args) -> str:
    lines = [f"{args.clients} clients, {args.requests} bookings per run after {args.warmup} warm-up, "
             f"median of {args.repeat} run(s); {args.instruments} instruments, {args.users} users; "
             f"load average now {os.getloadavg()[0]:.2f}", ""]
    lines += ["| backend | scenario | endpoint | req/s | p50 ms | p99 ms | max ms | 201 | 409 check | 409 guard "
              "| other | overlaps | full ÷ baseline |",
              "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for result in results:
        for scenario in ("spread", "hot"):
            by_target = {t: medians([r for r in result["runs"] if r["scenario"] == scenario and r["target"] == t])
                         for t in ("baseline", "full")
                         if any(r["scenario"] == scenario and r["target"] == t for r in result["runs"])}
            ratio = (f"{by_target['full']['rps'] / by_target['baseline']['rps']:.2f}"
                     if len(by_target) == 2 else "")
            for target, m in by_target.items():
                lines.append(f"| {result['version']} | {scenario} | {target} | {m['rps']:.0f} | {m['p50_ms']} | "
                             f"{m['p99_ms']} | {m['max_ms']} | {m['n201']} | {m['n409_check']} | {m['n409_guard']} | "
                             f"{m['other']} | {m['overlapping_pairs']} | {ratio if target == 'full' else ''} |")
    lines += ["", "CPU in cores (of 2) during the measured part; \"others\" = processes outside the benchmark.", "",
              "| backend | scenario | endpoint | client | gunicorn | postgres | others | machine busy % "
              "| gunicorn CPU ms/req | postgres CPU ms/req | rows = 201s |",
              "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for result in results:
        for scenario in ("spread", "hot"):
            for target in ("baseline", "full"):
                runs = [r for r in result["runs"] if r["scenario"] == scenario and r["target"] == target]
                if runs:
                    m = medians(runs)
                    lines.append(f"| {result['version']} | {scenario} | {target} | {m['client_cores']} | "
                                 f"{m['server_cores']} | {m['postgres_cores']} | {m['other_cores']} | "
                                 f"{m['machine_busy_pct']} | {m['server_cpu_ms']} | {m['postgres_cpu_ms']} | "
                                 f"{m['rows_match_201']} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="server to create the database on")
    parser.add_argument("--pg-database", default="bench_booking", help="name of the (re)created database")
    parser.add_argument("--instruments", type=int, default=1000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=4000, help="measured bookings per run")
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--scenarios", nargs="+", default=["spread", "hot"], choices=["spread", "hot"])
    parser.add_argument("--targets", nargs="+", default=["baseline", "full"], choices=["baseline", "full"])
    parser.add_argument("--json", help="write every run to this file")
    parser.add_argument("--profile", metavar="DIR",
                        help="sample the workers with py-spy during each measured run (pip install py-spy); "
                             "summarise with bench/profile_summary.py")
    parser.add_argument("--keep", action="store_true", help="keep the databases, temporary folder and logs")
    args = parser.parse_args(argv)

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    workdir = Path(tempfile.mkdtemp(prefix="booking-bench-"))
    log(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {os.getloadavg()}, work in {workdir}")
    results = []
    failed = False
    try:
        for backend in backends:
            results.append(run_backend(backend, args, workdir))
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    for result in results:
        for run in result["runs"]:
            if run["overlapping_pairs"] or run["other"] or not run["rows_match_201"]:
                failed = True
                log(f"FAILED CHECK: {result['backend']} {run['scenario']} {run['target']} #{run['repeat']}: "
                    f"overlaps {run['overlapping_pairs']}, other answers {run['counts']}, "
                    f"rows {run['active_bookings']} vs 201s {run['n201']} (+ warm-up)")
    print(report(results, args))
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results}, indent=1, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
