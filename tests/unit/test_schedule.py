"""The scheduler's job list: stable ids, triggers in explicit zones, and the slot each run claims."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from workers import jobs
from workers.jobs import BY_ID, JOBS
from workers.scheduler import job_lines


def utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


def test_the_job_ids_are_the_ones_operators_and_job_runs_know():
    assert [job.id for job in JOBS] == [
        "reminders-sweep",
        "mail-dispatch",
        "proposal-expiry",
        "lifecycle",
        "agreement-expiry",
        "partnership-status",
        "statistics-recompute",
        "prune",
    ]
    assert set(BY_ID) == {job.id for job in JOBS}


@pytest.mark.parametrize(
    ("job", "now", "slot"),
    [
        ("reminders-sweep", "2026-12-01T10:07:30", "2026-12-01T10:00:00"),
        ("reminders-sweep", "2026-12-01T10:15:00", "2026-12-01T10:15:00"),
        ("reminders-sweep", "2026-12-01T10:14:59.999999", "2026-12-01T10:00:00"),
        ("lifecycle", "2026-12-01T00:00:01", "2026-12-01T00:00:00"),
        # 00:30 WIB is 17:30 UTC the day before.
        ("partnership-status", "2026-12-01T18:00:00", "2026-12-01T17:30:00"),
        ("partnership-status", "2026-12-01T17:29:59", "2026-11-30T17:30:00"),
        ("statistics-recompute", "2026-12-01T20:00:00", "2026-12-01T18:30:00"),
        ("prune", "2026-12-01T20:00:00", "2026-12-01T20:00:00"),
        ("prune", "2026-12-01T19:59:00", "2026-11-30T20:00:00"),
        # every 30 s from a round instant: the same slots in every process
        ("mail-dispatch", "2026-12-01T10:00:47", "2026-12-01T10:00:30"),
        ("mail-dispatch", "2026-12-01T10:00:29", "2026-12-01T10:00:00"),
    ],
)
def test_a_run_claims_the_latest_fire_time_at_or_before_its_clock(job, now, slot):
    found = BY_ID[job]
    assert found.slot_for(utc(now), found.trigger({})) == utc(slot)


def test_a_late_run_still_lands_on_its_own_slot():
    sweep = BY_ID["reminders-sweep"]
    assert sweep.slot_for(utc("2026-12-01T10:29:59"), sweep.trigger({})) == utc("2026-12-01T10:15:00")


def test_the_slot_is_given_in_utc_whatever_the_clock_reports_in():
    from zoneinfo import ZoneInfo

    job = BY_ID["partnership-status"]
    in_makassar = utc("2026-12-01T18:00:00").astimezone(ZoneInfo("Asia/Makassar"))
    slot = job.slot_for(in_makassar, job.trigger({}))
    assert slot.utcoffset().total_seconds() == 0 and slot == utc("2026-12-01T17:30:00")


@pytest.mark.parametrize(
    ("config", "seconds"),
    [({"MAIL_DISPATCH_SECONDS": 5}, 5), ({}, 30), ({"MAIL_DISPATCH_SECONDS": 0}, 30)],
)
def test_mail_is_sent_every_configured_number_of_seconds(config, seconds):
    assert jobs.mail_dispatch_seconds(config) == seconds
    assert jobs.mail_interval(config).interval.total_seconds() == seconds


@pytest.mark.parametrize(
    ("job", "after", "fires"),
    [
        ("partnership-status", "2026-12-01T00:00:00", "2026-12-01T17:30:00"),
        ("statistics-recompute", "2026-12-01T00:00:00", "2026-12-01T18:30:00"),
        ("prune", "2026-12-01T00:00:00", "2026-12-01T20:00:00"),
        ("proposal-expiry", "2026-12-01T00:00:01", "2026-12-01T00:15:00"),
    ],
)
def test_daily_jobs_fire_at_their_wib_hour(job, after, fires):
    trigger = BY_ID[job].trigger({})
    assert trigger.get_next_fire_time(None, utc(after)) == utc(fires)


def test_the_job_list_tells_each_next_run_in_wib():
    app = Flask(__name__)
    lines = job_lines(app, scheduler_now=utc("2026-12-01T00:05:00"))
    assert len(lines) == len(JOBS)
    by_id = {line.split()[0]: line for line in lines}
    assert by_id["partnership-status"].endswith("next 2026-12-02 00:30:00 WIB")
    assert by_id["reminders-sweep"].endswith("next 2026-12-01 07:15:00 WIB")
    assert "daily at 03:00 WIB" in by_id["prune"]


def test_the_job_list_says_when_each_job_last_ran_and_by_whom():
    from types import SimpleNamespace

    app = Flask(__name__)
    runs = {"prune": SimpleNamespace(status="done", slot=utc("2026-11-30T20:00:00"), claimed_by="host:42")}
    lines = job_lines(app, scheduler_now=utc("2026-12-01T00:05:00"), last_runs=runs)
    by_id = {line.split()[0]: line for line in lines}
    assert by_id["prune"].endswith("last done 2026-12-01 03:00:00 WIB by host:42")
    assert by_id["lifecycle"].endswith("last never")
