"""The scheduler: one declared job list with stable ids and explicit zones, each run claiming
(job, slot) first; the `mitra jobs` commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select

from mitra.extensions import db
from mitra.models import JobRun
from workers import jobs
from workers.jobs import BY_ID, JOBS, Job
from workers.scheduler import build, jobs_group

IDS = [
    "reminders-sweep",
    "mail-dispatch",
    "proposal-expiry",
    "lifecycle",
    "agreement-expiry",
    "partnership-status",
    "statistics-recompute",
    "prune",
]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_one_job_list_with_stable_ids_and_explicit_zones(app):
    assert [job.id for job in JOBS] == IDS
    scheduler = build(app)
    assert isinstance(scheduler, BlockingScheduler)
    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)  # nothing pickled
    assert scheduler._job_defaults == {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    assert str(scheduler.timezone) == "UTC"
    assert [job.id for job in scheduler.get_jobs()] == IDS
    for job in JOBS:
        trigger = job.trigger(app.config)
        assert isinstance(trigger.timezone, ZoneInfo), job.id
    night = {j.id: str(j.trigger(app.config).timezone) for j in JOBS if j.period == timedelta(days=1)}
    assert set(night.values()) == {"Asia/Jakarta"}


@pytest.mark.parametrize(
    "job, now, slot",
    [
        ("reminders-sweep", "2031-03-10T01:07:13+00:00", "2031-03-10T01:00:00+00:00"),
        ("reminders-sweep", "2031-03-10T01:15:00+00:00", "2031-03-10T01:15:00+00:00"),
        ("mail-dispatch", "2031-03-10T01:15:47+00:00", "2031-03-10T01:15:30+00:00"),
        # 00:30 WIB fires at 17:30 UTC; a run delayed past UTC midnight still belongs to that slot.
        ("partnership-status", "2031-03-10T00:10:00+00:00", "2031-03-09T17:30:00+00:00"),
        ("partnership-status", "2031-03-09T17:30:00+00:00", "2031-03-09T17:30:00+00:00"),
    ],
)
def test_a_run_belongs_to_the_latest_fire_time_of_its_trigger(app, job, now, slot):
    assert BY_ID[job].slot_for(at(now), BY_ID[job].trigger(app.config)) == at(slot)


def _counting_job(calls: list, fail: bool = False) -> Job:
    def run(session, now):
        calls.append(now)
        if fail:
            raise RuntimeError("the disk is full")
        return {"done": len(calls)}

    return Job("test-job", run, jobs.every_15_minutes, jobs.QUARTER, "every 15 minutes", "a test job")


def runs() -> list[JobRun]:
    db.session.expire_all()
    found = list(db.session.scalars(select(JobRun).order_by(JobRun.id)))
    db.session.rollback()
    return found


def test_a_slot_runs_once_however_often_it_fires(app):
    calls: list = []
    job = _counting_job(calls)
    first = jobs.run(app, job, now=at("2031-03-10T01:00:02+00:00"))
    again = jobs.run(app, job, now=at("2031-03-10T01:03:00+00:00"))  # a second scheduler, a restart
    later = jobs.run(app, job, now=at("2031-03-10T01:15:01+00:00"))
    assert [o.status for o in (first, again, later)] == ["done", "skipped", "done"]
    assert len(calls) == 2
    assert [(r.job, r.slot, r.status, r.manual) for r in runs()] == [
        ("test-job", at("2031-03-10T01:00:00+00:00"), "done", False),
        ("test-job", at("2031-03-10T01:15:00+00:00"), "done", False),
    ]


def test_manual_runs_claim_slots_of_their_own(app):
    calls: list = []
    job = _counting_job(calls)
    jobs.run(app, job, now=at("2031-03-10T01:00:02+00:00"))
    assert jobs.run(app, job, manual=True).status == "done"
    assert jobs.run(app, job, manual=True).status == "done"
    assert [r.manual for r in runs()] == [False, True, True] and len(calls) == 3


def test_a_failed_run_is_recorded_and_the_next_slot_tries_again(app):
    calls: list = []
    failing = _counting_job(calls, fail=True)
    outcome = jobs.run(app, failing, now=at("2031-03-10T01:00:00+00:00"))
    assert outcome.status == "failed" and "the disk is full" in outcome.summary
    assert jobs.run(app, failing, now=at("2031-03-10T01:01:00+00:00")).status == "skipped"
    assert jobs.run(app, _counting_job(calls), now=at("2031-03-10T01:15:00+00:00")).status == "done"
    recorded = runs()
    assert [r.status for r in recorded] == ["failed", "done"]
    assert "RuntimeError: the disk is full" in recorded[0].summary and recorded[0].finished_at


def test_jobs_list_prints_one_job_a_line_id_first(app):
    result = app.test_cli_runner().invoke(jobs_group, ["list"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == IDS
    for line in lines:
        assert " next 20" in line and "last never" in line
    assert "daily at 00:30 WIB" in lines[IDS.index("partnership-status")]


def test_jobs_run_runs_one_now_or_as_a_given_slot(app):
    runner = app.test_cli_runner()
    manual = runner.invoke(jobs_group, ["run", "agreement-expiry"])
    assert manual.exit_code == 0 and manual.output.startswith("agreement-expiry: done"), manual.output
    slot = runner.invoke(jobs_group, ["run", "proposal-expiry", "--at", "2031-03-10T01:07:00Z"])
    assert "proposal-expiry: done (slot 2031-03-10T01:00:00Z)" in slot.output, slot.output
    twice = runner.invoke(jobs_group, ["run", "proposal-expiry", "--at", "2031-03-10T01:14:00Z"])
    assert "proposal-expiry: skipped (slot 2031-03-10T01:00:00Z)" in twice.output, twice.output
    naive = runner.invoke(jobs_group, ["run", "proposal-expiry", "--at", "2031-03-10T01:14:00"])
    assert naive.exit_code == 2 and "give the zone" in naive.output
    unknown = runner.invoke(jobs_group, ["run", "reminder-sweep"])
    assert unknown.exit_code == 2
    listed = runner.invoke(jobs_group, ["list"]).output
    assert "last done 2031-03-10 08:00:00 WIB" in listed


def test_every_command_has_help(app):
    from workers.scheduler import scheduler_command

    runner = app.test_cli_runner()
    for command, args in (
        (scheduler_command, ["--help"]),
        (jobs_group, ["--help"]),
        (jobs_group, ["list", "--help"]),
        (jobs_group, ["run", "--help"]),
    ):
        result = runner.invoke(command, args)
        assert result.exit_code == 0 and len(result.output.splitlines()) > 3, result.output
