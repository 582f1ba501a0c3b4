"""Statistics: compiled rows folded into dashboard figures, whose they are, which events recount."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from events import catalogue
from events.topology import GROUPS, groups_for
from mitra.models import SERVICE_AREAS
from mitra.services import statistics
from mitra.services.errors import Forbidden, InvalidInput
from mitra.services.statistics import COUNTED_STATUSES, Scope
from workers.handlers import partnerships as partnership_handlers
from workers.handlers import reminders as reminder_handlers
from workers.handlers import statistics as statistics_handlers


def counts(partners: int = 0, centres: int = 0, **by_status: int) -> tuple:
    """A row of status counts in COUNTED_STATUSES order, then distinct partners and centres."""
    return (*(by_status.get(status, 0) for status in COUNTED_STATUSES), partners, centres)


def fold(by_status: tuple, histogram=(), activities=(0, 0, 0), assisted=0, outcomes=()) -> dict:
    return statistics._measures_of(by_status, list(histogram), activities, assisted, list(outcomes))


def test_a_draft_is_never_counted():
    assert "draft" not in COUNTED_STATUSES
    assert set(COUNTED_STATUSES) == {
        "proposed",
        "info_requested",
        "accepted",
        "declined",
        "expired",
        "active",
        "completed",
        "cancelled",
    }


def test_collaborations_are_the_accepted_active_and_completed_and_proposals_are_all_counted():
    measures = fold(
        counts(proposed=2, accepted=3, active=1, completed=2, declined=1, expired=4, partners=3, centres=2)
    )
    assert measures["collaborations"] == 6
    assert measures["proposals"] == 13
    assert measures["collaborations_by_status"]["expired"] == 4
    assert (measures["partners_with_collaboration"], measures["centres_with_collaboration"]) == (3, 2)


@pytest.mark.parametrize(
    ("by_status", "rate"),
    [
        (dict(accepted=3, active=1, completed=2, declined=1), 0.8571),
        (dict(accepted=1, declined=1), 0.5),
        (dict(declined=2), 0.0),
        (dict(completed=5), 1.0),
        # Neither accepted nor declined yet: no rate rather than 0 %.
        (dict(proposed=4, expired=1, cancelled=2, info_requested=1), None),
        ({}, None),
    ],
)
def test_acceptance_rate_is_accepted_over_accepted_and_declined(by_status, rate):
    assert fold(counts(**by_status))["acceptance_rate"] == rate


def test_activity_totals_fold_into_held_participants_and_umkm_reached():
    measures = fold(counts(), activities=(4, 120, 37))
    assert (measures["activities_held"], measures["participants"], measures["umkm_reached"]) == (4, 120, 37)


def test_missing_sums_read_as_zero():
    measures = fold(tuple(None for _ in counts()), activities=(None, None, None))
    assert measures["proposals"] == 0 and measures["participants"] == 0
    assert measures["partners_with_collaboration"] == 0
    assert measures["umkm_assisted"] == 0 and measures["financing_idr"] == 0


def test_outcomes_fold_into_a_count_of_every_type_and_the_financing_total():
    measures = fold(
        counts(),
        assisted=7,
        outcomes=[("financing", 2, 25_000_000 + 3_000_000_000), ("halal_certificate", 3, 0)],
    )
    assert measures["umkm_assisted"] == 7
    assert measures["financing_idr"] == 3_025_000_000  # past 2^31: rupiah add up fast
    assert measures["outcomes"] == {
        "financing": 2,
        "halal_certificate": 3,
        "sni_certificate": 0,
        "bpom_permit": 0,
        "nib_issued": 0,
        "marketplace_onboarding": 0,
        "export": 0,
        "other": 0,
    }


@pytest.mark.parametrize(
    ("histogram", "median"),
    [
        ([], None),
        ([(5, 1)], 5.0),
        ([(1, 1), (3, 1)], 2.0),  # an even count: the mean of the two middle values
        ([(2, 3)], 2.0),
        ([(0, 1), (10, 1), (4, 1)], 4.0),  # read in order, whatever order the rows came in
        ([(1, 2), (7, 2)], 4.0),
        ([(1, 9), (30, 1)], 1.0),  # one slow answer does not move the median
        ([(3, 0), (8, 2)], 8.0),
    ],
)
def test_median_days_to_answer_is_exact_from_the_histogram(histogram, median):
    assert fold(counts(), histogram=histogram)["median_days_to_answer"] == median


# -- whose figures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "described"),
    [
        (SimpleNamespace(role="ministry_admin", centre_id=None, partner_id=None), {"kind": "national"}),
        (SimpleNamespace(role="system", centre_id=None, partner_id=None), {"kind": "national"}),
        (
            SimpleNamespace(role="centre_manager", centre_id=4, partner_id=None),
            {"kind": "centre", "centre_id": 4},
        ),
        (
            SimpleNamespace(role="partner_user", centre_id=None, partner_id=9),
            {"kind": "partner", "partner_id": 9},
        ),
    ],
)
def test_each_role_reads_the_figures_of_its_own_scope(principal, described):
    assert Scope.of(principal).describe() == described


def test_an_account_of_no_known_role_reads_no_figures():
    with pytest.raises(Forbidden, match="may not read statistics"):
        Scope.of(SimpleNamespace(role="auditor", centre_id=None, partner_id=None))


def test_a_breakdown_by_an_unknown_dimension_is_refused_naming_the_known_ones():
    admin = SimpleNamespace(role="ministry_admin")
    with pytest.raises(InvalidInput) as refused:
        statistics.breakdown(None, admin, "colour", 2026)
    assert refused.value.errors == {
        "by": ["must be one of province, service_area, partner_type, centre, partner, month"]
    }


def test_a_breakdown_by_month_lists_all_twelve_even_empty_ones():
    rows = statistics._labels(None, "month", 2026, {})
    assert [key for _raw, key, _label in rows] == [f"2026-{m:02d}" for m in range(1, 13)]


def test_a_breakdown_by_service_area_lists_every_area_by_its_indonesian_name():
    rows = statistics._labels(None, "service_area", 2026, {})
    assert [(key, label) for _raw, key, label in rows] == [(code, name) for code, name, _en in SERVICE_AREAS]


def test_outcomes_of_no_collaboration_come_last_in_a_row_of_their_own():
    rows = statistics._labels(None, "service_area", 2026, {"": {}, "pemasaran": {}})
    assert rows[-1] == ("", "none", "(tanpa bidang layanan)")
    assert len(rows) == len(SERVICE_AREAS) + 1
    assert statistics._labels(None, "partner_type", 2026, {"bank": {}, "": {}}) == [
        ("bank", "bank", "bank"),
        ("", "none", "(tanpa mitra)"),
    ]


# -- which events recount -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "recounted"),
    [
        (catalogue.CollaborationProposed, True),
        (catalogue.CollaborationRevised, True),
        (catalogue.CollaborationAccepted, True),
        (catalogue.CollaborationDeclined, True),
        (catalogue.CollaborationExpired, True),
        (catalogue.CollaborationCompleted, True),
        (catalogue.CollaborationCancelled, True),
        (catalogue.ActivityReported, True),
        (catalogue.AttendanceRecorded, True),
        (catalogue.OutcomeRecorded, True),
        # Figures these cannot change: a draft is not counted, nor is a planned or cancelled activity.
        (catalogue.CollaborationDrafted, False),
        (catalogue.CollaborationExtended, False),
        (catalogue.ActivityPlanned, False),
        (catalogue.ActivityCancelled, False),
        (catalogue.ActivityMoved, False),
        (catalogue.PartnershipStatusChanged, False),
    ],
)
def test_the_events_the_statistics_consumer_recounts_for(event, recounted):
    assert (event.type in statistics_handlers.HANDLERS) is recounted


@pytest.mark.parametrize(
    ("group", "handlers"),
    [
        ("statistics", statistics_handlers.HANDLERS),
        ("reminders", reminder_handlers.HANDLERS),
        ("partnerships", partnership_handlers.HANDLERS),
    ],
)
def test_each_consumer_group_is_bound_to_every_type_it_handles(group, handlers):
    assert set(handlers) <= set(GROUPS[group])


@pytest.mark.parametrize("group", ["reminders", "partnerships"])
def test_the_reminder_and_partnership_groups_handle_everything_they_receive(group):
    handlers = {"reminders": reminder_handlers.HANDLERS, "partnerships": partnership_handlers.HANDLERS}[group]
    assert set(GROUPS[group]) == set(handlers)


@pytest.mark.parametrize(
    ("event", "groups"),
    [
        (catalogue.CollaborationAccepted, ("reminders", "partnerships", "statistics")),
        (catalogue.CollaborationDrafted, ("statistics",)),
        (catalogue.AgreementSigned, ("partnerships",)),
        (catalogue.ReminderSent, ()),
        (catalogue.ActivityReported, ("partnerships", "statistics")),
    ],
)
def test_each_event_type_reaches_the_groups_that_must_record_it(event, groups):
    assert groups_for(event.type) == groups


@pytest.mark.parametrize("event", [catalogue.AttendanceRecorded, catalogue.OutcomeRecorded])
def test_attendance_and_outcomes_reach_the_statistics_consumer(event):
    assert "statistics" in groups_for(event.type)
