#!/usr/bin/env python
"""Where the workers' time goes: a summary of py-spy "raw" profiles (collapsed stacks).

``booking_bench.py --profile DIR`` writes one file per measured run; this prints, per file, the
share of the gunicorn workers' in-request samples spent inside each part of a booking request,
and the functions that use the most time themselves. py-spy leaves out workers idling in
``accept``; a worker waiting for the database's answer inside a request is sampled (as
psycopg's ``Connection.wait`` or inside ``sqlite3``), so shares are of the time requests take in
the worker, not of CPU alone.

    .venv/bin/python bench/profile_summary.py DIR/postgresql-spread-full-0.txt [more files]
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

# (label, pattern(s) of a frame "function (path:line)", indent). A sample counts for a part when
# one of its frames matches (with a list: when every pattern matches some frame); every share is
# of the whole, indentation only shows what lies inside what.
PARTS = [
    ("whole request (Flask.wsgi_app)", r"^Flask\.wsgi_app ", 0),
    ("before_request: resolve_caller (bearer token → user)", r"^resolve_caller \(sharing/auth", 1),
    ("view + response (flask-smorest wrapper)", r"\.wrapper \(flask_smorest/response", 1),
    ("services.create_booking", r"^create_booking \(bookings/services", 2),
    ("BookingInput validate + load (marshmallow)", r"^Schema\.(validate|load) \(marshmallow", 3),
    ("checks.active_suspension (all calls)", r"^active_suspension \(bookings/checks", 3),
    ("session.get(Instrument)", r"^scoped_session\.get \(", 3),
    ("dbtx.begin_write", r"^begin_write \(sharing/dbtx", 3),
    ("checks.booking_problems", r"^booking_problems \(bookings/checks", 3),
    ("checks.conflicts", r"^conflicts \(bookings/checks", 4),
    ("rules.merged_rules (deepcopy)", r"^merged_rules \(bookings/rules", 4),
    ("calendar.is_open_throughout", r"^is_open_throughout \(bookings/calendar", 4),
    ("session.flush (INSERT booking)", r"^scoped_session\.flush \(", 3),
    ("audit._write (audit row)", r"^_write \(sharing/audit", 4),
    ("audit._collect", r"^_collect \(sharing/audit", 4),
    ("people.tell_user / tell_managers (notification)", r"^tell_(user|managers) \(bookings/people", 3),
    ("session.commit (flushes the notification)", r"^(scoped_session|Session)\.commit \(", 3),
    ("baseline_booking (bench/baseline_wsgi.py)", r"^baseline_booking \(", 2),
    ("response: BookingSchema dump", r"^Schema\.dump \(marshmallow", 2),
    ("SQL inside it (reload of the booking expired by the commit)", [r"^Schema\.dump \(marshmallow",
                                                                     r"\(sqlalchemy/engine/"], 3),
    ("all SQLAlchemy + driver (anywhere)", r"\((sqlalchemy|psycopg|sqlite3)/", 1),
    ("  of which psycopg / sqlite3 driver", r"\((psycopg|sqlite3)/", 1),
    ("logging", r"\(logging/", 1),
    ("gunicorn outside the app (accept, parse, write)", None, 0),
]


def read(path: Path) -> Counter:
    """stack (tuple of frames, root first) -> samples, for worker processes only."""
    stacks: Counter = Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [f for f in stack.split(";") if not f.startswith(("process ", "thread "))]
        if not any("handle_request (gunicorn/workers" in f for f in frames) and \
                not any("Flask.wsgi_app" in f for f in frames):
            continue  # the master process, or a worker idling in accept/select
        stacks[tuple(frames)] += int(count)
    return stacks


def summarise(path: Path, top: int) -> str:
    stacks = read(path)
    total = sum(stacks.values())
    if not total:
        return f"{path}: no worker samples"
    lines = [f"## {path.name}: {total} in-request samples", "", "| part | share |",
             "| --- | ---: |"]
    in_app = sum(n for s, n in stacks.items() if any(f.startswith("Flask.wsgi_app ") for f in s))
    for label, pattern, indent in PARTS:
        if pattern is None:
            share = total - in_app
        else:
            regexes = [re.compile(p) for p in ([pattern] if isinstance(pattern, str) else pattern)]
            share = sum(n for s, n in stacks.items() if all(any(r.search(f) for f in s) for r in regexes))
        lines.append(f"| {'&nbsp;' * 4 * indent}{label} | {100 * share / total:.1f} % |")
    own: Counter = Counter()
    for s, n in stacks.items():
        own[re.sub(r":\d+\)$", ")", s[-1])] += n
    lines += ["", f"Top {top} functions by own time:", ""]
    lines += [f"- {100 * n / total:5.1f} %  {frame}" for frame, n in own.most_common(top)]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    for path in args.files:
        print(summarise(path, args.top), end="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
