#!/usr/bin/env python
"""Catalogue search and import benchmark (BENCHMARKS.md, "Catalogue search and import").

Targets (from the issue): with 100,000 instruments a catalogue search answers in under 100 ms
(p95) on PostgreSQL and on SQLite; 10,000 rows import in well under a minute.

For each backend this script
  1. creates a fresh database (SQLite: a file in a temporary folder; PostgreSQL: a new database
     on the server of ``--postgres-url``, dropped at the end) and migrates it to head;
  2. loads the demo province (units, people, ~300 instruments) and bulk-inserts N synthetic but
     realistic instruments (SQLAlchemy core, in chunks; ``search_text`` computed as the app does;
     the FTS5 triggers / the GIN index are maintained as for any insert), then ANALYZEs;
  3. starts the real app under gunicorn (sync workers, 127.0.0.1, a free port), logs in, and
     times ``GET /api/v1/instruments`` for a mix of realistic queries, sequentially (one request at
     a time; sync workers close each connection), each query ``--repeat`` times (rounds
     interleave the queries; a first round warms up and is not counted);
  4. times ``POST /api/v1/instruments/import`` with a 10,000-row .xlsx (Chinese headers), once
     creating and once updating the same rows (skipped with a message when the endpoint is absent);
  5. prints Markdown tables (and writes ``--json``).

Usage (from the project folder):
    .venv/bin/python bench/catalogue_bench.py --backend both
    .venv/bin/python bench/catalogue_bench.py --backend sqlite --instruments 5000 --repeat 10 --explain
"""
from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
CHUNK = 2_000
HOST = "127.0.0.1"
PASSWORD = "Lab-Share-2026"  # the demo province's password
RESEARCHER = "researcher.neu@demo.example"
MANAGER = "manager.neu@demo.example"

# (label, query string): what people type into the catalogue search, and the filters they click.
QUERIES = [
    ("q=透射", {"q": "透射"}),
    ("q=电镜", {"q": "电镜"}),
    ("q=质谱", {"q": "质谱"}),
    ("q=D8", {"q": "D8"}),
    ("q=Bruker", {"q": "Bruker"}),
    ("q=jem-2100f", {"q": "jem-2100f"}),
    ("q=液相色谱", {"q": "液相色谱"}),
    ("q=核磁共振", {"q": "核磁共振"}),
    ("q=场发射 扫描", {"q": "场发射 扫描"}),
    ("q=xps", {"q": "xps"}),
    ("q=电镜 & category=0101", {"q": "电镜", "category": "0101"}),
    ("q=Bruker & category=010601", {"q": "Bruker", "category": "010601"}),
    ("category=01", {"category": "01"}),
    ("category=010102", {"category": "010102"}),
    ("city=大连", {"city": "大连"}),
    ("bookable=1", {"bookable": "1"}),
    ("page=3", {"page": "3"}),
    ("q=质谱 & page=3", {"q": "质谱", "page": "3"}),
]

# More units of the province, so that 100,000 instruments are spread as on a real provincial platform.

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_db import Database, build_app  # noqa: E402  (sibling modules of this script)
from catalogue_data import SEED, EXTRA_UNITS, generate_rows  # noqa: E402


