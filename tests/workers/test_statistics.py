"""Compiled statistics: the demo's 2023 figures, the definitions to the number, and the
`statistics` consumer's recount agreeing with the full recompute whatever the delivery order."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from events import catalogue
from events.envelope import decode
from events.outbox import emit
from events.store import outbox
from events.topology import GROUPS
from mitra.demo.data import seed_demo
from mitra.extensions import db
from mitra.models import Attendance
from mitra.security.auth import SystemActor
from mitra.services import activities, collaborations, outcomes, statistics
from tests.factories import AttendanceFactory, CentreFactory, PartnerFactory, UmkmFactory, UserFactory
from workers.handlers import HANDLERS

SYSTEM = SystemActor("statistics-test")
IN_2023 = "BETWEEN '2023-01-01' AND '2023-12-31'"


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def people(app, reference_data):
    malang = CentreFactory(code="3507", name="PLUT-KUMKM Kab. Malang", province_code="35")
    gianyar = CentreFactory(
        code="5104", name="PLUT-KUMKM Kab. Gianyar", province_code="51", zone="Asia/Makassar"
    )
    bank = PartnerFactory(name="Bank BUMN Mitra UMKM", type="bank")
    telco = PartnerFactory(name="Telko Nasional", type="telco")
    return {
        "malang": UserFactory(role="centre_manager", centre=malang),
        "gianyar": UserFactory(role="centre_manager", centre=gianyar),
        "bank": UserFactory(role="partner_user", partner=bank),
        "telco": UserFactory(role="partner_user", partner=telco),
        "ids": {"malang": malang.id, "gianyar": gianyar.id, "bank": bank.id, "telco": telco.id},
    }


def statistics_events(after: int = 0) -> list:
    rows = db.session.execute(select(outbox.c.envelope).where(outbox.c.id > after).order_by(outbox.c.id))
    return [decode(envelope) for (envelope,) in rows]


def handle(events) -> None:
    """What the runtime does: each event's effect in its own transaction."""
    for event in events:
        handler = HANDLERS["statistics"].get(event.type.type)
        if handler is not None:
            handler(db.session, event)
        db.session.commit()


def recomputed() -> dict:
    incremental = statistics.compiled(db.session)
    statistics.recompute_statistics(db.session)
    db.session.commit()
    return incremental


def draft(manager, partner_id: int, **overrides):
    data = {
        "partner_id": partner_id,
        "title": "Kelas pemasaran digital",
        "service_area": "pemasaran",
        "starts_on": date(2024, 3, 1),
        "ends_on": date(2024, 6, 30),
        "target_umkm": 20,
        **overrides,
    }
    return collaborations.create(manager, data)


def test_the_demo_reads_49_activities_73_partners_32_centres_in_2023(app):
    seed_demo(db.session)
    statistics.recompute_statistics(db.session)
    db.session.commit()

    figures = statistics.summary(db.session, SYSTEM, 2023)
    assert figures["activities_held"] == 49
    assert figures["partners_with_collaboration"] == 73
    assert figures["centres_with_collaboration"] == 32
    # The same definitions, straight from the source tables.
    collaborating = (
        f"FROM collaborations WHERE starts_on {IN_2023} AND status IN ('accepted', 'active', 'completed')"
    )
    assert figures["collaborations"] == db.session.execute(text(f"SELECT COUNT(*) {collaborating}")).scalar()
    held = db.session.execute(
        text(
            f"SELECT SUM(participants), SUM(umkm_reached) FROM activities"
            f" WHERE status = 'held' AND date {IN_2023}"
        )
    ).one()
    assert (figures["participants"], figures["umkm_reached"]) == tuple(held)
    for by in statistics.DIMENSIONS:
        rows = statistics.breakdown(db.session, SYSTEM, by, 2023)["rows"]
        for measure in ("activities_held", "participants", "umkm_reached", "collaborations", "proposals"):
            assert sum(row[measure] for row in rows) == figures[measure], (by, measure)


def test_handlers_cover_the_counted_events_of_the_group():
    assert set(HANDLERS["statistics"]) <= set(GROUPS["statistics"])
    assert "mitra.activity.reported" in HANDLERS["statistics"]
    assert "mitra.activity.attendance_recorded" in HANDLERS["statistics"]
    assert "mitra.umkm.outcome_recorded" in HANDLERS["statistics"]
    assert "mitra.collaboration.drafted" not in HANDLERS["statistics"]


