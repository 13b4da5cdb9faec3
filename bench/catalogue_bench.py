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
import csv
import http.client
import io
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
SEED = 424242
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
EXTRA_UNITS = [
    ("沈阳工业大学", "沈工大", "university", "沈阳"), ("沈阳化工大学", "沈化大", "university", "沈阳"),
    ("沈阳建筑大学", "沈建大", "university", "沈阳"), ("沈阳药科大学", "沈药", "university", "沈阳"),
    ("沈阳农业大学", "沈农", "university", "沈阳"), ("沈阳航空航天大学", "沈航", "university", "沈阳"),
    ("沈阳理工大学", "沈理工", "university", "沈阳"), ("沈阳师范大学", "沈师", "university", "沈阳"),
    ("辽宁中医药大学", "辽中医", "university", "沈阳"), ("辽宁工程技术大学", "辽工大", "university", "阜新"),
    ("辽宁石油化工大学", "辽石化", "university", "抚顺"), ("辽宁科技大学", "辽科大", "university", "鞍山"),
    ("大连海事大学", "海事大", "university", "大连"), ("大连医科大学", "大医", "university", "大连"),
    ("大连工业大学", "大工大", "university", "大连"), ("大连交通大学", "大交", "university", "大连"),
    ("大连海洋大学", "海洋大", "university", "大连"), ("辽宁师范大学", "辽师", "university", "大连"),
    ("渤海大学", "渤大", "university", "锦州"), ("辽宁工业大学", "辽工", "university", "锦州"),
    ("辽宁科技学院", "辽科院", "university", "本溪"), ("辽东学院", "辽东", "university", "丹东"),
    ("营口理工学院", "营理工", "university", "营口"), ("中国科学院沈阳应用生态研究所", "生态所", "institute", "沈阳"),
    ("中国科学院沈阳自动化研究所", "自动化所", "institute", "沈阳"),
    ("辽宁省农业科学院", "农科院", "institute", "沈阳"), ("辽宁省环境科学研究院", "环科院", "institute", "沈阳"),
    ("辽宁省食品检验检测院", "食检院", "institute", "沈阳"), ("盘锦市检验检测中心", "盘锦检测", "institute", "盘锦"),
    ("抚顺石化研究院", "抚研院", "enterprise", "抚顺"), ("本钢技术中心", "本钢", "enterprise", "本溪"),
    ("丹东百特仪器有限公司", "百特", "enterprise", "丹东"), ("沈阳鼓风机集团股份有限公司", "沈鼓", "enterprise", "沈阳"),
    ("中国医科大学附属盛京医院", "盛京医院", "hospital", "沈阳"), ("大连医科大学附属第一医院", "大医一院", "hospital", "大连"),
    ("辽宁省肿瘤医院", "肿瘤医院", "hospital", "沈阳"),
]

# Generic instruments (the long tail of a real catalogue): (Chinese, English) parts combined at random.
ADJ = [("全自动", "Automatic"), ("高温", "High Temperature"), ("低温", "Cryogenic"), ("多通道", "Multi-channel"),
       ("高精度", "High Precision"), ("智能", "Intelligent"), ("便携式", "Portable"), ("在线", "Online"),
       ("真空", "Vacuum"), ("高速", "High Speed"), ("数字式", "Digital"), ("微机控制", "Computer-controlled"),
       ("恒温", "Thermostatic"), ("超声", "Ultrasonic"), ("多功能", "Multi-function"), ("大型", "Large"),
       ("高压", "High Pressure"), ("快速", "Rapid"), ("原位", "In-situ"), ("综合", "Integrated")]
OBJ = [("摩擦磨损", "Friction and Wear"), ("数据采集", "Data Acquisition"), ("腐蚀", "Corrosion"), ("蠕变", "Creep"),
       ("电导率", "Conductivity"), ("气体", "Gas"), ("颗粒", "Particle"), ("噪声", "Noise"), ("水质", "Water Quality"),
       ("土壤", "Soil"), ("细胞", "Cell"), ("组织", "Tissue"), ("核酸", "Nucleic Acid"), ("晶体", "Crystal"),
       ("薄膜", "Thin Film"), ("粉体", "Powder"), ("等离子体", "Plasma"), ("磁性", "Magnetic"), ("介电", "Dielectric"),
       ("应力", "Stress"), ("光学", "Optical"), ("燃烧", "Combustion"), ("风洞", "Wind Tunnel"), ("电池", "Battery"),
       ("焊接", "Welding"), ("涂层", "Coating"), ("流量", "Flow"), ("扭矩", "Torque"), ("转子动力学", "Rotor Dynamics")]
