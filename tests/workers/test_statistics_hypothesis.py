"""After random sequences of real domain actions, about 1,000 events in all, the statistics the
consumer compiled event by event equal a full recompute from the source tables.

Each action goes through the services (draft, edit a draft, propose, accept, decline, ask,
revise, expire, activate, complete, cancel; plan, report and cancel activities; put a
business on an activity's attendance; record a business's outcome, tied to an activity, a
collaboration or nothing, by a centre or the ministry), under a clock that moves on; the events
it puts in the outbox are delivered to the statistics handlers later, in random batches and
random order, some twice, as competing workers and redeliveries would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from events.envelope import decode
from events.store import outbox, processed_events
from mitra.extensions import db
from mitra.models import (
    SERVICE_AREAS,
    Activity,
    ActivityStatus,
    Agreement,
    Attendance,
    AuditEntry,
    Collaboration,
    Outcome,
    OutcomeType,
    Partnership,
    Umkm,
)
from mitra.security.auth import SystemActor
from mitra.services import activities, attendance, collaborations, lifecycle, outcomes, statistics
from mitra.services.errors import ServiceError
from mitra.services.unit_of_work import UnitOfWork
from tests.factories import CentreFactory, PartnerFactory, UmkmFactory, UserFactory
from workers.handlers import HANDLERS

ACTIONS_PER_EXAMPLE = 100
EXAMPLES = 10
START = datetime(2023, 1, 2, 1, 0, tzinfo=UTC)
FIRST_DAY = date(2023, 1, 1)
AREAS = [code for code, _id, _en in SERVICE_AREAS]
SYSTEM = SystemActor("statistics-test")
KINDS = [
    "draft",
    "draft",
    "edit",
    "step",
    "step",
    "step",
    "step",
    "step",
    "plan",
    "plan",
    "report",
    "report",
    "cancel_activity",
    "attend",
    "attend",
    "outcome",
]
BUSINESSES = 6
OUTCOME_TYPES = [t.value for t in OutcomeType]
# (what to do, two choosers, hours the clock moves on, events then delivered: 0 = redeliver one)
action = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.integers(0, 96),
    st.integers(0, 8),
)
OPEN = ("draft", "proposed", "info_requested", "accepted", "active")
FALLBACK = {
    "edit": "step",
    "cancel_activity": "report",
    "report": "plan",
    "plan": "step",
    "step": "draft",
    "attend": "plan",
}


class World:
    """Three centres in three zones, three partners, a user for each, a ministry admin, a few
    businesses; the clock; the outbox."""

    def __init__(self):
        centres = [
            CentreFactory(code="3507", province_code="35", zone="Asia/Jakarta"),
            CentreFactory(code="5104", province_code="51", zone="Asia/Makassar"),
            CentreFactory(code="9106", province_code="91", zone="Asia/Jayapura"),
        ]
        partners = [PartnerFactory(type=kind) for kind in ("bank", "telco", "university")]
        self.managers = {c.id: UserFactory(role="centre_manager", centre=c) for c in centres}
        self.partner_users = {p.id: UserFactory(role="partner_user", partner=p) for p in partners}
        self.centres = {c.id: c.zone for c in centres}
        self.partners = [p.id for p in partners]
        self.admin = UserFactory(role="ministry_admin")
        self.businesses = [UmkmFactory() for _ in range(BUSINESSES)]

    def reset(self) -> None:
        for table in (
            *statistics.TABLES,
            Outcome.__table__,
            Attendance.__table__,
            Activity.__table__,
            Collaboration.__table__,
            Agreement.__table__,
            Partnership.__table__,
            AuditEntry.__table__,
            outbox,
            processed_events,
        ):
            db.session.execute(delete(table))
        db.session.commit()
        self.now = START
        self.pending: list = []  # events not delivered yet
        self.delivered: list = []
        self.last_outbox_id = 0

    def clock(self) -> datetime:
        return self.now

    def today_at(self, centre_id: int) -> date:
        return self.now.astimezone(ZoneInfo(self.centres[centre_id])).date()

    # -- actions: each does its thing, or (nothing to do it on) the one it falls back to -----
    def run(self, kind: str, a: int, b: int, hours: int, deliver: int) -> None:
        self.now += timedelta(hours=hours)
        try:
            with UnitOfWork():  # one action, one unit of work, as a request would run it
                while not getattr(self, kind)(a, b):
                    kind = FALLBACK[kind]
        except ServiceError:
            pass  # refused (a deadline passed meanwhile): rolled back, no event
        self.collect()
        if deliver:
            self.deliver(deliver, b)
        elif self.delivered:
            self.handle([self.delivered[a % len(self.delivered)]])  # a redelivery

    def draft(self, a: int, b: int) -> bool:
        centre_id = list(self.centres)[a % len(self.centres)]
        # Most start within weeks, so their activities come due and are held while the clock
        # runs; one in four anywhere in three years, so the figures span years.
        soon = self.now.date() + timedelta(days=b % 45)
        starts_on = FIRST_DAY + timedelta(days=b % 1095) if b % 4 == 0 else soon
        collaborations.create(
            self.managers[centre_id],
            {
                "partner_id": self.partners[b % len(self.partners)],
                "title": f"Kerja sama {a}",
                "service_area": AREAS[a % len(AREAS)],
                "starts_on": starts_on,
                "ends_on": starts_on + timedelta(days=10 + a % 200),
                "target_umkm": a % 100,
            },
        )
        return True

    def edit(self, a: int, b: int) -> bool:
        """Move a draft to other dates and another service area (no event), then propose it."""
        drafts = self.collaborations_in(("draft",))
        if not drafts:
            return False
        chosen = drafts[a % len(drafts)]
        manager = self.managers[chosen.centre_id]
        starts_on = FIRST_DAY + timedelta(days=b % 1095)
        collaborations.update(
            manager,
            chosen.id,
            {
                "starts_on": starts_on,
                "ends_on": starts_on + timedelta(days=30),
                "service_area": AREAS[b % len(AREAS)],
            },
        )
        collaborations.act(manager, chosen.id, "propose", clock=self.clock)
        return True

    def step(self, a: int, b: int) -> bool:
        candidates = self.collaborations_in(OPEN)
        if not candidates:
            return False
        collaboration = candidates[a % len(candidates)]
        verbs = [t for t in lifecycle.TRANSITIONS.values() if collaboration.status in t.sources]
        step = verbs[b % len(verbs)]
        if "partner_user" in step.who:
            actor = self.partner_users[collaboration.partner_id]
        elif "system" in step.who and (step.verb != "complete" or a % 2):
            actor = SYSTEM
        else:
            actor = self.managers[collaboration.centre_id]
        collaborations.act(
            actor, collaboration.id, step.verb, "alasan" if step.requires else None, clock=self.clock
        )
        return True

    def plan(self, a: int, b: int) -> bool:
        plannable = self.collaborations_in(activities.PLANNABLE_UNDER)
        if not plannable:
            return False
        chosen = plannable[a % len(plannable)]
        # Inside the collaboration's period, and by today where it can be so it can be reported.
        first, last = chosen.starts_on, min(chosen.ends_on, self.today_at(chosen.centre_id))
        if last < first:
            last = chosen.ends_on
        activities.plan(
            self.managers[chosen.centre_id],
            chosen.id,
            {
                "type": "training",
                "date": first + timedelta(days=b % ((last - first).days + 1)),
                **({"service_area": AREAS[b % len(AREAS)]} if a % 3 == 0 else {}),
            },
        )
        return True

    def report(self, a: int, b: int) -> bool:
        # Only a day that has come can be reported; none yet: plan one instead.
        planned = [p for p in self.planned_activities() if p.date <= self.today_at(p.collaboration.centre_id)]
        if not planned:
            return False
        activity = planned[a % len(planned)]
        activities.report(
            self.managers[activity.collaboration.centre_id],
            activity.id,
            {"participants": b % 150, "umkm_reached": b % 90},
            clock=self.clock,
        )
        return True

    def cancel_activity(self, a: int, _b: int) -> bool:
        planned = self.planned_activities()
        if not planned:
            return False
        activity = planned[a % len(planned)]
        activities.cancel(self.managers[activity.collaboration.centre_id], activity.id, "hujan")
        return True

    def attend(self, a: int, b: int) -> bool:
        """A business put on a planned or held activity's list by its centre (a list stays
        on an activity cancelled afterwards)."""
        listed = db.session.scalars(
            select(Activity)
            .where(Activity.status.in_((ActivityStatus.PLANNED, ActivityStatus.HELD)))
            .order_by(Activity.id)
        ).all()
        if not listed:
            return False
        activity = listed[a % len(listed)]
        business = self.businesses[b % len(self.businesses)]
        on_list = db.session.scalars(
            select(Umkm.nib).join(Attendance).where(Attendance.activity_id == activity.id)
        ).all()
        rows = [{"nib": nib} for nib in sorted({*on_list, business.nib})]
        attendance.replace(
            self.managers[activity.collaboration.centre_id], activity.id, rows, clock=self.clock
        )
        return True

    def outcome(self, a: int, b: int) -> bool:
        """An outcome of some business, on a day up to today: of an activity it attended, of
        an agreed collaboration, or of nothing; by the centre concerned, or the ministry."""
        kind = OUTCOME_TYPES[a % len(OUTCOME_TYPES)]
        data = {
            "type": kind,
            "date": FIRST_DAY + timedelta(days=b % ((self.now.date() - FIRST_DAY).days + 1)),
            **({"amount_idr": 1_000_000 * (1 + b % 5000)} if kind == "financing" else {}),
        }
        business = self.businesses[b % len(self.businesses)]
        centre_id = list(self.centres)[(a // 8) % len(self.centres)]
        tie = (a // 24) % 3
        if tie == 1:
            attended = db.session.execute(
                select(Attendance.activity_id, Attendance.umkm_id).order_by(
                    Attendance.activity_id, Attendance.umkm_id
                )
            ).all()
            if attended:
                activity_id, umkm_id = attended[b % len(attended)]
                business = next(u for u in self.businesses if u.id == umkm_id)
                data["activity_id"] = activity_id
                centre_id = db.session.get(Activity, activity_id).collaboration.centre_id
        elif tie == 2:
            agreed = self.collaborations_in(outcomes.AGREED)
            if agreed:
                chosen = agreed[b % len(agreed)]
                data["collaboration_id"] = chosen.id
                centre_id = chosen.centre_id
        recorder = self.admin if (a // 72) % 4 == 0 else self.managers[centre_id]
        outcomes.record(recorder, business.nib, data, clock=self.clock)
        return True

    def collaborations_in(self, statuses) -> list[Collaboration]:
        return db.session.scalars(
            select(Collaboration).where(Collaboration.status.in_(statuses)).order_by(Collaboration.id)
        ).all()

    def planned_activities(self) -> list[Activity]:
        return db.session.scalars(
            select(Activity).where(Activity.status == "planned").order_by(Activity.id)
        ).all()

    def deliver(self, count: int, b: int) -> None:
        """The first waiting events, in an order of their own (competing workers)."""
        batch = self.pending[:count]
        del self.pending[:count]
        for i in range(len(batch) - 1, 0, -1):  # Fisher-Yates, driven by b
            j = (b // (i + 1)) % (i + 1)
            batch[i], batch[j] = batch[j], batch[i]
        self.handle(batch)

    # -- events -------------------------------------------------------------------------------
    def collect(self) -> None:
        rows = db.session.execute(
            select(outbox.c.id, outbox.c.envelope)
            .where(outbox.c.id > self.last_outbox_id)
            .order_by(outbox.c.id)
        ).all()
        for outbox_id, envelope in rows:
            self.pending.append(decode(envelope))
            self.last_outbox_id = outbox_id

    def handle(self, events) -> None:
        for event in events:
            handler = HANDLERS["statistics"].get(event.type.type)
            if handler is not None:
                handler(db.session, event)
            db.session.commit()
            self.delivered.append(event)


def test_incremental_statistics_equal_a_full_recompute(app, reference_data):
    world = World()
    events_seen, tables_filled = [], set()
    placements = {"no centre": 0, "no partner": 0, "partnership": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(actions=st.lists(action, min_size=ACTIONS_PER_EXAMPLE, max_size=ACTIONS_PER_EXAMPLE))
    def run(actions):
        world.reset()
        for step in actions:
            world.run(*step)
        world.handle(world.pending)
        events_seen.append(db.session.scalar(select(func.count()).select_from(outbox)))

        incremental = statistics.compiled(db.session)
        tables_filled.update(name for name, rows in incremental.items() if rows)
        for row in incremental["stat_outcomes"]:
            centre_id, partner_id = row[2], row[3]
            placements[
                "no centre" if centre_id == 0 else "no partner" if partner_id == 0 else "partnership"
            ] += 1
        statistics.recompute_statistics(db.session)
        db.session.commit()
        assert statistics.compiled(db.session) == incremental

    run()
    # The runs were real: about a thousand events, and figures in every table.
    print(f"\nstatistics: {sum(events_seen)} events in {len(events_seen)} examples: {events_seen}")
    print(f"placements of outcomes seen (centre 0, partner 0, both real): {placements}")
    assert sum(events_seen) >= 900, events_seen
    assert len(events_seen) == EXAMPLES
    assert tables_filled == {table.name for table in statistics.TABLES}
    assert all(placements.values()), placements
