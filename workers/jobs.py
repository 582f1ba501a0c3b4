"""The scheduler's jobs, declared once with stable ids, and the claim each run makes first.

A run claims `(job, slot)` in `job_runs`, where the pair is unique, and commits the claim
before it does anything. The slot is the scheduled fire time the run belongs to, in UTC:
the latest fire time of the job's trigger at or before the run's clock, so a late or
coalesced run still lands on its own slot. A second scheduler started by mistake, or a
restart that fires the same slot again, finds the slot taken and skips. A manual run
(`mitra jobs run`) claims a slot of its own, its exact start time.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from sqlalchemy import Delete, delete, or_, update
from sqlalchemy.orm import Session

from events.types import utcnow
from mitra.extensions import changed_rows, db, insert_or_skip
from mitra.models import (
    ApiToken,
    IdempotentRequest,
    JobRun,
    JobRunStatus,
    Notification,
    Reminder,
    ReminderStatus,
    ThrottleCounter,
)
from mitra.services.idempotency import KEY_LIFETIME
from mitra.services.unit_of_work import UnitOfWork
from workers import lifecycle, sweeps

log = logging.getLogger("mitra.scheduler")

UTC_ZONE = ZoneInfo("UTC")
WIB = ZoneInfo("Asia/Jakarta")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
Config = Mapping[str, Any]


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable[[Session, datetime], Any]  # (session, now_utc) -> a summary
    trigger: Callable[[Config], BaseTrigger]
    period: timedelta  # between two fire times (an interval trigger's own interval wins)
    schedule: str  # the trigger in words
    help: str
    # False: the run is one unit of work. True: the run commits step by step, each step a
    # unit of its own (a batch, one e-mail): what is done stays done if a later step fails,
    # and a mail's claim is committed before it is sent.
    steps: bool = False

    def slot_for(self, now: datetime, trigger: BaseTrigger) -> datetime:
        """The latest fire time at or before `now`: the slot a run at `now` belongs to."""
        period = getattr(trigger, "interval", None) or self.period
        fire = trigger.get_next_fire_time(None, now - period + timedelta(microseconds=1))
        if fire is None or fire > now:  # no fire time in the last period (a trigger's first)
            return now.astimezone(UTC).replace(microsecond=0)
        return fire.astimezone(UTC)


def every_15_minutes(_config: Config) -> BaseTrigger:
    return CronTrigger(minute="0,15,30,45", timezone=UTC_ZONE)


def daily_wib(hour: int, minute: int) -> Callable[[Config], BaseTrigger]:
    return lambda _config: CronTrigger(hour=hour, minute=minute, timezone=WIB)


def mail_dispatch_seconds(config: Config) -> int:
    return int(config.get("MAIL_DISPATCH_SECONDS") or 30)


def mail_interval(config: Config) -> BaseTrigger:
    # Anchored at a round instant, so fire times (and slots) are the same in every process.
    return IntervalTrigger(seconds=mail_dispatch_seconds(config), start_date=EPOCH, timezone=UTC_ZONE)


def partnership_status(session: Session, now: datetime) -> int:
    from mitra.services.partnership_status import sweep_partnership_status

    # Run after 00:00 WIB: Indonesia's three zones then share one date.
    changed = sweep_partnership_status(session, now.astimezone(WIB).date(), clock=lambda: now)
    return changed


def recompute_statistics(session: Session, _now: datetime) -> dict[str, int]:
    from mitra.services.statistics import recompute_statistics as recompute

    written = recompute(session)
    return written


# What the API keeps about its clients, once it guards nothing: a throttle counter's longest
# window is an hour (the audit trail keeps every login for good), idempotency keys live a day,
# and a token expired or revoked is refused by its own row only until it is gone.
THROTTLE_COUNTERS_KEPT = timedelta(days=1)
IDEMPOTENT_REQUESTS_KEPT = KEY_LIFETIME + timedelta(days=1)
DEAD_TOKENS_KEPT = timedelta(days=30)


def prune(session: Session, now: datetime) -> dict[str, int]:
    """Settled events after the relay's retention, job runs after 30 days, read notifications
    after 180 days, finished e-mail rows once their day is 400 days gone (a sweep only
    ever claims today's keys, so old keys guard nothing), throttle counters a day after
    their last hit, idempotency keys a day after they lapse, and tokens 30 days after they
    expired or were revoked."""
    from events.relay import Relay

    def deleted(statement: Delete) -> int:
        return changed_rows(session, statement)

    pruned = {"events": Relay(db.engine, current_app.config["BROKER_URL"], clock=lambda: now).prune()}
    pruned["job_runs"] = deleted(delete(JobRun).where(JobRun.slot < now - timedelta(days=30)))
    pruned["notifications"] = deleted(
        delete(Notification).where(Notification.read_at < now - timedelta(days=180))
    )
    finished = (ReminderStatus.SENT, ReminderStatus.CANCELLED, ReminderStatus.DIGESTED)
    old = (now - timedelta(days=400)).date()
    pruned["reminders"] = deleted(
        delete(Reminder).where(Reminder.due_on < old, Reminder.status.in_(finished))
    )
    pruned["throttle_counters"] = deleted(
        delete(ThrottleCounter).where(ThrottleCounter.last_at < now - THROTTLE_COUNTERS_KEPT)
    )
    pruned["idempotent_requests"] = deleted(
        delete(IdempotentRequest).where(IdempotentRequest.created_at < now - IDEMPOTENT_REQUESTS_KEPT)
    )
    dead = now - DEAD_TOKENS_KEPT
    pruned["api_tokens"] = deleted(
        delete(ApiToken).where(or_(ApiToken.expires_at < dead, ApiToken.revoked_at < dead))
    )
    return pruned


QUARTER = timedelta(minutes=15)
DAY = timedelta(days=1)

JOBS: tuple[Job, ...] = (
    Job(
        "reminders-sweep",
        sweeps.sweep_reminders,
        every_15_minutes,
        QUARTER,
        "every 15 minutes at :00 :15 :30 :45",
        "Claim the reminders and digests due at 08:00 in each recipient's zone, then send them.",
        steps=True,
    ),
    Job(
        "mail-dispatch",
        sweeps.dispatch_mail,
        mail_interval,
        timedelta(seconds=30),
        "every MAIL_DISPATCH_SECONDS (30) seconds",
        "Send notification e-mails and due retries; flag sends left unfinished as unknown.",
        steps=True,
    ),
    Job(
        "proposal-expiry",
        sweeps.expire_proposals,
        every_15_minutes,
        QUARTER,
        "every 15 minutes at :00 :15 :30 :45",
        "Expire proposals unanswered after respond_by in the centre's calendar.",
        steps=True,
    ),
    Job(
        "lifecycle",
        lifecycle.run_lifecycle,
        every_15_minutes,
        QUARTER,
        "every 15 minutes at :00 :15 :30 :45",
        "Start accepted collaborations on their start date, remind centres at the end, and close"
        " them MITRA_AUTO_COMPLETE_DAYS after it.",
        steps=True,
    ),
    Job(
        "agreement-expiry",
        sweeps.agreement_milestones,
        every_15_minutes,
        QUARTER,
        "every 15 minutes at :00 :15 :30 :45",
        "Emit agreement.expiring 60, 30 and 7 days before an agreement ends, agreement.expired after.",
    ),
    Job(
        "partnership-status",
        partnership_status,
        daily_wib(0, 30),
        DAY,
        "daily at 00:30 WIB",
        "Move partnerships to dormant or ended by the rules and today's date.",
    ),
    Job(
        "statistics-recompute",
        recompute_statistics,
        daily_wib(1, 30),
        DAY,
        "daily at 01:30 WIB",
        "Rebuild the compiled statistics from the source tables.",
    ),
    Job(
        "prune",
        prune,
        daily_wib(3, 0),
        DAY,
        "daily at 03:00 WIB",
        "Forget settled events, old job runs, read notifications, e-mail rows, throttle counters,"
        " idempotency keys and dead API tokens.",
    ),
)
BY_ID = {job.id: job for job in JOBS}


@dataclass(frozen=True)
class Outcome:
    job: str
    slot: datetime
    status: str  # done | failed | skipped (the slot was claimed already)
    summary: str = ""


def claimant() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def claim(session: Session, job: str, slot: datetime, *, manual: bool = False) -> int | None:
    """Claim (job, slot) and commit; the run's id, or None when someone holds it already."""
    run_id = session.scalar(
        insert_or_skip(session, JobRun)
        .values(
            job=job,
            slot=slot,
            manual=manual,
            claimed_by=claimant(),
            claimed_at=utcnow(),
            status=JobRunStatus.RUNNING,
        )
        .on_conflict_do_nothing()
        .returning(JobRun.id)
    )
    return run_id


def run(
    app: Flask,
    job: Job,
    *,
    now: datetime | None = None,
    manual: bool = False,
    trigger: BaseTrigger | None = None,
) -> Outcome:
    """Claim the slot, then run the job in an app context; a taken slot is skipped."""
    with app.app_context():
        session = db.session
        try:
            now = now or utcnow()
            slot = now if manual else job.slot_for(now, trigger or job.trigger(app.config))
            with UnitOfWork(session(), actor=f"system:{job.id}"):
                run_id = claim(session(), job.id, slot, manual=manual)
            if run_id is None:
                log.info("%s: slot %s already claimed; skipped", job.id, slot.isoformat())
                return Outcome(job.id, slot, "skipped")
            try:
                if job.steps:
                    summary = str(job.run(session(), now))
                else:
                    with UnitOfWork(session(), actor=f"system:{job.id}"):
                        summary = str(job.run(session(), now))
                status = JobRunStatus.DONE
            except Exception:  # noqa: BLE001 - rolled back, recorded on the run; the next slot tries again
                summary = traceback.format_exc()
                status = JobRunStatus.FAILED
                log.exception("%s: slot %s failed", job.id, slot.isoformat())
            with UnitOfWork(session()):
                session.execute(
                    update(JobRun)
                    .where(JobRun.id == run_id)
                    .values(status=status, finished_at=utcnow(), summary=summary[-4000:])
                )
            if status == JobRunStatus.DONE:
                log.info("%s: slot %s done: %s", job.id, slot.isoformat(), summary)
            return Outcome(job.id, slot, str(status), summary)
        finally:
            session.remove()