DEV = [("试验机", "Testing Machine"), ("测试系统", "Test System"), ("分析仪", "Analyzer"), ("检测仪", "Detector"),
       ("测量仪", "Meter"), ("工作站", "Workstation"), ("试验台", "Test Bench"), ("监测系统", "Monitoring System"),
       ("成像系统", "Imaging System"), ("控制系统", "Control System"), ("反应器", "Reactor"), ("培养箱", "Incubator"),
       ("制备系统", "Preparation System"), ("加工中心", "Machining Center"), ("模拟装置", "Simulator")]
SYLLABLES = "华科达创仪精测泰恒远海博信诺瑞安宇航晟迈正天光中辽沈新北盛"
COMPANY = ["仪器有限公司", "科技有限公司", "检测设备有限公司", "试验机有限公司", "光电科技股份有限公司", "自动化设备有限公司"]
SPEC_PARAMS = ["测量范围", "分辨率", "精度", "最大载荷", "温度范围", "功率", "频率范围", "灵敏度", "重复性", "采样率",
               "工作压力", "扫描速度", "通道数", "检出限"]
SPEC_UNITS = ["nm", "μm", "mm", "kN", "℃", "kW", "Hz", "MHz", "ppm", "%", "MPa", "mL/min", "个", "ng/mL"]
FILLER_EN = ["sample", "analysis", "module", "stage", "detector", "option", "upgrade", "kit", "probe", "chamber"]
NAME_PREFIX = ["", "", "", "", "", "全自动", "高分辨", "多功能", "科研型", "新型"]
NAME_SUFFIX = ["", "", "", "", "", "系统", "（配能谱）", "（共享）", "（二期）", "及附件", "工作站"]
MODEL_SUFFIX = ["", "", "", "", " Plus", "-II", " Pro", " (含原位附件)", " 升级版", "-HT"]


# --- data -----------------------------------------------------------------------------------------

