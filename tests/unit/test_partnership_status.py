"""Partnership status rules (`partnership_status.judge`): prospect, active, dormant, ended."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mitra.services.partnership_status import Facts, PartnershipRules, Verdict, judge

TODAY = date(2026, 12, 1)
RULES = PartnershipRules()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.mark.parametrize("status", ["prospect", "active", "dormant", "ended"])
def test_a_live_collaboration_makes_any_partnership_active(status):
    facts = Facts(status=status, live_collaborations=1, latest_valid_until=ago(400))
    assert judge(facts, TODAY, RULES) == Verdict("active", "a collaboration is accepted or under way")


def test_a_prospect_stays_one_until_its_first_work():
    assert judge(Facts("prospect"), TODAY, RULES) == Verdict(
        "prospect", "no collaboration accepted and no agreement signed yet"
    )


def test_a_prospect_whose_only_collaboration_was_declined_is_still_a_prospect():
    # Declined collaborations count neither as accepted nor as work.
    facts = Facts("prospect", accepted_collaborations=0, last_held_on=None)
    assert judge(facts, TODAY, RULES).status == "prospect"


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (Facts("prospect", last_signed_on=ago(10)), "an agreement was signed on 2026-11-21"),
        (
            Facts("prospect", accepted_collaborations=1, last_accepted_on=ago(3)),
            "a collaboration was accepted on 2026-11-28",
        ),
        (Facts("dormant", last_held_on=ago(1)), "an activity was held on 2026-11-30"),
        (Facts("active", last_completed_on=ago(179)), "a collaboration was completed on 2026-06-05"),
        (Facts("active", active_since=ago(20)), "the partnership became active on 2026-11-11"),
        (Facts("dormant", last_recorded_on=ago(2)), "an agreement was recorded on 2026-11-29"),
    ],
)
def test_recent_work_makes_it_active_and_says_which(facts, reason):
    assert judge(facts, TODAY, RULES) == Verdict("active", reason)


@pytest.mark.parametrize(("days", "status"), [(179, "active"), (180, "dormant"), (400, "dormant")])
def test_it_falls_dormant_after_the_configured_days_without_work(days, status):
    assert judge(Facts("active", last_held_on=ago(days)), TODAY, RULES).status == status


def test_dormant_says_how_long_and_what_the_latest_work_was():
    verdict = judge(Facts("active", last_held_on=ago(200), last_accepted_on=ago(250)), TODAY, RULES)
    assert verdict == Verdict(
        "dormant",
        "no activity held and no active collaboration for 180 days;"
        " latest: an activity was held on 2026-05-15",
    )


def test_a_partnership_with_no_dates_at_all_is_dormant_without_a_latest():
    verdict = judge(Facts("active"), TODAY, RULES)
    assert verdict == Verdict("dormant", "no activity held and no active collaboration for 180 days")


def test_the_latest_of_all_kinds_of_work_counts():
    facts = Facts("active", last_held_on=ago(300), last_signed_on=ago(5), last_completed_on=ago(200))
    assert judge(facts, TODAY, RULES) == Verdict("active", "an agreement was signed on 2026-11-26")


def test_on_a_tie_an_activity_held_is_named_first():
    facts = Facts("active", last_held_on=ago(4), last_accepted_on=ago(4), last_signed_on=ago(4))
    assert judge(facts, TODAY, RULES).reason == "an activity was held on 2026-11-27"


def test_work_dated_in_the_future_counts_as_today():
    assert judge(Facts("dormant", last_signed_on=TODAY + timedelta(days=30)), TODAY, RULES) == Verdict(
        "active", "an agreement was signed on 2026-12-01"
    )


def test_an_expired_agreement_ends_an_idle_partnership():
    facts = Facts("dormant", last_held_on=ago(300), latest_valid_until=ago(1))
    assert judge(facts, TODAY, RULES) == Verdict(
        "ended", "the agreement expired on 2026-11-30 and no collaboration is active"
    )


def test_an_expired_agreement_ends_it_even_with_recent_work_from_before_the_expiry():
    facts = Facts("active", last_held_on=ago(20), latest_valid_until=ago(10))
    assert judge(facts, TODAY, RULES).status == "ended"


def test_work_after_the_expiry_keeps_it_active():
    facts = Facts("ended", last_held_on=ago(5), latest_valid_until=ago(10))
    assert judge(facts, TODAY, RULES) == Verdict("active", "an activity was held on 2026-11-26")


def test_work_after_the_expiry_that_has_gone_stale_ends_it():
    facts = Facts("active", last_held_on=ago(200), latest_valid_until=ago(300))
    assert judge(facts, TODAY, RULES).status == "ended"


def test_an_agreement_valid_until_today_has_not_expired():
    facts = Facts("active", last_held_on=ago(20), latest_valid_until=TODAY)
    assert judge(facts, TODAY, RULES).status == "active"


def test_a_late_report_of_an_activity_held_long_ago_is_not_new_work():
    # Reported yesterday, held 200 days ago: the day it was held counts.
    assert judge(Facts("active", last_held_on=ago(200)), TODAY, RULES).status == "dormant"


def test_shorter_configured_thresholds_apply():
    rules = PartnershipRules(dormant_after_days=30)
    assert judge(Facts("active", last_held_on=ago(29)), TODAY, rules).status == "active"
    verdict = judge(Facts("active", last_held_on=ago(30)), TODAY, rules)
    assert verdict.status == "dormant" and "for 30 days" in verdict.reason


@pytest.mark.parametrize(
    ("config", "days"),
    [({}, 180), ({"PARTNERSHIP_DORMANT_AFTER_DAYS": 90}, 90), ({"PARTNERSHIP_DORMANT_AFTER_DAYS": "45"}, 45)],
)
def test_the_threshold_comes_from_configuration(config, days):
    assert PartnershipRules.from_config(config).dormant_after_days == days


@pytest.mark.parametrize("days", [0, -5])
def test_a_threshold_below_one_day_is_refused_at_start(days):
    with pytest.raises(ValueError, match=f"PARTNERSHIP_DORMANT_AFTER_DAYS must be at least 1, not {days}"):
        PartnershipRules.from_config({"PARTNERSHIP_DORMANT_AFTER_DAYS": days})
