"""The `lifecycle` job: accepted collaborations start on their date in the centre's zone,
centres are reminded at the end, and a collaboration long past its end with nothing planned
is closed; each effect once, however many schedulers race for it. Both sides hear of it."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from events.store import outbox
from mitra.extensions import db
from mitra.models import Activity, AuditEntry, Collaboration, Milestone, Notification, Reminder
from mitra.services import activities, collaborations
from mitra.services.unit_of_work import UnitOfWork
from tests.factories import CentreFactory, PartnerFactory, UserFactory
from tests.workers.test_reminders_events import deliver
from workers import jobs
from workers.jobs import BY_ID
from workers.lifecycle import AUTO_SUMMARY, run_lifecycle

pytestmark = pytest.mark.usefixtures("reference_data")

# 00:30 on 1 April 2031 in Biak (WIT), still 31 March (22:30) in Malang (WIB).
NOW = datetime(2031, 3, 31, 15, 30, tzinfo=UTC)
BIAK_TODAY = date(2031, 4, 1)
PROPOSED = datetime(2031, 3, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def people(app):
    biak = CentreFactory(
        code="9106", name="PLUT-KUMKM Kab. Biak Numfor", province_code="91", zone="Asia/Jayapura"
    )
    malang = CentreFactory(code="3507", name="PLUT-KUMKM Kab. Malang", province_code="35")
    bank = PartnerFactory(name="Bank BUMN Mitra UMKM")
    return {
        "manager": UserFactory(role="centre_manager", centre=biak, email="manajer@biak.test"),
        "malang": UserFactory(role="centre_manager", centre=malang, email="manajer@malang.test"),
        "bank": UserFactory(role="partner_user", partner=bank, email="bank@mitra.test"),
        "bank_id": bank.id,
    }


def accepted(
    p,
    starts_on: date,
    ends_on: date,
    manager: str = "manager",
    title: str = "Kelas ekspor",
    at: datetime = PROPOSED,
) -> Collaboration:
    with UnitOfWork():  # as the requests that propose and accept would
        collaboration = collaborations.create(
            p[manager],
            {
                "partner_id": p["bank_id"],
                "title": title,
                "service_area": "pemasaran",
                "starts_on": starts_on,
                "ends_on": ends_on,
                "respond_by": (at + timedelta(days=10)).date(),
            },
        )
        collaborations.act(p[manager], collaboration.id, "propose", clock=lambda: at)
        collaborations.act(p["bank"], collaboration.id, "accept", clock=lambda: at)
    return collaboration


def status_of(ident: int) -> str:
    db.session.expire_all()
    status = db.session.scalar(select(Collaboration.status).where(Collaboration.id == ident))
    db.session.rollback()
    return status


# Each read ends its transaction: on SQLite an open one would hold the write lock the job needs.
def history(ident: int) -> list[tuple[str, str]]:
    found = [
        (e.actor, e.action)
        for e in db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == "collaboration", AuditEntry.subject_id == ident)
            .order_by(AuditEntry.id)
        )
    ]
    db.session.rollback()
    return found


def events(kind: str) -> int:
    found = db.session.scalar(
        select(func.count()).select_from(outbox).where(outbox.c.type == f"mitra.{kind}")
    )
    db.session.rollback()
    return found


def told(kind: str) -> Counter:
    found = Counter(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))
    db.session.rollback()
    return found


def test_an_accepted_collaboration_starts_on_its_date_in_the_centres_zone_once(app, people):
    p = people
    biak = accepted(p, BIAK_TODAY, date(2031, 6, 30))
    malang = accepted(p, BIAK_TODAY, date(2031, 6, 30), manager="malang", title="Kelas halal")
    assert status_of(biak.id) == "accepted"

    first = jobs.run(app, BY_ID["lifecycle"], now=NOW)
    assert first.status == "done" and "'activated': 1" in first.summary
    assert status_of(biak.id) == "active"
    assert status_of(malang.id) == "accepted"  # not yet 1 April in Malang
    assert history(biak.id)[-1] == ("system:lifecycle", "collaboration.activate")
    again = jobs.run(app, BY_ID["lifecycle"], now=NOW + timedelta(minutes=15))
    assert again.status == "done" and "activated" not in again.summary
    assert events("collaboration.activated") == 1

    deliver(app)
    assert told("collaboration.activated") == Counter({p["bank"].id: 1, p["manager"].id: 1})
    assert told("collaboration.activated")[p["malang"].id] == 0
    mails = db.session.scalars(
        select(Reminder.recipient_id).where(Reminder.kind == "collaboration.activated")
    )
    assert sorted(mails) == sorted([p["bank"].id, p["manager"].id])
    db.session.rollback()

    # At 00:30 in Malang the other one starts too.
    jobs.run(app, BY_ID["lifecycle"], now=NOW + timedelta(hours=2))
    assert status_of(malang.id) == "active"


@pytest.mark.parametrize("manual", [False, True], ids=["same slot", "manual runs"])
def test_three_schedulers_racing_give_one_transition_and_one_notification_each(app, people, manual):
    """Three schedulers fire the same slot at once (or three operators run it by hand, each
    claiming a slot of its own): one activation, one event, one reminder of the end."""
    p = people
    starting = accepted(p, BIAK_TODAY, date(2031, 6, 30))
    accepted(p, date(2031, 1, 1), BIAK_TODAY, title="Kelas pembiayaan")  # active at once
    db.session.remove()
    barrier, outcomes = threading.Barrier(3), []

    def scheduler() -> None:
        barrier.wait()
        outcomes.append(jobs.run(app, BY_ID["lifecycle"], now=NOW, manual=manual).status)

    threads = [threading.Thread(target=scheduler) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes.count("failed") == 0, outcomes
    if not manual:
        assert sorted(outcomes) == ["done", "skipped", "skipped"]
    assert status_of(starting.id) == "active"
    assert history(starting.id).count(("system:lifecycle", "collaboration.activate")) == 1
    assert events("collaboration.activated") == 2  # `ending` started when it was accepted
    assert told("collaboration-ended") == Counter({p["manager"].id: 1})
    deliver(app)
    deliver(app)  # a redelivery tells no one twice
    assert told("collaboration.activated") == Counter({p["bank"].id: 2, p["manager"].id: 2})


def test_a_collaboration_accepted_after_its_start_is_active_at_once(app, people):
    late = accepted(people, date(2031, 2, 1), date(2031, 6, 30))
    assert status_of(late.id) == "active"
    assert history(late.id)[-2:] == [
        (people["bank"].actor, "collaboration.accept"),
        ("system:lifecycle", "collaboration.activate"),
    ]


def test_the_job_closes_30_days_after_the_end_unless_an_activity_is_still_planned(app, people):
    p = people
    ended_on = date(2031, 3, 1)
    idle = accepted(p, date(2031, 1, 5), ended_on, title="Kelas digital")
    busy = accepted(p, date(2031, 1, 5), ended_on, title="Kelas sertifikasi")
    with UnitOfWork():
        activities.plan(p["manager"], busy.id, {"type": "training", "date": date(2031, 2, 20)})
    assert status_of(idle.id) == status_of(busy.id) == "active"

    def run_on(day: date) -> dict:  # 00:30 WIT that day
        return run_lifecycle(
            db.session,
            datetime.combine(day, datetime.min.time(), UTC) - timedelta(hours=8, minutes=30),
            auto_complete_days=30,
        )

    assert run_on(ended_on) == {"collaboration-ended": 2}
    assert run_on(ended_on) == {}  # once
    assert run_on(ended_on + timedelta(days=22)) == {}
    assert run_on(ended_on + timedelta(days=23)) == {"collaboration-closing-7d": 2}
    assert run_on(ended_on + timedelta(days=29)) == {}
    assert run_on(ended_on + timedelta(days=30)) == {"completed": 1}
    assert status_of(idle.id) == "completed" and status_of(busy.id) == "active"
    closed = db.session.get(Collaboration, idle.id)
    assert closed.closing_summary == AUTO_SUMMARY
    last = db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == idle.id).order_by(AuditEntry.id.desc())
    ).first()
    assert (last.actor, last.action, last.after) == (
        "system:lifecycle",
        "collaboration.complete",
        {"status": "completed", "summary": AUTO_SUMMARY},
    )
    assert run_on(ended_on + timedelta(days=31)) == {}
    # The busy one's centre was reminded at the end and 7 days before the close.
    assert told("collaboration-ended") == Counter({p["manager"].id: 2})
    assert told("collaboration-closing-7d") == Counter({p["manager"].id: 2})
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 4

    deliver(app)  # closed by the job: both sides hear of it
    assert told("collaboration.completed") == Counter({p["bank"].id: 1, p["manager"].id: 1})

    # Once the last planned activity is settled, the next run closes it.
    activity_id = db.session.scalar(select(Activity.id).where(Activity.collaboration_id == busy.id))
    with UnitOfWork():
        activities.cancel(p["manager"], activity_id, "pelatih berhalangan")
    assert run_on(ended_on + timedelta(days=40)) == {"completed": 1}


def test_auto_complete_days_come_from_the_config(app, people):
    collaboration = accepted(people, date(2031, 1, 5), date(2031, 3, 1))
    app.config["MITRA_AUTO_COMPLETE_DAYS"] = 10
    run_lifecycle(db.session, datetime(2031, 3, 10, 16, 0, tzinfo=UTC))  # 11 March, 01:00 WIT
    assert status_of(collaboration.id) == "completed"
