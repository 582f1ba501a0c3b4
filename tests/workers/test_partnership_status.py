"""The `partnerships` consumer and the nightly sweep, on the database: each change writes the
status, an audit entry by system:partnership-status and a partnership.status_changed event in
the same transaction; a refresh that changes nothing writes nothing. The clock is frozen
(time-machine), so every timestamp the services write is the test's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from events import catalogue
from events.envelope import decode
from events.outbox import emit
from events.store import outbox
from events.topology import GROUPS
from mitra.extensions import db
from mitra.models import Activity, Agreement, AuditEntry, Collaboration, Partnership
from mitra.security.auth import SystemActor
from mitra.services import activities, agreements, collaborations
from mitra.services.partnership_status import PartnershipRules, load_facts, sweep_partnership_status
from tests.factories import CentreFactory, PartnerFactory, UserFactory
from workers.handlers import HANDLERS

START = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)  # 11:00 in Biak (WIT)
RULES = PartnershipRules(dormant_after_days=180)
SCHEDULE = SystemActor("collaboration-schedule")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def people(app, reference_data, clock):
    centre = CentreFactory(
        code="9106", name="PLUT-KUMKM Kab. Biak Numfor", province_code="91", zone="Asia/Jayapura"
    )
    partner = PartnerFactory(name="Bank BUMN Mitra UMKM")
    return {
        "manager": UserFactory(role="centre_manager", centre=centre),
        "partner": UserFactory(role="partner_user", partner=partner),
        "partner_id": partner.id,
        "centre_id": centre.id,
    }


def handle_new_events(after: int = 0) -> int:
    """Run the partnerships handlers over the outbox rows after `after`, each event in its own
    transaction as the runtime does; returns the last outbox id seen."""
    rows = db.session.execute(
        select(outbox.c.id, outbox.c.envelope).where(outbox.c.id > after).order_by(outbox.c.id)
    ).all()
    for _id, envelope in rows:
        event = decode(envelope)
        handler = HANDLERS["partnerships"].get(event.type.type)
        if handler is not None:
            handler(db.session, event)
            db.session.commit()
    return rows[-1][0] if rows else after


def status_events() -> list[dict]:
    envelopes = db.session.scalars(
        select(outbox.c.envelope)
        .where(outbox.c.type == catalogue.PartnershipStatusChanged.type)
        .order_by(outbox.c.id)
    )
    return [decode(envelope).data for envelope in envelopes]


def status_audits() -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "partnership.status_changed").order_by(AuditEntry.id)
    ).all()


def accepted_collaboration(people, clock, **overrides) -> Collaboration:
    data = {
        "partner_id": people["partner_id"],
        "title": "Pembiayaan KUR untuk UMKM",
        "service_area": "pembiayaan",
        "starts_on": date(2025, 4, 1),
        "ends_on": date(2025, 9, 30),
        "target_umkm": 30,
        **overrides,
    }
    collaboration = collaborations.create(people["manager"], data)
    collaborations.act(people["manager"], collaboration.id, "propose")
    clock.shift(timedelta(days=2))
    return collaborations.act(people["partner"], collaboration.id, "accept")


def record_agreement(people, number: str, signed_on: date, valid_until: date) -> Agreement:
    return agreements.record(
        people["manager"],
        {
            "partner_id": people["partner_id"],
            "kind": "mou",
            "number": number,
            "signed_on": signed_on,
            "valid_until": valid_until,
        },
    )


def test_handlers_cover_exactly_the_groups_event_types():
    assert set(HANDLERS["partnerships"]) == set(GROUPS["partnerships"])


def test_acceptance_makes_a_prospect_active_once(people, clock):
    collaboration = accepted_collaboration(people, clock)
    partnership = db.session.get(Partnership, collaboration.partnership_id)
    assert partnership.status == "prospect"

    handle_new_events()
    db.session.refresh(partnership)
    assert partnership.status == "active"
    assert partnership.status_changed_at == START + timedelta(days=2)
    [audit] = status_audits()
    assert audit.actor == "system:partnership-status"
    assert (audit.subject_type, audit.subject_id) == ("partnership", partnership.id)
    assert audit.before == {"status": "prospect"}
    assert audit.after == {"status": "active", "reason": "a collaboration is accepted or under way"}
    [event] = status_events()
    assert event == {
        "partnership_id": partnership.id,
        "centre_id": people["centre_id"],
        "partner_id": people["partner_id"],
        "previous_status": "prospect",
        "status": "active",
        "reason": "a collaboration is accepted or under way",
        "actor": "system:partnership-status",
    }

    # The same events handled again (as after a rollback elsewhere): nothing more is written.
    handle_new_events()
    assert len(status_audits()) == 1 and len(status_events()) == 1


def test_events_that_change_nothing_write_nothing(people, clock):
    collaboration = collaborations.create(
        people["manager"],
        {
            "partner_id": people["partner_id"],
            "title": "Ditolak",
            "service_area": "pemasaran",
            "starts_on": date(2025, 4, 1),
            "ends_on": date(2025, 5, 1),
        },
    )
    collaborations.act(people["manager"], collaboration.id, "propose")
    collaborations.act(people["partner"], collaboration.id, "decline", "anggaran habis")

    handle_new_events()
    assert db.session.get(Partnership, collaboration.partnership_id).status == "prospect"
    assert status_audits() == [] and status_events() == []


def test_an_agreement_recorded_makes_a_prospect_active_even_if_signed_long_ago(people, clock):
    agreement = record_agreement(people, "MoU/7/2023", date(2023, 3, 1), date(2027, 2, 28))
    handle_new_events()
    assert db.session.get(Partnership, agreement.partnership_id).status == "active"
    assert status_events()[0]["reason"] == "an agreement was recorded on 2025-03-03"


def test_accepted_then_cancelled_before_the_worker_saw_it_still_counts(people, clock):
    collaboration = accepted_collaboration(people, clock)
    collaborations.act(people["manager"], collaboration.id, "cancel", "dana dialihkan")
    handle_new_events()
    assert db.session.get(Partnership, collaboration.partnership_id).status == "active"
    assert status_events()[0]["reason"] == "a collaboration was accepted on 2025-03-05"


def test_the_sweep_makes_it_dormant_at_the_threshold_and_only_once(people, clock):
    collaboration = accepted_collaboration(people, clock)
    seen = handle_new_events()
    activity = activities.plan(
        people["manager"], collaboration.id, {"type": "training", "date": date(2025, 4, 2)}
    )
    collaborations.act(SCHEDULE, collaboration.id, "activate")
    clock.shift(timedelta(days=30))
    activities.report(people["manager"], activity.id, {"participants": 20, "umkm_reached": 15})
    collaborations.act(people["manager"], collaboration.id, "complete", "Tuntas")  # on 2025-04-04 in Biak
    handle_new_events(seen)
    partnership = db.session.get(Partnership, collaboration.partnership_id)
    assert partnership.status == "active" and len(status_events()) == 1

    completed_on = date(2025, 4, 4)
    assert sweep_partnership_status(db.session, completed_on + timedelta(days=179), RULES) == 0
    assert sweep_partnership_status(db.session, completed_on + timedelta(days=180), RULES) == 1
    db.session.commit()
    db.session.refresh(partnership)
    assert partnership.status == "dormant"
    last = status_events()[-1]
    assert last["previous_status"] == "active"
    assert last["reason"] == (
        "no activity held and no active collaboration for 180 days; "
        "latest: a collaboration was completed on 2025-04-04"
    )
    assert sweep_partnership_status(db.session, completed_on + timedelta(days=181), RULES) == 0
    assert len(status_events()) == 2 and len(status_audits()) == 2


def test_the_sweep_reads_the_threshold_from_configuration(app, people, clock):
    collaboration = accepted_collaboration(people, clock)  # accepted on 2025-03-05 in Biak
    collaborations.act(people["manager"], collaboration.id, "cancel", "dibatalkan")
    handle_new_events()
    app.config["PARTNERSHIP_DORMANT_AFTER_DAYS"] = 30
    try:
        assert sweep_partnership_status(db.session, date(2025, 4, 3)) == 0
        assert sweep_partnership_status(db.session, date(2025, 4, 4)) == 1
    finally:
        del app.config["PARTNERSHIP_DORMANT_AFTER_DAYS"]


def test_agreement_expired_ends_it_on_the_centres_day(people, clock):
    agreement = record_agreement(people, "PKS/1/2024", date(2024, 4, 1), date(2025, 3, 31))
    handle_new_events()
    partnership = db.session.get(Partnership, agreement.partnership_id)
    assert partnership.status == "active"

    # 2025-03-31 16:00 UTC is already 1 April in Biak (UTC+9), still 31 March in UTC.
    clock.move_to(datetime(2025, 3, 31, 14, 0, tzinfo=UTC), tick=False)
    expired = catalogue.AgreementExpired(
        agreement_id=agreement.id,
        partnership_id=partnership.id,
        centre_id=partnership.centre_id,
        partner_id=partnership.partner_id,
        kind="mou",
        number="PKS/1/2024",
        signed_on=date(2024, 4, 1),
        valid_until=date(2025, 3, 31),
        days_left=0,
        actor="system:agreement-expiry",
    )
    emit(db.session, expired)
    db.session.commit()
    seen = handle_new_events()
    assert db.session.get(Partnership, partnership.id).status == "active"  # 23:00 on the 31st
    clock.move_to(datetime(2025, 3, 31, 16, 0, tzinfo=UTC), tick=False)
    handle_new_events(seen - 1)
    db.session.refresh(partnership)
    assert partnership.status == "ended"
    assert status_events()[-1]["reason"] == (
        "the agreement expired on 2025-03-31 and no collaboration is active"
    )


def test_new_work_brings_a_dormant_partnership_back(people, clock):
    # Under way since 1 March: accepted on the 5th, it starts at once (system:lifecycle).
    collaboration = accepted_collaboration(people, clock, starts_on=date(2025, 3, 1))
    assert collaboration.status == "active"
    activity = activities.plan(
        people["manager"], collaboration.id, {"type": "mentoring", "date": date(2025, 3, 7)}
    )
    seen = handle_new_events()
    partnership = db.session.get(Partnership, collaboration.partnership_id)
    partnership.status = "dormant"  # as if the sweep had found it idle
    db.session.commit()
    clock.shift(timedelta(days=3))
    activities.report(people["manager"], activity.id, {"participants": 12, "umkm_reached": 9})
    handle_new_events(seen)
    db.session.refresh(partnership)
    assert partnership.status == "active"
    assert status_events()[-1]["previous_status"] == "dormant"


def test_facts_are_the_centres_calendar_days(people, clock):
    clock.move_to(datetime(2025, 3, 3, 16, 30, tzinfo=UTC), tick=False)
    collaboration = accepted_collaboration(people, clock)  # 2025-03-05 16:30 UTC: the 6th in Biak
    db.session.add(
        Agreement(
            partnership_id=collaboration.partnership_id,
            kind="mou",
            number="A",
            signed_on=date(2024, 5, 1),
            valid_until=date(2026, 4, 30),
        )
    )
    db.session.add(
        Activity(
            collaboration_id=collaboration.id,
            type="training",
            date=date(2025, 3, 2),
            status="held",
            participants=5,
            umkm_reached=5,
        )
    )
    db.session.commit()
    facts = load_facts(db.session)[collaboration.partnership_id]
    assert facts.last_accepted_on == date(2025, 3, 6)
    assert (facts.live_collaborations, facts.accepted_collaborations) == (1, 1)
    assert facts.last_held_on == date(2025, 3, 2)
    assert (facts.last_signed_on, facts.last_recorded_on) == (date(2024, 5, 1), date(2025, 3, 6))
    assert facts.latest_valid_until == date(2026, 4, 30)
