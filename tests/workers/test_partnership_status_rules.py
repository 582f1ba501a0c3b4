"""The partnership rules as a pure function: each transition, and each threshold to the day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mitra.models import PartnershipStatus as P
from mitra.services.partnership_status import Facts, PartnershipRules, judge

TODAY = date(2025, 7, 1)
RULES = PartnershipRules(dormant_after_days=180)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_a_prospect_stays_one_until_its_first_work():
    assert judge(Facts(P.PROSPECT), TODAY, RULES).status == P.PROSPECT


@pytest.mark.parametrize(
    "facts",
    [
        Facts(P.PROSPECT, live_collaborations=1, accepted_collaborations=1, last_accepted_on=days_ago(0)),
        Facts(P.PROSPECT, last_signed_on=days_ago(3), latest_valid_until=date(2027, 1, 1)),
    ],
    ids=["collaboration accepted", "agreement signed"],
)
def test_a_prospect_becomes_active_on_acceptance_or_signature(facts):
    assert judge(facts, TODAY, RULES).status == P.ACTIVE


def test_an_active_collaboration_keeps_it_active_however_old_the_rest():
    facts = Facts(
        P.ACTIVE,
        active_since=days_ago(900),
        live_collaborations=1,
        accepted_collaborations=1,
        last_accepted_on=days_ago(900),
    )
    verdict = judge(facts, TODAY, RULES)
    assert verdict.status == P.ACTIVE
    assert "accepted or under way" in verdict.reason


@pytest.mark.parametrize(("age", "expected"), [(179, P.ACTIVE), (180, P.DORMANT), (181, P.DORMANT)])
def test_dormant_after_exactly_the_threshold_without_work(age, expected):
    facts = Facts(
        P.ACTIVE,
        active_since=days_ago(400),
        accepted_collaborations=1,
        last_accepted_on=days_ago(400),
        last_completed_on=days_ago(300),
        last_held_on=days_ago(age),
    )
    assert judge(facts, TODAY, RULES).status == expected


def test_the_threshold_is_configuration():
    facts = Facts(P.ACTIVE, active_since=days_ago(400), accepted_collaborations=1, last_held_on=days_ago(40))
    assert judge(facts, TODAY, PartnershipRules(dormant_after_days=30)).status == P.DORMANT
    assert judge(facts, TODAY, PartnershipRules(dormant_after_days=60)).status == P.ACTIVE
    assert PartnershipRules.from_config({"PARTNERSHIP_DORMANT_AFTER_DAYS": "90"}).dormant_after_days == 90
    assert PartnershipRules.from_config({}).dormant_after_days == 180


def test_the_day_it_became_active_counts_as_work_so_a_revival_lasts():
    # Revived by an agreement signed (and dated) long ago: not dormant again the same night.
    facts = Facts(
        P.ACTIVE, active_since=days_ago(0), last_signed_on=days_ago(400), latest_valid_until=date(2027, 1, 1)
    )
    assert judge(facts, TODAY, RULES).status == P.ACTIVE
    # ...and a dormant one judged on the same facts stays dormant: that date is not work.
    assert (
        judge(
            Facts(P.DORMANT, last_signed_on=days_ago(400), latest_valid_until=date(2027, 1, 1)), TODAY, RULES
        ).status
        == P.DORMANT
    )


def test_ended_when_the_agreement_expired_and_nothing_is_active():
    facts = Facts(
        P.ACTIVE,
        active_since=days_ago(100),
        accepted_collaborations=1,
        last_completed_on=days_ago(30),
        last_signed_on=days_ago(800),
        latest_valid_until=days_ago(1),
    )
    verdict = judge(facts, TODAY, RULES)
    assert verdict.status == P.ENDED
    assert days_ago(1).isoformat() in verdict.reason


def test_an_agreement_expiring_today_has_not_expired_yet():
    facts = Facts(
        P.ACTIVE, active_since=days_ago(100), last_signed_on=days_ago(800), latest_valid_until=TODAY
    )
    assert judge(facts, TODAY, RULES).status == P.ACTIVE


def test_the_latest_agreement_counts():
    facts = Facts(
        P.ACTIVE,
        active_since=days_ago(100),
        last_signed_on=days_ago(10),
        latest_valid_until=date(2026, 12, 31),
    )
    assert judge(facts, TODAY, RULES).status == P.ACTIVE


def test_expired_but_collaborating_is_active():
    facts = Facts(
        P.ENDED,
        live_collaborations=1,
        accepted_collaborations=1,
        last_accepted_on=days_ago(0),
        latest_valid_until=days_ago(300),
    )
    assert judge(facts, TODAY, RULES).status == P.ACTIVE


def test_work_after_the_expiry_revives_it_until_it_goes_idle_again():
    held_after = Facts(
        P.ENDED, accepted_collaborations=1, last_held_on=days_ago(5), latest_valid_until=days_ago(60)
    )
    assert judge(held_after, TODAY, RULES).status == P.ACTIVE
    # An activity reported late, held before the expiry, is not new work.
    held_before = Facts(
        P.ENDED, accepted_collaborations=1, last_held_on=days_ago(70), latest_valid_until=days_ago(60)
    )
    assert judge(held_before, TODAY, RULES).status == P.ENDED
    # Idle for the threshold with an expired agreement: ended, not dormant.
    revived_long_ago = Facts(
        P.ACTIVE, active_since=days_ago(200), last_held_on=days_ago(190), latest_valid_until=days_ago(250)
    )
    assert judge(revived_long_ago, TODAY, RULES).status == P.ENDED


def test_dormant_and_ended_come_back_on_new_work():
    for status in (P.DORMANT, P.ENDED):
        accepted = Facts(
            status,
            live_collaborations=1,
            accepted_collaborations=1,
            last_accepted_on=TODAY,
            latest_valid_until=days_ago(400),
        )
        assert judge(accepted, TODAY, RULES).status == P.ACTIVE
        signed = Facts(
            status, accepted_collaborations=1, last_signed_on=days_ago(2), latest_valid_until=date(2028, 1, 1)
        )
        assert judge(signed, TODAY, RULES).status == P.ACTIVE


def test_nothing_recorded_at_all_is_dormant_once_out_of_prospect():
    assert judge(Facts(P.ACTIVE), TODAY, RULES).status == P.DORMANT
