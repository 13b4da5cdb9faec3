#!/usr/bin/env python
"""Sharing-report benchmark (BENCHMARKS.md, "Sharing report over a million usage logs").

Target (issue 5): the sharing report by instrument for one year over 1,000,000 usage logs and
10,000 instruments answers in under 1 s on PostgreSQL and under 2 s on SQLite on this 2-core
machine, and the CSV export's memory does not grow with the number of logs (it is streamed).

Per backend this script
  1. creates a fresh database (bench_db.Database) and migrates it to head;
  2. seeds ``--units`` units, ``--users`` users and ``--instruments`` instruments, then loads a
     tenth of the ledger (``--logs-per-instrument`` ÷ 10 per instrument, with ratings and
     bookings: bench/ledger_data.py), ANALYZE, and measures the peak Python memory (tracemalloc)
     of the streamed CSV exports through the real endpoints: the sharing report's and the
     national service records' (one line per use);
  3. loads the other nine tenths, ANALYZE, and measures again;
  4. times ``reports.metrics.sharing_report`` for the calendar year 2025 grouped by instrument,
     unit and category (one warm-up, then ``--repeat`` runs; the median and the worst are printed),
     and the whole HTTP answer ``GET /api/v1/reports/sharing`` (JSON and streamed CSV) through the
     app's test client;
  5. prints a Markdown table and, with ``--json``, the raw figures.

Usage (from the project folder):
    .venv/bin/python bench/ledger_bench.py --backend both --json /tmp/ledger-bench.json
    .venv/bin/python bench/ledger_bench.py --backend sqlite --instruments 1000 --repeat 3   # quick
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from bench_db import Database, analyze, build_app  # noqa: E402
from ledger_data import generate, load, seed_people_and_instruments  # noqa: E402

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/"
YEAR = "from=2025-01-01&to=2026-01-01"
PARTS = 10
REPORT_CSV = f"/api/v1/reports/sharing?{YEAR}&format=csv&header=zh"  # one line per instrument
RECORDS = f"/api/v1/reports/service-records?{YEAR}&format=csv"  # one national record per use


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def evaluator_token(engine, user_id: int) -> str:
    from sqlalchemy import insert

    from sharing.accounts.models import ApiToken

    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(ApiToken.__table__).values(
            user_id=user_id, token_hash=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=datetime.now(timezone.utc) + timedelta(days=1)))
    return token


def csv_export(app, token: str, trace: bool, path: str = REPORT_CSV) -> dict:
    """Read a streamed CSV answer chunk by chunk; with ``trace`` also its peak Python memory."""
    client = app.test_client()
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    response = client.get(path, headers={"Authorization": f"Bearer {token}"}, buffered=False)
    size = lines = 0
    for chunk in response.iter_encoded():
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    seconds = time.perf_counter() - began
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert response.status_code == 200, response.status_code
    return {"seconds": round(seconds, 3), "bytes": size, "lines": lines,
            "peak_python_mib": None if peak is None else round(peak / 2**20, 2)}


def time_report(app, group_by: str, repeat: int) -> dict:
    from reports.metrics import sharing_report
    from sharing.extensions import db
    from sharing.timeutil import platform_midnight

    window = (platform_midnight(date(2025, 1, 1)), platform_midnight(date(2026, 1, 1)))
    runs = []
    with app.app_context():
        report = sharing_report(*window, group_by)  # warm-up (and the row count)
        for _ in range(repeat):
            began = time.perf_counter()
            sharing_report(*window, group_by)
            runs.append(time.perf_counter() - began)
        db.session.remove()
    return {"median_s": round(statistics.median(runs), 3), "max_s": round(max(runs), 3),
            "rows": len(report["rows"]), "effective_hours": report["totals"]["effective_hours"]}


def time_monthly(app, repeat: int) -> dict:
    """The dashboard's monthly effective and external hours of the year (reports.monthly)."""
    from reports.monthly import monthly_hours
    from sharing.extensions import db
    from sharing.timeutil import platform_midnight

    window = (platform_midnight(date(2025, 1, 1)), platform_midnight(date(2026, 1, 1)))
    runs = []
    with app.app_context():
        monthly_hours(*window)
        for _ in range(repeat):
            began = time.perf_counter()
            monthly_hours(*window)
            runs.append(time.perf_counter() - began)
        db.session.remove()
    return {"median_s": round(statistics.median(runs), 3), "max_s": round(max(runs), 3)}