def populate(app, n: int, log) -> dict:
    """Demo province + extra units + ``n`` instruments; returns counts and timings."""
    from flask import g
    from sqlalchemy import func, insert, select, text

    from instruments.models import Instrument
    from sharing.demo import load_demo
    from sharing.extensions import db
    from sharing.units.models import Unit

    info = {}
    with app.app_context():
        g.actor_id = None
        started = time.perf_counter()
        load_demo()
        for name, short, kind, city in EXTRA_UNITS:
            db.session.add(Unit(name=name, short_name=short, kind=kind, city=city, in_cluster=False))
        db.session.commit()
        info["demo_s"] = round(time.perf_counter() - started, 2)
        units = [(u.id, u.city, 6 if u.short_name in ("东大", "大工", "金属所", "大化所", "中国医大") else 2)
                 for u in db.session.scalars(select(Unit)) if u.short_name != "平台中心"]
        started = time.perf_counter()
        rows = generate_rows(n, units)
        info["generate_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        table = Instrument.__table__
        with db.engine.begin() as conn:
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(table), rows[start:start + CHUNK])
                if (start // CHUNK) % 10 == 0:
                    log(f"    inserted {start + len(rows[start:start + CHUNK]):,} / {n:,}")
        info["insert_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        # Statistics for the planner. PostgreSQL's autovacuum would also have vacuumed after this many
        # inserts (which sets the visibility map that index-only scans need): do it now.
        statement = "ANALYZE" if db.engine.dialect.name == "sqlite" else "VACUUM ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(statement))
        info["analyze_s"] = round(time.perf_counter() - started, 2)
        info["analyze"] = statement
        info["instruments"] = db.session.scalar(select(func.count(Instrument.id)))
        info["units"] = len(units)
        db.session.remove()
        db.engine.dispose()
    return info


# --- databases (Database and build_app: bench_db.py) ---------------------------------------------

def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def versions(app) -> str:
    from sqlalchemy import text

    from sharing.extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                return "SQLite " + conn.execute(text("select sqlite_version()")).scalar()
            return "PostgreSQL " + conn.execute(text("show server_version")).scalar().split()[0]


# --- the server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """The app under gunicorn (sync workers) on 127.0.0.1."""

    def __init__(self, url: str, instance: Path, workers: int, log_path: Path):
        self.port = free_port()
        env = dict(os.environ, DATABASE_URL=url, INSTANCE_PATH=str(instance), SECRET_KEY="bench-secret",
                   PYTHONPATH=str(ROOT), SCHEDULER_IN_WEB="false")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [str(gunicorn), "--workers", str(workers), "--worker-class", "sync", "--bind", f"{HOST}:{self.port}",
             "--timeout", "300", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {log_path}")
            try:
                status, _ = Client(self.port).request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


class Client:
    """HTTP to the local server; reconnects when the server closed the connection (sync workers do)."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 30):
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = http.client.HTTPConnection(HOST, port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, ConnectionError):
            self.conn.close()  # the server closed the keep-alive connection: reconnect once
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        return response.status, response.read()

    def json(self, method: str, path: str, payload=None):
        body = None if payload is None else json.dumps(payload).encode()
        status, data = self.request(method, path, body, {"Content-Type": "application/json"} if body else None)
        return status, (json.loads(data) if data else None)


def login(port: int, email: str) -> str:
    status, body = Client(port).json("POST", "/api/v1/auth/token", {"email": email, "password": PASSWORD})
    if status != 201:
        raise RuntimeError(f"login as {email} failed: {status} {body}")
    return body["token"]


# --- measurements ---------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": round(percentile(ms, 0.50), 1), "p95_ms": round(percentile(ms, 0.95), 1),
            "max_ms": round(max(ms), 1), "mean_ms": round(statistics.fmean(ms), 1)}


def measure_search(port: int, token: str, repeat: int, log) -> dict:
    client = Client(port, token)
    paths = [(label, "/api/v1/instruments?" + urlencode(params)) for label, params in QUERIES]
    hits = {}
    for label, path in paths:  # warm-up round: connections, caches, prepared plans; not counted
        status, body = client.request("GET", path)
        if status != 200:
            raise RuntimeError(f"{label}: HTTP {status}: {body[:300]!r}")
        hits[label] = json.loads(body)["total"]
    timings: dict[str, list[float]] = {label: [] for label, _ in paths}
    for round_no in range(repeat):
        for label, path in paths:
            started = time.perf_counter()
            status, body = client.request("GET", path)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                raise RuntimeError(f"{label}: HTTP {status}")
            timings[label].append(elapsed)
        if (round_no + 1) % 10 == 0:
            log(f"    round {round_no + 1}/{repeat}")
    result = {label: {"hits": hits[label], **summary(ms)} for label, ms in timings.items()}
    result["overall"] = {"hits": None, **summary([t for ms in timings.values() for t in ms])}
    return result


IMPORT_HEADER = ["所在单位仪器编号", "仪器名称", "英文名称", "规格型号", "生产制造商", "产地国别", "原值（元）", "购置日期",
                 "启用日期", "分类编码", "主要技术指标", "主要功能", "服务内容", "安放地址", "联系人", "联系电话", "电子邮箱"]


def import_workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    data = generate_rows(rows, [(0, "沈阳", 1)], seed=SEED + 1, prefix="NEU-IMP-")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("仪器清单")
    sheet.append(IMPORT_HEADER)
    for r in data:
        sheet.append([r["inner_id"], r["name"], r["name_en"], r["model"], r["manufacturer"], r["country"],
                      float(r["price_cny"]), r["purchase_date"], r["commission_date"], r["category_code"], r["specs"],
                      r["functions"], r["service_content"], r["location"], r["contact_name"], r["contact_phone"],
                      "yq.neu@demo.example"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def multipart(field: str, filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def measure_import(port: int, rows: int, log) -> dict:
    client = Client(port, login(port, MANAGER), timeout=600)
    status, body = client.request("POST", "/api/v1/instruments/import", b"", {"Content-Type": "application/json"})
    if status in (404, 405):
        log("    POST /api/v1/instruments/import is not there (HTTP %d): import measurement skipped" % status)
        return {"skipped": f"endpoint answered HTTP {status}"}
    started = time.perf_counter()
    workbook = import_workbook(rows)
    built = time.perf_counter() - started
    body, content_type = multipart("file", "仪器清单.xlsx", workbook,
                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    result = {"rows": rows, "file_bytes": len(workbook), "build_s": round(built, 2)}
    for step in ("create", "update"):
        started = time.perf_counter()
        status, answer = client.request("POST", "/api/v1/instruments/import", body, {"Content-Type": content_type})
        elapsed = time.perf_counter() - started
        if status != 200:
            log(f"    import ({step}) answered HTTP {status}: {answer[:300]!r}")
            result[step] = {"status": status, "seconds": round(elapsed, 2)}
            continue
        counts = json.loads(answer)
        result[step] = {"status": status, "seconds": round(elapsed, 2), "rows_per_s": round(rows / elapsed),
                        "created": counts["created"], "updated": counts["updated"], "errors": len(counts["errors"])}
        if counts["errors"]:
            log(f"    import ({step}) errors, first ones: {counts['errors'][:3]}")
        log(f"    import ({step}): {elapsed:.1f} s, created {counts['created']}, updated {counts['updated']}")
    return result


# --- query plans (--explain) ----------------------------------------------------------------------

def explain(app, log) -> dict:
    """In-process SQL timings of the two statements behind each query (count and page), plus plans."""
    from types import SimpleNamespace

    from sqlalchemy import func, select

    from instruments import services
    from instruments.schemas import InstrumentListQuery
    from sharing.accounts.models import User
    from sharing.extensions import db

    out = {}
    with app.app_context():
        me = db.session.scalar(select(User).where(User.email == RESEARCHER))
        actor = SimpleNamespace(unit_id=me.unit_id)
        dialect = db.engine.dialect
        for label, params in QUERIES:
            filters = InstrumentListQuery().load(params)
            query = services.catalogue_query(actor, filters)
            page = filters.get("page", 1)
            statements = {
                "count": select(func.count()).select_from(query.order_by(None).subquery()),
                "page": query.limit(50).offset((page - 1) * 50),
            }
            out[label] = {}
            for part, stmt in statements.items():
                sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
                # exec_driver_sql: the driver un-escapes psycopg's "%%" itself, and no bind parsing
                with db.engine.connect() as conn:
                    times = []
                    for _ in range(5):
                        started = time.perf_counter()
                        conn.exec_driver_sql(sql).fetchall()
                        times.append((time.perf_counter() - started) * 1000)
                    if dialect.name == "sqlite":
                        plan = [r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
                    else:
                        plan = [r[0] for r in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql)]
                out[label][part] = {"median_ms": round(statistics.median(times), 2), "plan": plan}
            log(f"  {label}: count {out[label]['count']['median_ms']} ms, page {out[label]['page']['median_ms']} ms")
        db.session.remove()
        db.engine.dispose()
    return out


# --- one backend ----------------------------------------------------------------------------------

def run_backend(backend: str, args, log) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"catalogue-bench-{backend}-"))
    result: dict = {"backend": backend}
    database = Database(backend, workdir, args.postgres_url, f"bench_catalogue_{uuid.uuid4().hex[:10]}")
    server = None
    try:
        log(f"[{backend}] migrating a fresh database")
        app = build_app(database.url, workdir / "instance")
        migrate(app)
        result["database"] = versions(app)
        log(f"[{backend}] loading the demo province and {args.instruments:,} instruments")
        result["load"] = populate(app, args.instruments, log)
        log(f"[{backend}] loaded: {result['load']}")
        if args.explain:
            log(f"[{backend}] in-process SQL timings")
            result["explain"] = explain(app, log)
        server = Server(database.url, workdir / "instance", args.workers, workdir / "gunicorn.log")
        log(f"[{backend}] gunicorn ({args.workers} sync workers) on {HOST}:{server.port}; searching")
        token = login(server.port, RESEARCHER)
        load_before = os.getloadavg()
        result["search"] = measure_search(server.port, token, args.repeat, log)
        result["loadavg"] = {"before": [round(x, 2) for x in load_before],
                             "after": [round(x, 2) for x in os.getloadavg()]}
        if args.import_rows:
            log(f"[{backend}] importing {args.import_rows:,} rows")
            result["import"] = measure_import(server.port, args.import_rows, log)
    finally:
        if server is not None:
            server.stop()
        database.drop()  # the app's engines were disposed after each use
        if args.keep:
            log(f"[{backend}] kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return result


# --- report ---------------------------------------------------------------------------------------

def markdown(results: list[dict], args) -> str:
    lines = []
    backends = [r["backend"] for r in results]
    head = "| query | " + " | ".join(f"{b} hits | {b} p50 | {b} p95 | {b} max" for b in backends) + " |"
    lines += [head, "|" + " --- |" + " ---: |" * (4 * len(backends))]
    for label, _ in [*QUERIES, ("overall", None)]:
        cells = []
        for r in results:
            s = r["search"][label]
            hits = "" if s["hits"] is None else f"{s['hits']:,}"
            flag = " ⚠" if s["p95_ms"] > 100 else ""
            cells.append(f"{hits} | {s['p50_ms']:.0f} | {s['p95_ms']:.0f}{flag} | {s['max_ms']:.0f}")
        name = f"**{label}**" if label == "overall" else f"`{label}`"
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Milliseconds per request, client side (HTTP over loopback, JSON of 50 items), "
                 f"{args.repeat} runs per query; ⚠ = p95 above the 100 ms target.")
    imports = [(r["backend"], r.get("import")) for r in results if r.get("import")]
    if imports:
        lines += ["", "| import of %s rows (.xlsx) | file | create | update |" % f"{args.import_rows:,}",
                  "| --- | ---: | ---: | ---: |"]
        for backend, imp in imports:
            if "skipped" in imp:
                lines.append(f"| {backend} | – | skipped ({imp['skipped']}) | |")
                continue
            cells = []
            for step in ("create", "update"):
                s = imp.get(step, {})
                if s.get("status") == 200:
                    cells.append(f"{s['seconds']:.1f} s ({s['rows_per_s']:,} rows/s, {s['errors']} errors)")
                else:
                    cells.append(f"HTTP {s.get('status')} after {s.get('seconds')} s")
            lines.append(f"| {backend} | {imp['file_bytes'] / 1e6:.1f} MB | " + " | ".join(cells) + " |")
    lines.append("")
    for r in results:
        load = r["load"]
        loadavg = r.get("loadavg", {})
        lines.append(f"- {r['backend']} ({r['database']}): {load['instruments']:,} instruments in {load['units']} units; "
                     f"bulk insert {load['insert_s']} s, {load['analyze']} {load['analyze_s']} s; "
                     f"1-min load average before/after the searches {loadavg.get('before', ['?'])[0]}"
                     f"/{loadavg.get('after', ['?'])[0]}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--instruments", type=int, default=100_000, help="synthetic instruments to add (default 100,000)")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs of each query (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2–4; default 2)")
    parser.add_argument("--import-rows", type=int, default=10_000, help="rows of the import file; 0 skips the import")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES,
                        help="server where a throw-away database is created (default %(default)s)")
    parser.add_argument("--explain", action="store_true", help="also time the SQL in-process and keep query plans")
    parser.add_argument("--json", metavar="FILE", help="write all results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (SQLite file, gunicorn log)")
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 8 or args.repeat < 1 or args.instruments < 0:
        parser.error("--workers 1–8, --repeat ≥ 1, --instruments ≥ 0")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    import logging

    logging.disable(logging.INFO)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    started = datetime.now(timezone.utc)
    results = [run_backend(b, args, log) for b in backends]
    report = markdown(results, args)
    print(report)
    if args.json:
        meta = {"started": started.isoformat(timespec="seconds"), "command": " ".join(sys.argv),
                "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
                "args": vars(args)}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=1,
                                              default=str), encoding="utf-8")
        log(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