def test_definitions_to_the_number(people):
    clock = Clock(datetime(2024, 1, 10, 1, 0, tzinfo=UTC))
    ids, malang = people["ids"], people["malang"]
    answers = [
        (people["bank"], "accept", 2),
        (people["bank"], "accept", 5),
        (people["telco"], "decline", 9),
        (people["telco"], "request_info", 1),
    ]
    made = []
    for partner_user, verb, days in answers:
        # The first one starts early enough for its activity of 20 January to lie inside it.
        collaboration = draft(
            malang, partner_user.partner_id, **({} if made else {"starts_on": date(2024, 1, 15)})
        )
        clock.now = datetime(2024, 1, 10, 1, 0, tzinfo=UTC)
        collaborations.act(malang, collaboration.id, "propose", clock=clock)
        clock.now += timedelta(days=days, hours=3)
        text_ = None if verb == "accept" else "alasan"
        collaborations.act(partner_user, collaboration.id, verb, text_, clock=clock)
        made.append(collaboration)
    draft(malang, ids["bank"], title="Masih draf")  # never counted
    activity = activities.plan(malang, made[0].id, {"type": "training", "date": date(2024, 1, 20)})
    activities.report(
        malang,
        activity.id,
        {"participants": 30, "umkm_reached": 12},
        clock=Clock(datetime(2024, 1, 21, tzinfo=UTC)),
    )
    handle(statistics_events())

    figures = statistics.summary(db.session, SYSTEM, 2024)
    assert figures["proposals"] == 4
    assert figures["collaborations"] == 2
    assert figures["collaborations_by_status"] == {
        "proposed": 0,
        "info_requested": 1,
        "accepted": 2,
        "declined": 1,
        "expired": 0,
        "active": 0,
        "completed": 0,
        "cancelled": 0,
    }
    assert figures["acceptance_rate"] == round(2 / 3, 4)
    assert figures["median_days_to_answer"] == 3.5  # 1, 2, 5, 9 whole days
    assert (figures["activities_held"], figures["participants"], figures["umkm_reached"]) == (1, 30, 12)
    assert (figures["partners_with_collaboration"], figures["centres_with_collaboration"]) == (1, 1)
    assert statistics.summary(db.session, SYSTEM, 2023)["proposals"] == 0
    assert statistics.compiled(db.session) == recomputed()


def test_scopes(people):
    clock = Clock(datetime(2024, 1, 10, 1, 0, tzinfo=UTC))
    ids = people["ids"]
    for manager in (people["malang"], people["gianyar"]):
        for partner_user in (people["bank"], people["telco"]):
            collaboration = draft(manager, partner_user.partner_id)
            collaborations.act(manager, collaboration.id, "propose", clock=clock)
            collaborations.act(partner_user, collaboration.id, "accept", clock=clock)
    draft(people["malang"], ids["bank"], title="Draf Malang")
    handle(statistics_events())

    def figures(principal):
        return statistics.summary(db.session, principal, 2024)

    national = figures(SYSTEM)
    assert (
        national["collaborations"],
        national["partners_with_collaboration"],
        national["centres_with_collaboration"],
    ) == (4, 2, 2)
    malang = figures(people["malang"])
    assert malang["scope"] == {"kind": "centre", "centre_id": ids["malang"]}
    assert (
        malang["collaborations"],
        malang["partners_with_collaboration"],
        malang["centres_with_collaboration"],
    ) == (2, 2, 1)
    bank = figures(people["bank"])
    assert bank["scope"] == {"kind": "partner", "partner_id": ids["bank"]}
    assert (
        bank["collaborations"],
        bank["partners_with_collaboration"],
        bank["centres_with_collaboration"],
    ) == (2, 1, 2)
    rows = statistics.breakdown(db.session, people["bank"], "centre", 2024)["rows"]
    assert [(row["key"], row["collaborations"]) for row in rows] == [("5104", 1), ("3507", 1)]