def time_http(app, token: str, suffix: str, repeat: int) -> dict:
    client = app.test_client()
    runs = []
    for n in range(repeat + 1):
        began = time.perf_counter()
        response = client.get(f"/api/v1/reports/sharing?{YEAR}{suffix}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        if n:
            runs.append(time.perf_counter() - began)
    return {"median_s": round(statistics.median(runs), 3), "max_s": round(max(runs), 3)}


def run_backend(backend: str, args, workdir: Path) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from bookings.models import UsageLog
    from sharing.extensions import db

    database = Database(backend, workdir, args.postgres_url, "ledger_bench")
    try:
        app = build_app(database.url, workdir / f"instance-{backend}")
        with app.app_context():
            upgrade()
            with db.engine.begin() as conn:
                world = seed_people_and_instruments(conn, args.units, args.users, args.instruments)
            engine = db.engine
            if engine.dialect.name == "sqlite":
                version = "SQLite " + db.session.execute(text("select sqlite_version()")).scalar()
            else:
                version = "PostgreSQL " + db.session.execute(text("show server_version")).scalar().split()[0]
            db.session.remove()
        token = evaluator_token(engine, world["evaluator_id"])
        result = {"backend": backend, "version": version, "stages": []}
        loaded = 0
        for stage_parts in (range(0, 1), range(1, PARTS)):
            began = time.perf_counter()
            for part in stage_parts:
                ledger = generate(world, args.logs_per_instrument, part, PARTS)
                load(engine, ledger)
                loaded += len(ledger.logs)
                log(f"  {backend}: {loaded:,} logs loaded")
            analyze(engine)
            with app.app_context():
                count = db.session.execute(select(func.count()).select_from(UsageLog)).scalar()
                db.session.remove()
            result["stages"].append({"usage_logs": count, "load_seconds": round(time.perf_counter() - began, 1),
                                     "csv": csv_export(app, token, trace=True),
                                     "records_csv": csv_export(app, token, trace=True, path=RECORDS)})
        result["report"] = {group_by: time_report(app, group_by, args.repeat)
                            for group_by in ("instrument", "unit", "category")}
        result["monthly"] = time_monthly(app, args.repeat)
        result["http_json_instrument"] = time_http(app, token, "", args.repeat)
        result["http_csv_instrument"] = csv_export(app, token, trace=False)
        result["records_csv_untraced"] = csv_export(app, token, trace=False, path=RECORDS)  # time without tracing
        with app.app_context():
            db.engine.dispose()
        return result
    finally:
        if args.keep:
            log(f"  {backend}: kept {database.url}")
        else:
            database.drop()


def markdown(results: list[dict], args) -> str:
    lines = [f"{args.instruments:,} instruments, {args.instruments * args.logs_per_instrument:,} usage logs; "
             f"machine {platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}", "",
             "| backend | by instrument (median / max) | by unit | by category | HTTP JSON | HTTP CSV (streamed) "
             "| monthly hours |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        rep = r["report"]
        lines.append(f"| {r['version']} | {rep['instrument']['median_s']} / {rep['instrument']['max_s']} s "
                     f"| {rep['unit']['median_s']} s | {rep['category']['median_s']} s "
                     f"| {r['http_json_instrument']['median_s']} s | {r['http_csv_instrument']['seconds']} s "
                     f"| {r['monthly']['median_s']} s |")
    lines += ["", "Service-record CSV of the whole year without memory tracing: " + ", ".join(
        f"{r['version']} {r['records_csv_untraced']['seconds']} s for {r['records_csv_untraced']['lines']:,} lines"
        for r in results)]
    lines += ["", "| backend | usage logs | report CSV lines | its peak Python memory | service-record CSV lines "
              "| its time | its peak Python memory |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        for stage in r["stages"]:
            records = stage["records_csv"]
            lines.append(f"| {r['version']} | {stage['usage_logs']:,} | {stage['csv']['lines']:,} "
                         f"| {stage['csv']['peak_python_mib']} MiB | {records['lines']:,} | {records['seconds']} s "
                         f"| {records['peak_python_mib']} MiB |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--instruments", type=int, default=10_000)
    parser.add_argument("--logs-per-instrument", type=int, default=100)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--users", type=int, default=4_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", help="write the raw figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the databases and the temporary folder")
    args = parser.parse_args(argv)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    workdir = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    results = []
    for backend in backends:
        log(f"{backend}: building {args.instruments:,} instruments × {args.logs_per_instrument} logs")
        results.append(run_backend(backend, args, workdir))
    print(markdown(results, args))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
