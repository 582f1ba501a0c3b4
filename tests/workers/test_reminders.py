"""The reminder sweeps through a simulated day, with a real SMTP server (aiosmtpd) and a frozen
clock: every kind arrives exactly once, at 08:00 in its recipient's zone, for centres in WIB,
WITA and WIT, with the process running under TZ=UTC and under TZ=Asia/Jakarta."""

from __future__ import annotations

import os
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from events.store import outbox
from mitra.extensions import db
from mitra.models import AuditEntry, Collaboration, Notification, Reminder
from tests.workers import reminders_support as support
from tests.workers.reminders_support import DAY, WIB, WIT, WITA, build_world, local_eight, quarter_hours
from workers import sweeps

smtp_server, mail_to_smtp, clock, process_tz = (
    support.smtp_server,
    support.mail_to_smtp,
    support.clock,
    support.process_tz,
)
pytestmark = pytest.mark.usefixtures("reference_data")

# From 00:00 WIT on the day to 23:45 WIB: every zone's whole day, in 15-minute slots.
FIRST = datetime(2031, 3, 9, 15, 0, tzinfo=UTC)
LAST = datetime(2031, 3, 10, 16, 45, tzinfo=UTC)


def run_slots(clock, slots, lifecycle: bool = True) -> None:
    """What the scheduler's jobs do at each slot, in the order they are declared."""
    for moment in slots:
        clock.at(moment)
        sweeps.sweep_reminders(db.session, moment)
        sweeps.dispatch_mail(db.session, moment)
        if lifecycle:
            sweeps.expire_proposals(db.session, moment)
            sweeps.agreement_milestones(db.session, moment)


def reminder_hours():
    """Every slot of the three zones' reminder hours (08:00-08:45 local)."""
    for zone in (WIT, WITA, WIB):
        yield from quarter_hours(local_eight(zone), local_eight(zone) + timedelta(minutes=45))


def test_every_reminder_kind_arrives_once_at_eight_local(app, mail_to_smtp, process_tz, clock):
    world = build_world()
    run_slots(clock, quarter_hours(FIRST, LAST))

    received = mail_to_smtp.take()
    counted = Counter((m.to, m.kind, m.subject_ref) for m in received)
    assert set(counted) == set(world.expected), set(counted) ^ set(world.expected)
    assert set(counted.values()) == {1}
    for message in received:
        zone = world.expected[(message.to, message.kind, message.subject_ref)]
        assert message.at == local_eight(zone), (message.to, message.kind, message.at, zone)
    kinds = Counter(m.kind for m in received)
    assert kinds == {
        "proposal-3d": 3,
        "proposal-1d": 3,
        "activity-tomorrow": 6,
        "outcome-overdue": 3,
        "agreement-60d": 6,
        "agreement-30d": 6,
        "agreement-7d": 6,
    }
    # The process's own zone was never consulted, nor changed.
    assert os.environ["TZ"] == process_tz and time.tzname[0] in ("UTC", "WIB")

    # Each reminder is in the recipient's app too, from the same moment.
    assert db.session.scalar(select(func.count()).select_from(Notification)) == len(world.expected)
    assert db.session.scalar(select(func.count()).where(Reminder.status != "sent")) == 0

    # Running the reminder hours again claims and sends nothing.
    run_slots(clock, reminder_hours(), lifecycle=False)
    assert mail_to_smtp.take() == []


def test_nothing_is_sent_outside_the_reminder_hour(app, mail_to_smtp, clock):
    build_world()
    eights = {local_eight(zone) for zone in (WIB, WITA, WIT)}
    others = [
        m for m in quarter_hours(FIRST, LAST) if not any(e <= m < e + timedelta(hours=1) for e in eights)
    ]
    run_slots(clock, others, lifecycle=False)
    assert mail_to_smtp.take() == []
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0


def test_a_late_sweep_within_the_hour_still_sends_at_most_once(app, mail_to_smtp, clock):
    """The 08:00 run was missed (scheduler down): the 08:45 run claims and sends."""
    world = build_world()
    late = local_eight(WIB) + timedelta(minutes=45)
    run_slots(clock, [late, late + timedelta(minutes=5)])
    received = mail_to_smtp.take()
    wib = {key for key, zone in world.expected.items() if zone == WIB}
    assert Counter((m.to, m.kind, m.subject_ref) for m in received) == Counter(wib)


def test_lifecycle_sweeps_expire_proposals_and_mark_agreements_once(app, clock):
    world = build_world()
    next_day = FIRST + timedelta(days=1)
    for moment in [*quarter_hours(FIRST, LAST), *quarter_hours(next_day, next_day + timedelta(hours=3))]:
        clock.at(moment)
        sweeps.expire_proposals(db.session, moment)
        sweeps.agreement_milestones(db.session, moment)

    # Proposals past respond_by expired at the centre's midnight, by the system.
    for zone in (WIB, WITA, WIT):
        late = world.collaborations[(zone, "late")]
        db.session.refresh(late)
        assert late.status == "expired"
        entry = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.subject_type == "collaboration", AuditEntry.subject_id == late.id
            )
        ).one()
        assert entry.actor == "system:proposal-expiry" and entry.action == "collaboration.expire"
        midnight = datetime(DAY.year, DAY.month, DAY.day, tzinfo=ZoneInfo(zone))
        assert midnight <= entry.at < midnight + timedelta(minutes=15)
    expired = db.session.execute(
        select(outbox.c.subject).where(outbox.c.type == "mitra.collaboration.expired")
    )
    assert sorted(s for (s,) in expired) == sorted(
        f"collaboration/{world.collaborations[(z, 'late')].id}" for z in (WIB, WITA, WIT)
    )
    assert (
        db.session.scalar(select(func.count()).where(Collaboration.status == "proposed")) == 6
    )  # the 3- and 1-day ones

    # Each agreement milestone is one event, at the centre's midnight.
    rows = db.session.execute(
        select(outbox.c.type, outbox.c.subject, outbox.c.created_at, outbox.c.envelope).where(
            outbox.c.type.like("mitra.agreement.%")
        )
    ).all()
    counted = Counter((t, s) for t, s, _at, _e in rows)
    assert set(counted.values()) == {1}
    expiring = {s for t, s in counted if t == "mitra.agreement.expiring"}
    assert expiring == {f"agreement/{a.id}" for (_z, key), a in world.agreements.items() if key != "ended"}
    ended = {s for t, s in counted if t == "mitra.agreement.expired"}
    assert ended == {f"agreement/{a.id}" for (_z, key), a in world.agreements.items() if key == "ended"}
    for zone in (WIB, WITA, WIT):
        sixty = world.agreements[(zone, "bank")]
        at, envelope = next((at, e) for _t, s, at, e in rows if s == f"agreement/{sixty.id}")
        midnight = datetime(DAY.year, DAY.month, DAY.day, tzinfo=ZoneInfo(zone))
        assert midnight <= at < midnight + timedelta(minutes=15)
        assert '"days_left":60' in envelope and '"actor":"system:agreement-expiry"' in envelope