def test_a_draft_edited_before_its_proposal_is_counted_where_it_ends_up(people):
    """Edits emit no event: an adder of event figures would count the first dates."""
    clock = Clock(datetime(2024, 1, 10, 1, 0, tzinfo=UTC))
    collaboration = draft(people["malang"], people["ids"]["bank"])
    collaborations.update(
        people["malang"],
        collaboration.id,
        {"starts_on": date(2025, 2, 1), "ends_on": date(2025, 5, 1), "service_area": "sdm"},
    )
    collaborations.act(people["malang"], collaboration.id, "propose", clock=clock)
    handle(statistics_events())

    assert statistics.summary(db.session, SYSTEM, 2024)["proposals"] == 0
    assert statistics.summary(db.session, SYSTEM, 2025)["collaborations_by_status"]["proposed"] == 1
    rows = statistics.breakdown(db.session, SYSTEM, "service_area", 2025)["rows"]
    assert {row["key"]: row["proposals"] for row in rows}["sdm"] == 1
    assert statistics.compiled(db.session) == recomputed()


def test_any_delivery_order_and_redeliveries_give_the_recomputed_figures(people):
    clock = Clock(datetime(2024, 2, 1, 1, 0, tzinfo=UTC))
    manager, bank = people["malang"], people["bank"]
    for n in range(3):
        collaboration = draft(
            manager,
            bank.partner_id,
            title=f"Kerja sama {n}",
            starts_on=date(2024, 2, 1),
            ends_on=date(2024, 12, 1),
        )
        collaborations.act(manager, collaboration.id, "propose", clock=clock)
        clock.now += timedelta(days=n + 1)
        # Accepted after its start date: the acceptance starts it at once (system:lifecycle).
        assert collaborations.act(bank, collaboration.id, "accept", clock=clock).status == "active"
        activity = activities.plan(
            manager, collaboration.id, {"type": "exhibition", "date": date(2024, 2, 1)}
        )
        activities.report(manager, activity.id, {"participants": 10 + n, "umkm_reached": n}, clock=clock)
    collaborations.act(manager, collaboration.id, "complete", "Tuntas", clock=clock)
    events = statistics_events()
    shuffled = events * 2  # every event delivered twice...
    random.Random(5).shuffle(shuffled)  # ...in any order
    handle(shuffled)

    figures = statistics.summary(db.session, SYSTEM, 2024)
    assert figures["collaborations_by_status"]["active"] == 2
    assert figures["collaborations_by_status"]["completed"] == 1
    assert (figures["activities_held"], figures["participants"]) == (3, 33)
    assert statistics.compiled(db.session) == recomputed()


def test_recompute_replaces_whatever_was_there(people):
    clock = Clock(datetime(2024, 2, 1, 1, 0, tzinfo=UTC))
    collaboration = draft(people["malang"], people["ids"]["bank"])
    collaborations.act(people["malang"], collaboration.id, "propose", clock=clock)
    handle(statistics_events())
    before = statistics.compiled(db.session)
    db.session.execute(text("UPDATE stat_collaborations SET collaborations = 99"))
    db.session.execute(
        text("INSERT INTO stat_activities VALUES (2020, 1, 1, 1, 'sdm', 5, 5, 5)")
    )  # a stray row
    db.session.commit()

    counts = statistics.recompute_statistics(db.session)
    db.session.commit()
    assert statistics.compiled(db.session) == before
    assert counts == {
        "stat_collaborations": 1,
        "stat_answer_days": 0,
        "stat_activities": 0,
        "stat_umkm_assisted": 0,
        "stat_outcomes": 0,
    }
    assert db.session.scalar(select(func.count()).select_from(statistics.activity_totals)) == 0


def test_breakdown_lists_every_month_and_service_area(people):
    for by, expected in (("month", 12), ("service_area", 7)):
        rows = statistics.breakdown(db.session, SYSTEM, by, 2024)["rows"]
        assert len(rows) == expected
        assert all(row["proposals"] == 0 and row["acceptance_rate"] is None for row in rows)
    assert statistics.breakdown(db.session, SYSTEM, "province", 2024)["rows"] == []


def test_median_of_a_histogram():
    median = statistics._median  # noqa: SLF001 - a pure helper worth pinning down
    assert median([]) is None
    assert median([(4, 1)]) == 4
    assert median([(1, 1), (9, 1)]) == 5
    assert median([(0, 2), (3, 1)]) == 0
    assert median([(2, 3), (7, 3)]) == 4.5
    assert median([(5, 10), (1, 1), (100, 2)]) == 5


# -- businesses assisted and their outcomes ------------------------------------------------------

RUPIAH_25M = 25_000_000


