"""Three real `mitra scheduler` processes on one database through a simulated day: every
reminder is sent exactly once, in the reminder hour of its recipient's zone.

The day is simulated with an accelerated clock, which tests/support/fast_scheduler.py hands
to the production entry point `workers.scheduler.serve`: each process runs the real
BlockingScheduler, the real job list and the real claims, but its clock (time.time,
datetime.now: what APScheduler and the jobs read) runs 2,400 times faster, on one timeline
shared by the three (a common real anchor). So all three fire every slot at the same moment
and race for it, as three schedulers started by mistake would. What is not simulated: a
day's worth of real waiting, and clock drift between machines.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from mitra.extensions import db
from mitra.models import JobRun, Reminder
from tests.support.processes import Processes, child_env, wait_until
from tests.workers import reminders_support as support
from tests.workers.reminders_support import build_world

smtp_server = support.smtp_server
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("reference_data")]

START = datetime(2031, 3, 9, 16, 0, tzinfo=UTC)  # 23:00 WIB, 00:00 WITA, 01:00 WIT
END = START + timedelta(days=1)
SPEED = 2400  # a simulated hour in 1.5 real seconds: a day in 36


def test_three_schedulers_through_a_day_send_every_reminder_once(app, smtp_server, tmp_path):
    world = build_world()
    db.session.remove()
    anchor = tmp_path / "clock-anchor"  # written once all three are up: then simulated time moves
    env = child_env(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["BROKER_URL"],
        tmp_path / "instance",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_server.port),
        MAIL_TIMEOUT_SECONDS="5",
        MITRA_BASE_URL="https://mitra.example",
        MAIL_DISPATCH_SECONDS="900",
    )
    processes = Processes(env, tmp_path)
    clock = (START.isoformat(), str(SPEED), str(anchor), END.isoformat())
    schedulers = [processes.launch("tests.support.fast_scheduler", *clock) for _ in range(3)]
    try:
        wait_until(
            lambda: all("test clock waiting" in s.log() for s in schedulers),
            timeout=90,
            interval=0.2,
            message="the three schedulers to start",
        )
        anchor.write_text(str(time.time() + 0.5))
        budget = (END - START).total_seconds() / SPEED + 30
        wait_until(
            lambda: all(s.popen.poll() is not None for s in schedulers),
            timeout=budget,
            interval=0.5,
            message="the three schedulers to reach the end of the day",
        )
    finally:
        processes.stop_all()
    logs = "\n".join(s.log() for s in schedulers)
    assert [s.popen.returncode for s in schedulers] == [0, 0, 0], logs[-3000:]

    received = smtp_server.take()
    counted = Counter((m.to, m.kind, m.subject_ref) for m in received)
    assert set(counted) == set(world.expected), set(counted) ^ set(world.expected)
    assert set(counted.values()) == {1}, [key for key, n in counted.items() if n > 1]
    for message in received:
        zone = ZoneInfo(world.expected[(message.to, message.kind, message.subject_ref)])
        local = parsedate_to_datetime(message.message["Date"]).astimezone(zone)
        assert local.date() == support.DAY and local.hour == 8, (message.to, message.kind, local)

    # Every slot was claimed once, and the three shared the work.
    sweeps = db.session.execute(
        select(JobRun.slot, func.count()).where(JobRun.job == "reminders-sweep").group_by(JobRun.slot)
    ).all()
    assert sweeps and {n for _slot, n in sweeps} == {1}
    claimants = db.session.scalars(select(JobRun.claimed_by).distinct()).all()
    assert len(claimants) >= 2, claimants
    assert "already claimed; skipped" in logs
    assert db.session.scalar(select(func.count()).where(Reminder.status != "sent")) == 0
    failed = db.session.scalars(select(JobRun.job).where(JobRun.status == "failed")).all()
    assert not [
        job
        for job in failed
        if job in ("reminders-sweep", "mail-dispatch", "proposal-expiry", "agreement-expiry")
    ], failed
