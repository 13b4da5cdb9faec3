"""Scheduled jobs (APScheduler), run exactly once per time slot across every process and host.

Each job declares an interval. Before running, a process claims the slot
(job name + slot number) by inserting a row into ``job_runs``; the primary
key lets only one claim succeed, so two schedulers on one database never run
the same slot twice. Jobs are plain functions of the app context.
"""
from __future__ import annotations

import logging
import signal
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import Boolean, String, Text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from sharing.extensions import db
from sharing.timeutil import UTCDateTime, utcnow

log = logging.getLogger("sharing.scheduler")


class JobRun(db.Model):
    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(100), primary_key=True)
    slot: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ok: Mapped[bool | None] = mapped_column(Boolean)
    message: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], object]
    every_seconds: int


JOBS: list[Job] = []


def job(name: str, every_seconds: int):
    """Register a function as a scheduled job."""

    def register(func):
        JOBS.append(Job(name, func, every_seconds))
        return func

    return register


def claim_slot(job_name: str, slot: int) -> bool:
    db.session.add(JobRun(job=job_name, slot=slot))
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def run_job_once(app, item: Job, now: datetime | None = None) -> bool:
    """Run ``item`` for the current slot unless another process already has; True if it ran here."""
    with app.app_context():
        slot = int((now or utcnow()).timestamp()) // item.every_seconds
        if not claim_slot(item.name, slot):
            log.info("job %s slot %s already taken by another scheduler", item.name, slot)
            return False
        run = db.session.get(JobRun, (item.name, slot))
        try:
            result = item.func()
            run.ok, run.message = True, None if result is None else str(result)[:1000]
            log.info("job %s ran: %s", item.name, result)
        except Exception as exc:  # a failing job is logged and recorded, the scheduler goes on
            db.session.rollback()
            run = db.session.get(JobRun, (item.name, slot))
            run.ok, run.message = False, repr(exc)[:1000]
            log.exception("job %s failed", item.name)
        run.finished_at = utcnow()
        db.session.commit()
        return True


def load_jobs() -> list[Job]:
    """Import the modules that register jobs."""
    import bookings.jobs  # noqa: F401
    import sharing.jobs  # noqa: F401

    return JOBS


def _configure(scheduler, app) -> None:
    for item in load_jobs():
        scheduler.add_job(run_job_once, "interval", seconds=item.every_seconds, args=[app, item],
                          id=item.name, coalesce=True, max_instances=1, next_run_time=datetime.now(timezone.utc))


def run_forever(app) -> None:
    """``flask scheduler``: run the jobs in the foreground until Ctrl-C or SIGTERM."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone=app.config["PLATFORM_TIMEZONE"])
    _configure(scheduler, app)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("scheduler started with jobs: %s", ", ".join(j.name for j in JOBS) or "none")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        log.info("scheduler stopped")


def maybe_start_in_web(app) -> None:
    """With SCHEDULER_IN_WEB set, each web process also runs the jobs (slots keep them single)."""
    if not app.config.get("SCHEDULER_IN_WEB") or app.config.get("TESTING"):
        return
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone=app.config["PLATFORM_TIMEZONE"], daemon=True)
    _configure(scheduler, app)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
