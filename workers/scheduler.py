"""`mitra scheduler` and `mitra jobs`: the jobs of `workers.jobs`, run by exactly one
APScheduler 3.x BlockingScheduler process.

Jobs live in a MemoryJobStore (nothing pickled: the job list in code is the truth), with
explicit zones on every trigger, coalescing, one instance at a time and an hour of misfire
grace. Run only one scheduler; if a second is started by mistake, or a restart fires a slot
again, each run's claim on `(job, slot)` makes it skip what another has done.

`serve` takes the clock it runs on: the system's, unless a caller passes another (the
tests' accelerated one, tests/support/fast_scheduler.py).
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta
from typing import Protocol

import click
from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from events.types import utcnow
from mitra.extensions import db
from mitra.models import JobRun
from workers import jobs as job_list
from workers.jobs import BY_ID, JOBS, UTC_ZONE, WIB, Job

log = logging.getLogger("mitra.scheduler")

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}


class Clock(Protocol):
    """The time a scheduler process runs on."""

    def now(self) -> datetime: ...

    def attach(self, scheduler: BlockingScheduler) -> None:
        """Called once the scheduler is built, before it starts."""


class SystemClock:
    """The real time: APScheduler and the jobs read it themselves, so there is nothing to drive."""

    def now(self) -> datetime:
        return utcnow()

    def attach(self, scheduler: BlockingScheduler) -> None:
        pass


SYSTEM_CLOCK = SystemClock()


def build(app: Flask, jobs: tuple[Job, ...] = JOBS) -> BlockingScheduler:
    scheduler = BlockingScheduler(
        timezone=UTC_ZONE,
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults=JOB_DEFAULTS,
    )
    for job in jobs:
        trigger = job.trigger(app.config)
        scheduler.add_job(
            job_list.run,
            trigger,
            args=(app, job),
            kwargs={"trigger": trigger},
            id=job.id,
            name=job.id,
            replace_existing=True,
        )
    scheduler.add_listener(_missed, EVENT_JOB_MISSED)
    return scheduler


def _missed(event: JobExecutionEvent) -> None:
    # Later than the misfire grace: that slot is not run; the next one is (coalesced).
    log.warning(
        "%s: the run due at %s was missed (the scheduler was down or busy)",
        event.job_id,
        event.scheduled_run_time,
    )


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs until SIGTERM or Ctrl-C. Run ONE scheduler process: a second
    one does nothing twice (every run claims its (job, slot) first), but is of no use."""
    serve(current_app._get_current_object())  # type: ignore[attr-defined]  # current_app is a proxy, typed as the Flask app it stands for


def serve(app: Flask, clock: Clock = SYSTEM_CLOCK) -> None:
    """The scheduler process's life: build the scheduler, let the clock drive it, run until
    SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # APScheduler logs every job added and every run at INFO; job_lines and JobRun say it once.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = build(app)
    clock.attach(scheduler)

    stopping = threading.Event()

    def stop(*_args) -> None:
        stopping.set()
        if scheduler.running:
            scheduler.shutdown(wait=False)  # running jobs finish; no new one starts

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with app.app_context():
        _warn_of_another_scheduler(clock.now())
    click.echo(f"scheduler: {len(JOBS)} jobs (Ctrl-C stops)")
    for line in job_lines(app, scheduler_now=clock.now()):
        click.echo(f"  {line}")
    if not stopping.is_set():  # a SIGTERM during start-up
        scheduler.start()
    click.echo("scheduler: stopped")


def _warn_of_another_scheduler(now: datetime) -> None:
    """Harmless (claims keep it from doing anything twice) but wasteful: say so."""
    recent = db.session.scalars(
        select(JobRun.claimed_by)
        .where(JobRun.claimed_at > now - timedelta(minutes=2), JobRun.manual.is_(False))
        .distinct()
    ).all()
    db.session.rollback()
    if recent:
        click.echo(
            f"scheduler: WARNING: runs were claimed in the last 2 minutes by {', '.join(recent)}; "
            "if that scheduler still runs, stop one of the two (one is enough)",
            err=True,
        )


@click.group("jobs")
def jobs_group() -> None:
    """List the scheduled jobs, or run one now."""


def job_lines(app: Flask, scheduler_now: datetime, last_runs: dict | None = None) -> list[str]:
    lines = []
    width = max(len(job.id) for job in JOBS)
    for job in JOBS:
        upcoming = job.trigger(app.config).get_next_fire_time(None, scheduler_now)
        line = f"{job.id:<{width}}  {job.schedule:<42}  next {_wib(upcoming)}"
        if last_runs is not None:
            run = last_runs.get(job.id)
            line += f"  last {run.status} {_wib(run.slot)} by {run.claimed_by}" if run else "  last never"
        lines.append(line)
    return lines


@jobs_group.command("list")
@with_appcontext
def list_command() -> None:
    """One job a line: its id, its schedule, its next run and its last claimed run (WIB)."""
    latest = select(JobRun.job, func.max(JobRun.slot).label("slot")).group_by(JobRun.job).subquery()
    runs = db.session.scalars(
        select(JobRun).join(latest, (JobRun.job == latest.c.job) & (JobRun.slot == latest.c.slot))
    ).all()
    last = {run.job: run for run in runs}
    db.session.rollback()
    for line in job_lines(current_app, utcnow(), last):
        click.echo(line)


@jobs_group.command("run")
@click.argument("name", type=click.Choice(sorted(BY_ID)))
@click.option(
    "--at",
    "at",
    metavar="ISO-TIME",
    help="Run as the scheduled run at this instant would (e.g. 2026-11-28T01:00Z): it claims "
    "that slot, so it does nothing if the slot was run already. Default: a manual run now.",
)
@with_appcontext
def run_command(name: str, at: str | None) -> None:
    """Run one job now, claiming a slot of its own (or the slot of --at)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    when = None
    if at:
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            raise click.BadParameter(f"{at!r} is not an ISO 8601 time", param_hint="--at") from None
        if when.tzinfo is None:
            raise click.BadParameter("give the zone too, e.g. 2026-11-28T01:00Z", param_hint="--at")
    outcome = job_list.run(current_app._get_current_object(), BY_ID[name], now=when, manual=when is None)  # type: ignore[attr-defined]  # current_app is a proxy, typed as the Flask app it stands for
    click.echo(f"{name}: {outcome.status} (slot {_iso(outcome.slot)})")
    if outcome.summary:
        click.echo(outcome.summary.rstrip())
    if outcome.status == "failed":
        raise SystemExit(1)


def _wib(moment: datetime | None) -> str:
    """The schedules are written in WIB: so is every time listed beside them."""
    return "-" if moment is None else f"{moment.astimezone(WIB):%Y-%m-%d %H:%M:%S} WIB"


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(UTC_ZONE).isoformat(timespec="seconds").replace("+00:00", "Z")
