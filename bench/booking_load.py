"""Load generation and accounting for ``booking_bench.py``: a closed-loop threaded HTTP client.

Each of ``clients`` threads keeps one ``http.client`` connection (keep-alive; it reconnects by
itself when the server closes it, as gunicorn's sync workers do after every response) and takes
the next pre-built request from a shared list until the list is exhausted: a fixed workload, so
the full endpoint and the baseline answer exactly the same requests. Bodies are built before
the clock starts; per request the client only sends bytes, reads the answer and, for a 409,
parses the JSON to tell a rule-check refusal from a lost race caught by the database.

The client is one Python process; its CPU time is measured (``process_time``) and reported
with the server's (gunicorn master + workers, from /proc) and the whole machine's busy time,
because on a 2-core machine client, app and database share the same two cores.
"""
from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

HOST = "127.0.0.1"
HALF_HOUR = timedelta(minutes=30)


@dataclass(frozen=True)
class Request:
    token: str
    body: bytes


def build_requests(n: int, instrument_ids: list[int], tokens: list[str], day0: datetime, days: range,
                   seed: int) -> list[Request]:
    """``n`` bookings on random instruments, days, 30-minute grid starts, 1–4 hours long."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        start = day0 + timedelta(days=rng.choice(days)) + rng.randrange(48) * HALF_HOUR
        end = start + rng.randrange(2, 9) * HALF_HOUR
        body = {"instrument_id": rng.choice(instrument_ids), "start": start.isoformat(), "end": end.isoformat(),
                "mode": "self", "purpose": "contention benchmark"}
        out.append(Request(rng.choice(tokens), json.dumps(body).encode()))
    return out


def classify(status: int, body: bytes) -> str:
    """'201', '409 check' (refused by the rule checks), '409 guard' (race lost at the database), or other."""
    if status == 201:
        return "201"
    if status == 409:
        try:
            error = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            return "409 ?"
        if error.get("code") != "booking_conflict":
            return f"409 {error.get('code')}"
        # The full endpoint lists every broken rule in "problems" when its checks refuse; a conflict
        # caught by the database's guard has none. The baseline says which step refused in "by".
        if "problems" in error or error.get("by") == "check":
            return "409 check"
        return "409 guard"
    return str(status)


@dataclass
class Outcome:
    latencies_ms: list[float]
    kinds: list[str]
    wall_s: float
    client_cpu_s: float
    samples: dict[str, str]  # one body per unexpected kind


def run_load(port: int, path: str, requests: list[Request], clients: int, timeout: float = 60) -> Outcome:
    """Send every request once, ``clients`` at a time, as fast as the server answers."""
    counter = itertools.count()  # next() on it is atomic under the GIL
    barrier = threading.Barrier(clients + 1)
    per_thread: list[list[tuple[float, str]]] = [[] for _ in range(clients)]
    samples: dict[str, str] = {}

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        out = per_thread[slot]
        barrier.wait()
        while True:
            index = next(counter)
            if index >= len(requests):
                break
            request = requests[index]
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {request.token}"}
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=request.body, headers=headers)
                response = conn.getresponse()
                body = response.read()
                kind = classify(response.status, body)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                kind, body = "error", f"{type(exc).__name__}: {exc}".encode()
            out.append(((time.perf_counter() - started) * 1000, kind))
            if kind not in ("201", "409 check", "409 guard") and kind not in samples:
                samples[kind] = body[:500].decode(errors="replace")
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    cpu0 = time.process_time()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    flat = [item for out in per_thread for item in out]
    return Outcome([ms for ms, _ in flat], [kind for _, kind in flat], wall, cpu, samples)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# --- CPU accounting from /proc ------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def machine_times() -> tuple[float, float]:
    """(busy, total) seconds of all CPUs since boot."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])
    return (total - idle) / TICK, total / TICK


def _proc_stat(pid: int) -> tuple[str, list[str]] | None:
    """(comm, fields after "pid (comm)"; index 0 is the state, 1 the parent pid)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            raw = fh.read()
    except OSError:
        return None
    return raw[raw.find("(") + 1:raw.rfind(")")], raw[raw.rfind(")") + 2:].split()


def _processes():
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _proc_stat(int(entry))
            if found is not None:
                yield int(entry), found[0], found[1]


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_by_process(server_pid: int, client_pid: int, pg_database: str | None) -> dict[int, tuple[str, float]]:
    """pid -> (role, utime + stime seconds) for the server (gunicorn master and workers), the client
    and the PostgreSQL backends connected to the benchmark's database."""
    out = {}
    for pid, comm, stat in _processes():
        if pid == server_pid or int(stat[1]) == server_pid:
            role = "server"
        elif pid == client_pid:
            role = "client"
        elif pg_database and comm == "postgres" and f" {pg_database} " in _cmdline(pid):
            role = "postgres"
        else:
            continue
        out[pid] = (role, (int(stat[11]) + int(stat[12])) / TICK)
    return out


def child_pids(root_pid: int) -> list[int]:
    return sorted(pid for pid, _comm, stat in _processes() if int(stat[1]) == root_pid)


class CpuMeter:
    """Cores used between ``start()`` and ``stop()``: by the server, the client, PostgreSQL, and the rest.

    Per process (a process that exits meanwhile is left out, one that starts counts from zero).
    "postgres" is the backends serving the benchmark's database (not PostgreSQL's background
    writers); "others" is the machine's busy time minus those three: everything else, including
    other people's jobs on a shared machine and the kernel's share.
    """

    def __init__(self, server_pid: int, pg_database: str | None):
        self.server_pid, self.pg_database = server_pid, pg_database

    def _sample(self):
        return cpu_by_process(self.server_pid, os.getpid(), self.pg_database)

    def start(self) -> None:
        self.machine0, self.procs0 = machine_times(), self._sample()

    def stop(self, wall_s: float) -> dict:
        (busy1, total1), procs1 = machine_times(), self._sample()
        busy0, total0 = self.machine0
        used = {"server": 0.0, "client": 0.0, "postgres": 0.0}
        for pid, (role, seconds) in procs1.items():
            used[role] += seconds - self.procs0.get(pid, (role, 0.0))[1]
        used = {k: v / wall_s for k, v in used.items()}
        busy_cores = (busy1 - busy0) / wall_s
        return {"machine_busy_pct": round(100 * (busy1 - busy0) / max(total1 - total0, 1e-9), 1),
                "server_cores": round(used["server"], 2), "client_cores_proc": round(used["client"], 2),
                "postgres_cores": round(used["postgres"], 2),
                "other_cores": round(max(busy_cores - sum(used.values()), 0.0), 2)}