@pytest.fixture
def bank_work(people):
    """Malang's collaboration with the bank (March to June 2024), agreed, with activities held
    in March and May, one still planned and one cancelled; three businesses."""
    clock = Clock(datetime(2024, 1, 10, 1, 0, tzinfo=UTC))
    manager, bank = people["malang"], people["bank"]
    collaboration = draft(manager, bank.partner_id)
    collaborations.act(manager, collaboration.id, "propose", clock=clock)
    collaborations.act(bank, collaboration.id, "accept", clock=clock)
    plan = {
        day: activities.plan(manager, collaboration.id, {"type": "training", "date": day})
        for day in (date(2024, 3, 5), date(2024, 5, 10), date(2024, 6, 1), date(2024, 6, 2))
    }
    march, may, planned, cancelled = plan.values()
    for held in (march, may):
        activities.report(
            manager,
            held.id,
            {"participants": 5, "umkm_reached": 0},
            clock=Clock(datetime(2024, 6, 1, tzinfo=UTC)),
        )
    activities.cancel(manager, cancelled.id, "hujan")
    db.session.commit()
    return {
        "collaboration": collaboration,
        "march": march,
        "may": may,
        "planned": planned,
        "cancelled": cancelled,
        "businesses": [UmkmFactory(registered_by_centre_id=people["ids"]["malang"]) for _ in range(3)],
    }


def attend(activity, *businesses) -> None:
    """What the attendance service does: the businesses on the list, the activity's count of
    them, and the event (its own work is tested with it; here only its effect matters)."""
    for business in businesses:
        AttendanceFactory(activity=activity, umkm=business)
    activity.umkm_reached = db.session.scalar(
        select(func.count()).select_from(Attendance).where(Attendance.activity_id == activity.id)
    )
    emit(
        db.session(),
        catalogue.AttendanceRecorded(
            activity_id=activity.id,
            collaboration_id=activity.collaboration_id,
            centre_id=activity.collaboration.centre_id,
            partner_id=activity.collaboration.partner_id,
            umkm_reached=activity.umkm_reached,
            added=len(businesses),
            actor="user:1",
        ),
    )
    db.session.commit()


def test_a_business_on_two_activities_held_is_assisted_once(people, bank_work):
    handle(statistics_events())
    assert statistics.summary(db.session, SYSTEM, 2024)["umkm_assisted"] == 0
    seen = db.session.scalar(select(func.max(outbox.c.id)))
    twice, once, elsewhere = bank_work["businesses"]
    attend(bank_work["march"], twice, once)
    attend(bank_work["may"], twice)
    attend(bank_work["planned"], elsewhere)  # not held (yet): nobody assisted
    attend(bank_work["cancelled"], elsewhere)  # never held
    handle(statistics_events(after=seen))  # the attendance events alone recount

    figures = statistics.summary(db.session, SYSTEM, 2024)
    assert figures["umkm_assisted"] == 2
    assert figures["umkm_reached"] == 3  # the activities' own counts add up; businesses do not
    months = {
        row["key"]: row["umkm_assisted"]
        for row in statistics.breakdown(db.session, SYSTEM, "month", 2024)["rows"]
    }
    assert (months["2024-03"], months["2024-05"], months["2024-06"]) == (2, 1, 0)
    for by in ("centre", "province", "partner", "partner_type", "service_area"):
        rows = statistics.breakdown(db.session, SYSTEM, by, 2024)["rows"]
        assert [row["umkm_assisted"] for row in rows if row["umkm_assisted"]] == [2], by
    assert statistics.summary(db.session, people["bank"], 2024)["umkm_assisted"] == 2
    assert statistics.summary(db.session, people["malang"], 2024)["umkm_assisted"] == 2
    assert statistics.summary(db.session, people["telco"], 2024)["umkm_assisted"] == 0
    assert statistics.summary(db.session, people["gianyar"], 2024)["umkm_assisted"] == 0

    # The planned one held later: its business joins, through the report's event.
    seen = db.session.scalar(select(func.max(outbox.c.id)))
    activities.report(
        people["malang"],
        bank_work["planned"].id,
        {"participants": 1, "umkm_reached": 1},
        clock=Clock(datetime(2024, 6, 3, tzinfo=UTC)),
    )
    db.session.commit()
    handle(statistics_events(after=seen))
    assert statistics.summary(db.session, SYSTEM, 2024)["umkm_assisted"] == 3
    assert statistics.compiled(db.session) == recomputed()


