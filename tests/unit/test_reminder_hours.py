"""Reminders go out at 08:00 in each recipient's zone: which zones are in their hour, and which day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mitra.services.reminders import MailPolicy, Window, open_windows, zones_by_local_date
from workers.lifecycle import reminder_days
from workers.sweeps import AGREEMENT_DAYS, day_params

POLICY = MailPolicy()
WIB = ("Asia/Jakarta", "Asia/Pontianak")


def utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "windows"),
    [
        # 08:00 WIB: the west's hour; its two IANA names share one window.
        ("2026-12-01T01:00:00", [Window(WIB, date(2026, 12, 1), utc("2026-12-01T01:00:00"))]),
        ("2026-12-01T01:59:59", [Window(WIB, date(2026, 12, 1), utc("2026-12-01T01:00:00"))]),
        # 08:30 WITA.
        (
            "2026-12-01T00:30:00",
            [Window(("Asia/Makassar",), date(2026, 12, 1), utc("2026-12-01T00:00:00"))],
        ),
        # 08:15 WIT on 1 December is 23:15 UTC on 30 November: the local day is the 1st.
        (
            "2026-11-30T23:15:00",
            [Window(("Asia/Jayapura",), date(2026, 12, 1), utc("2026-11-30T23:00:00"))],
        ),
        # 09:00 WIB: the hour has passed everywhere; 07:59 WIB: not yet in the west.
        ("2026-12-01T02:00:00", []),
        ("2026-12-01T00:59:59", [Window(("Asia/Makassar",), date(2026, 12, 1), utc("2026-12-01T00:00:00"))]),
        ("2026-12-01T12:00:00", []),
    ],
)
def test_the_reminder_window_is_the_hour_after_eight_in_each_zone(now, windows):
    assert open_windows(utc(now), POLICY) == windows


def test_a_configured_hour_and_window_move_the_reminders():
    evening = MailPolicy(local_hour=18, window=timedelta(minutes=30))
    assert open_windows(utc("2026-12-01T11:10:00"), evening) == [
        Window(WIB, date(2026, 12, 1), utc("2026-12-01T11:00:00"))
    ]
    assert open_windows(utc("2026-12-01T11:30:00"), evening) == []


def test_each_zone_has_exactly_one_window_a_day():
    start = utc("2026-12-01T00:00:00")
    opened: dict[str, int] = {}
    for minute in range(0, 24 * 60, 15):  # as the sweep runs: every 15 minutes
        for window in open_windows(start + timedelta(minutes=minute), POLICY):
            for zone in window.zones:
                opened[zone] = opened.get(zone, 0) + 1
    assert opened == {"Asia/Jakarta": 4, "Asia/Pontianak": 4, "Asia/Makassar": 4, "Asia/Jayapura": 4}


@pytest.mark.parametrize(
    ("now", "groups"),
    [
        (
            "2026-11-30T16:30:00",
            {date(2026, 11, 30): WIB, date(2026, 12, 1): ("Asia/Makassar", "Asia/Jayapura")},
        ),
        (
            "2026-11-30T15:30:00",
            {date(2026, 11, 30): (*WIB, "Asia/Makassar"), date(2026, 12, 1): ("Asia/Jayapura",)},
        ),
        ("2026-11-30T17:00:00", {date(2026, 12, 1): (*WIB, "Asia/Makassar", "Asia/Jayapura")}),
    ],
)
def test_zones_are_grouped_by_the_date_it_is_there(now, groups):
    assert zones_by_local_date(utc(now)) == groups


# -- the policy, from configuration ---------------------------------------------------------------

SETTINGS = (
    "MAIL_MAX_ATTEMPTS",
    "MAIL_RETRY_BASE_SECONDS",
    "MAIL_SENDING_TIMEOUT_SECONDS",
    "REMINDER_LOCAL_HOUR",
    "REMINDER_WINDOW_MINUTES",
)


@pytest.fixture
def clean_environment(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_policy_defaults_to_eight_oclock_for_an_hour_and_eight_attempts(clean_environment):
    policy = MailPolicy.from_config({})
    assert (policy.local_hour, policy.window, policy.max_attempts) == (8, timedelta(hours=1), 8)
    assert policy.retry_base_seconds == 60.0
    assert policy.sending_timeout == timedelta(minutes=15)


def test_the_policy_reads_the_app_config_first(clean_environment):
    clean_environment.setenv("REMINDER_LOCAL_HOUR", "6")
    policy = MailPolicy.from_config(
        {"REMINDER_LOCAL_HOUR": 7, "REMINDER_WINDOW_MINUTES": 30, "MAIL_MAX_ATTEMPTS": "3"}
    )
    assert (policy.local_hour, policy.window, policy.max_attempts) == (7, timedelta(minutes=30), 3)


def test_the_policy_ignores_empty_values_and_the_environment(clean_environment):
    # The environment is read once, by the app's config; a value left empty is no value.
    clean_environment.setenv("REMINDER_LOCAL_HOUR", "9")
    policy = MailPolicy.from_config({"REMINDER_WINDOW_MINUTES": None, "MAIL_SENDING_TIMEOUT_SECONDS": ""})
    assert policy.local_hour == 8
    assert policy.sending_timeout == timedelta(minutes=15)
    assert policy.window == timedelta(hours=1)


# -- the days the reminder rules compare with -----------------------------------------------------


def test_the_rules_compare_with_days_around_the_windows_local_day():
    params = day_params(date(2026, 12, 30))
    assert params["day-2"] == date(2026, 12, 28)  # a proposal unanswered for two days
    assert params["day+1"] == date(2026, 12, 31)  # an activity tomorrow
    assert params["day+3"] == date(2027, 1, 2)
    for days in AGREEMENT_DAYS:
        assert params[f"day{days:+d}"] == date(2026, 12, 30) + timedelta(days=days)
    assert AGREEMENT_DAYS == (60, 30, 7)


@pytest.mark.parametrize(
    ("auto_complete_days", "closing_after"),
    [(30, 23), (14, 7), (8, 1), (7, 1), (1, 1)],
)
def test_the_centre_is_reminded_at_the_end_and_a_week_before_the_automatic_close(
    auto_complete_days, closing_after
):
    assert reminder_days(auto_complete_days) == (
        ("collaboration-ended", 0),
        ("collaboration-closing-7d", closing_after),
    )