def _leaves() -> list[str]:
    with open(ROOT / "instruments" / "data" / "categories.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    parents = {r["parent_code"] for r in rows}
    return [r["code"] for r in rows if r["code"] not in parents]


def _spec_text(rng: random.Random, count: int) -> str:
    parts = []
    for _ in range(count):
        value = rng.choice((f"{rng.randint(1, 999)}", f"{rng.uniform(0.01, 99):.2f}", f"{rng.randint(1, 50)}–{rng.randint(60, 5000)}"))
        parts.append(f"{rng.choice(SPEC_PARAMS)} {value} {rng.choice(SPEC_UNITS)}")
    return "；".join(parts)


def _company(rng: random.Random, city: str) -> str:
    return city + "".join(rng.sample(SYLLABLES, 2)) + rng.choice(COMPANY)


def generate_rows(n: int, units: list[tuple[int, str, str]], seed: int = SEED, prefix: str = "B") -> list[dict]:
    """``n`` instrument rows for Core insert: 70 % from the demo catalogue's kinds, 30 % generic."""
    from bookings.rules import merged_rules
    from instruments.demo import KINDS, MAKERS
    from instruments.search import bigrams_of, search_text_of

    rng = random.Random(seed)
    leaves = _leaves()
    general_leaves = [c for c in leaves if c.startswith(("01", "02", "03", "04", "11", "12"))]
    rules_default = merged_rules(None, None)
    rules_variants = [rules_default] + [merged_rules(None, k.rules) for k in KINDS if k.rules][:20]
    now = datetime.now(timezone.utc)
    latest = date.today() - timedelta(days=1)
    weights = [w for _, _, w in units]
    rows = []
    for i in range(n):
        unit_id, city, _ = rng.choices(units, weights=weights)[0]
        if rng.random() < 0.7:
            kind = rng.choice(KINDS)
            model = rng.choice(kind.models)
            names = model.names or kind.names
            name = rng.choice(NAME_PREFIX) + rng.choice(names) + rng.choice(NAME_SUFFIX)
            if kind.abbr and rng.random() < 0.3:
                name += f"（{kind.abbr}）"
            name_en = kind.name_en if rng.random() < 0.9 else None
            maker_names, countries = MAKERS[model.maker]
            manufacturer, country = rng.choice(maker_names), rng.choice(countries)
            model_text = model.model + rng.choice(MODEL_SUFFIX)
            lo, hi = model.price_wan
            price = rng.uniform(lo, hi) * rng.uniform(0.85, 1.15) * 10_000
            specs = model.specs or ""
            if rng.random() < 0.5:
                specs = (specs + "；" + _spec_text(rng, rng.randint(1, 3))).strip("；")
            code = kind.code
            functions, service = kind.functions or None, kind.service or None
            y0, y1 = model.years
            rules = merged_rules(None, kind.rules)
        else:
            adj, obj, dev = rng.choice(ADJ), rng.choice(OBJ), rng.choice(DEV)
            name = adj[0] + obj[0] + dev[0]
            name_en = f"{adj[1]} {obj[1]} {dev[1]}" if rng.random() < 0.85 else None
            if rng.random() < 0.4:
                manufacturer, country = _company(rng, rng.choice(("沈阳", "大连", "北京", "上海", "深圳", "长春", "济南"))), "中国"
            else:
                maker_names, countries = MAKERS[rng.choice(list(MAKERS))]
                manufacturer, country = rng.choice(maker_names), rng.choice(countries)
            model_text = (rng.choice("ABCDEFGHJKLMNPRSTWXYZ") + rng.choice("ABCDEFGHJKLMNPRSTWXYZ")
                          + f"-{rng.randint(100, 9999)}" + rng.choice(("", "", "A", "B", "E", "H", "S")))
            price = min(5e7, rng.lognormvariate(13.6, 0.8))  # median ≈ 800,000 元
            specs = _spec_text(rng, rng.randint(2, 5)) + " " + " ".join(rng.sample(FILLER_EN, 2))
            code = rng.choice(general_leaves if rng.random() < 0.8 else leaves)
            functions = f"{obj[0]}相关{rng.choice(('测试', '分析', '检测', '表征', '实验'))}"
            service = rng.choice(("委托测试", "自主上机", "委托测试与自主上机", None))
            y0, y1 = 2005, 2025
            rules = rng.choice(rules_variants)
        year = rng.randint(y0, min(y1, latest.year))
        purchase = min(date(year, rng.randint(1, 12), rng.randint(1, 28)), latest - timedelta(days=200))
        commission = min(purchase + timedelta(days=rng.randint(10, 400)), latest)
        status = rng.choices(("normal", "faulty", "under_repair", "retired"), weights=(90, 4, 3, 3))[0]
        share = rng.choices(("external", "internal", "none"), weights=(78, 17, 5))[0]
        fee = Decimal(rng.randint(5, 80) * 10)
        row = {
            "unit_id": unit_id,
            "inner_id": f"{prefix}{i:07d}",
            "name": name[:100],
            "name_en": name_en,
            "model": model_text[:100],
            "manufacturer": manufacturer,
            "country": country,
            "category_code": code,
            "price_cny": Decimal(f"{price:.2f}"),
            "purchase_date": purchase,
            "commission_date": commission,
            "register_date": commission,
            "instrument_type": "special" if rng.random() < 0.08 else "general",
            "source": "purchase",
            "customs_supervised": False,
            "funding_source": rng.choice(("central", "local", "own")),
            "specs": specs[:500] or None,
            "functions": functions,
            "service_content": service,
            "location": f"{city} {rng.randint(1, 12)}号楼 {rng.randint(1, 6)}{rng.randint(1, 30):02d}室",
            "city": city,
            "contact_name": rng.choice(("王老师", "李工", "张老师", "刘工", "陈老师", "杨工", "赵老师")),
            "contact_phone": f"024-2{rng.randint(0, 9_999_999):07d}",
            "status": status,
            "typical_state": "normal",
            "share_mode": share,
            "fee_internal": fee,
            "fee_external": fee * 2 if share == "external" else None,
            "booking_rules": rules,
            "created_at": now,
            "updated_at": now,
        }
        row["search_text"] = search_text_of(row)
        row["search_bigrams"] = bigrams_of(row["search_text"])
        rows.append(row)
    return rows


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


# --- databases ------------------------------------------------------------------------------------

class Database:
    """A fresh database of one backend, removed by ``drop()``."""

    def __init__(self, backend: str, workdir: Path, postgres_url: str):
        self.backend = backend
        self._drop = lambda: None
        if backend == "sqlite":
            self.url = f"sqlite:///{workdir / 'bench.sqlite3'}"
            return
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        from sharing.config import normalise_database_url

        base = make_url(normalise_database_url(postgres_url))
        name = f"bench_catalogue_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))

        def drop():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        self._drop = drop
        self.url = base.set(database=name).render_as_string(hide_password=False)

    def drop(self) -> None:
        self._drop()


def build_app(url: str, instance: Path):
    os.environ["INSTANCE_PATH"] = str(instance)
    from sharing import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret"})


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
    database = Database(backend, workdir, args.postgres_url)
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