def test_a_financing_outcome_of_25_million_appears_in_the_years_summary(app, people, bank_work):
    admin = UserFactory(role="ministry_admin")
    business = bank_work["businesses"][0]
    attend(bank_work["march"], business)
    on = Clock(datetime(2024, 8, 1, tzinfo=UTC))
    outcomes.record(
        people["malang"],
        business.nib,
        {
            "type": "financing",
            "date": date(2024, 7, 15),
            "amount_idr": RUPIAH_25M,
            "activity_id": bank_work["march"].id,
        },
        clock=on,
    )
    # Two that name no collaboration: the centre's own, and the ministry's.
    outcomes.record(
        people["malang"], business.nib, {"type": "halal_certificate", "date": date(2024, 7, 20)}, clock=on
    )
    outcomes.record(admin, business.nib, {"type": "export", "date": date(2024, 7, 25)}, clock=on)
    db.session.commit()
    handle(statistics_events())

    national = statistics.summary(db.session, SYSTEM, 2024)
    assert national["financing_idr"] == RUPIAH_25M
    assert {kind: n for kind, n in national["outcomes"].items() if n} == {
        "financing": 1,
        "halal_certificate": 1,
        "export": 1,
    }
    assert statistics.summary(db.session, SYSTEM, 2023)["financing_idr"] == 0
    # Each sees its own: the bank the financing of its collaboration, Malang also its own.
    bank = statistics.summary(db.session, people["bank"], 2024)
    assert (bank["financing_idr"], sum(bank["outcomes"].values())) == (RUPIAH_25M, 1)
    malang = statistics.summary(db.session, people["malang"], 2024)
    assert (malang["financing_idr"], sum(malang["outcomes"].values())) == (RUPIAH_25M, 2)
    assert sum(statistics.summary(db.session, people["gianyar"], 2024)["outcomes"].values()) == 0
    assert statistics.summary(db.session, people["telco"], 2024)["financing_idr"] == 0

    def rows(by):
        found = statistics.breakdown(db.session, SYSTEM, by, 2024)["rows"]
        return {
            row["key"]: (row["financing_idr"], sum(row["outcomes"].values()))
            for row in found
            if row["outcomes"] != dict.fromkeys(statistics.OUTCOME_TYPES, 0)
        }

    bank_id = str(people["ids"]["bank"])
    assert rows("partner") == {bank_id: (RUPIAH_25M, 1), "none": (0, 2)}
    assert rows("centre") == {"3507": (RUPIAH_25M, 2), "none": (0, 1)}
    assert rows("province") == {"35": (RUPIAH_25M, 2), "none": (0, 1)}
    assert rows("partner_type") == {"bank": (RUPIAH_25M, 1), "none": (0, 2)}
    assert rows("service_area") == {"pemasaran": (RUPIAH_25M, 1), "none": (0, 2)}
    assert rows("month") == {"2024-07": (RUPIAH_25M, 3)}
    for by in statistics.DIMENSIONS:  # outcomes add up, whatever the rows are
        found = statistics.breakdown(db.session, SYSTEM, by, 2024)["rows"]
        assert sum(row["financing_idr"] for row in found) == RUPIAH_25M, by
        assert sum(sum(row["outcomes"].values()) for row in found) == 3, by
    assert statistics.compiled(db.session) == recomputed()


def test_outcome_events_recount_in_any_order_and_twice(people, bank_work):
    on = Clock(datetime(2024, 8, 1, tzinfo=UTC))
    for n, business in enumerate(bank_work["businesses"]):
        outcomes.record(
            people["malang"],
            business.nib,
            {"type": "financing", "date": date(2024, 7, 1 + n), "amount_idr": RUPIAH_25M * (n + 1)},
            clock=on,
        )
        outcomes.record(
            people["malang"],
            business.nib,
            {
                "type": "marketplace_onboarding",
                "date": date(2024, 7, 1),
                "collaboration_id": bank_work["collaboration"].id,
            },
            clock=on,
        )
    db.session.commit()
    events = statistics_events() * 2
    random.Random(7).shuffle(events)
    handle(events)
    figures = statistics.summary(db.session, SYSTEM, 2024)
    assert figures["financing_idr"] == RUPIAH_25M * 6
    assert (figures["outcomes"]["financing"], figures["outcomes"]["marketplace_onboarding"]) == (3, 3)
    assert statistics.summary(db.session, people["bank"], 2024)["outcomes"]["marketplace_onboarding"] == 3
    assert statistics.compiled(db.session) == recomputed()
