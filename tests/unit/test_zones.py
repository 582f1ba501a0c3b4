"""Indonesia's three zones: the centre's "today", and moments shown with their zone named."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from mitra import i18n
from mitra.models.enums import INDONESIAN_ZONES
from mitra.security import auth
from mitra.services import notifications
from mitra.services.lifecycle import today_at


@pytest.fixture
def babel_app():
    """A bare app with Mitra's language and zone rules, and no database."""
    app = Flask(__name__)
    i18n.init_app(app)
    auth.init_app(app)  # the signed-in user's language; anonymous here
    return app


def at(iso: str):
    return lambda: datetime.fromisoformat(iso)


# -- "today" at the centre ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "now", "today"),
    [
        # 16:30 UTC: still the 30th in the west, already the 1st in the centre and the east.
        ("Asia/Jakarta", "2026-11-30T16:30:00+00:00", date(2026, 11, 30)),
        ("Asia/Pontianak", "2026-11-30T16:30:00+00:00", date(2026, 11, 30)),
        ("Asia/Makassar", "2026-11-30T16:30:00+00:00", date(2026, 12, 1)),
        ("Asia/Jayapura", "2026-11-30T16:30:00+00:00", date(2026, 12, 1)),
        # 15:30 UTC: only Jayapura (UTC+9) has turned the page.
        ("Asia/Makassar", "2026-11-30T15:30:00+00:00", date(2026, 11, 30)),
        ("Asia/Jayapura", "2026-11-30T15:30:00+00:00", date(2026, 12, 1)),
        # 17:00 UTC is midnight in WIB: the three zones share one date.
        ("Asia/Jakarta", "2026-11-30T17:00:00+00:00", date(2026, 12, 1)),
        # New Year's Eve in Jayapura while Jakarta is still in the old year.
        ("Asia/Jayapura", "2026-12-31T15:00:00+00:00", date(2027, 1, 1)),
        ("Asia/Jakarta", "2026-12-31T15:00:00+00:00", date(2026, 12, 31)),
    ],
)
def test_today_is_the_centres_calendar_day(zone, now, today):
    assert today_at(SimpleNamespace(zone=zone), at(now)) == today


def test_today_does_not_depend_on_the_zone_the_clock_reports_in():
    utc = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    in_lisbon = utc.astimezone(timezone(timedelta(hours=-1)))
    centre = SimpleNamespace(zone="Asia/Makassar")
    assert today_at(centre, lambda: utc) == today_at(centre, lambda: in_lisbon) == date(2026, 12, 1)


# -- zone names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Asia/Jakarta", "WIB"),
        ("Asia/Pontianak", "WIB"),
        ("Asia/Makassar", "WITA"),
        ("Asia/Jayapura", "WIT"),
        ("Europe/Amsterdam", "WIB"),  # a zone Mitra does not keep: the capital's
    ],
)
def test_each_zone_is_named_as_indonesians_name_it(zone, label):
    assert i18n.zone_label(zone) == label


def test_every_zone_a_centre_may_have_has_a_name_and_a_fixed_offset():
    assert set(i18n.ZONE_LABELS) == set(INDONESIAN_ZONES)
    winter, summer = datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12)
    for zone in INDONESIAN_ZONES:  # no daylight saving: one label is always right
        assert ZoneInfo(zone).utcoffset(winter) == ZoneInfo(zone).utcoffset(summer)


# -- moments ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "locale", "text"),
    [
        ("Asia/Jakarta", "id", "12 Mar 2024 07:00 WIB"),
        ("Asia/Pontianak", "id", "12 Mar 2024 07:00 WIB"),
        ("Asia/Makassar", "id", "12 Mar 2024 08:00 WITA"),
        ("Asia/Jayapura", "id", "12 Mar 2024 09:00 WIT"),
        ("Asia/Makassar", "en", "Mar 12, 2024 08:00 WITA"),
    ],
)
def test_a_moment_is_written_in_the_centres_zone_with_the_zone_named(zone, locale, text):
    assert i18n.moment_text(datetime(2024, 3, 12, 0, 0, tzinfo=UTC), zone, locale=locale) == text


def test_a_moment_just_before_midnight_utc_is_the_next_day_in_the_east():
    moment = datetime(2024, 3, 11, 20, 15, tzinfo=UTC)
    assert i18n.moment_text(moment, "Asia/Jayapura", locale="id") == "12 Mar 2024 05:15 WIT"


@pytest.mark.parametrize(
    ("zone", "iso"),
    [
        ("Asia/Jakarta", "2024-03-12T07:00:00+07:00"),
        ("Asia/Makassar", "2024-03-12T08:00:00+08:00"),
        ("Asia/Jayapura", "2024-03-12T09:00:00+09:00"),
    ],
)
def test_exports_write_a_moment_as_iso_8601_with_its_offset(zone, iso):
    assert i18n.moment_iso(datetime(2024, 3, 12, 0, 0, 0, 123456, tzinfo=UTC), zone) == iso


def test_a_naive_moment_is_utc_as_the_database_keeps_it():
    naive = datetime(2024, 3, 12, 0, 0)
    assert i18n.moment_iso(naive, "Asia/Makassar") == "2024-03-12T08:00:00+08:00"


@pytest.mark.parametrize("function", [i18n.moment_iso, i18n.moment_text])
def test_no_moment_is_an_empty_cell(function):
    assert function(None, "Asia/Jakarta") == ""


def test_without_a_known_zone_a_moment_is_told_in_the_viewers_default_zone_wib(babel_app):
    with babel_app.app_context():
        assert i18n.moment_iso(datetime(2024, 3, 12, tzinfo=UTC), None) == "2024-03-12T07:00:00+07:00"
        assert i18n.moment_iso(datetime(2024, 3, 12, tzinfo=UTC), "Mars/Olympus") == (
            "2024-03-12T07:00:00+07:00"
        )
        assert i18n.zone_label() == "WIB"


@pytest.mark.parametrize(
    ("path", "value", "text"),
    [
        ("/", 1234.5, "1.234,5"),
        ("/?lang=en", 1234.5, "1,234.5"),
        ("/", 1234, "1.234"),
        ("/?lang=en", 1234567, "1,234,567"),
        ("/", None, "–"),
        ("/?lang=en", 0.25, "0.2"),  # one decimal by default (banker's rounding, as Python's)
    ],
)
def test_numbers_follow_the_viewers_language(babel_app, path, value, text):
    with babel_app.test_request_context(path):
        assert i18n.format_number(value) == text


@pytest.mark.parametrize(("query", "language"), [("?lang=en", "en"), ("?lang=id", "id"), ("?lang=fr", None)])
def test_only_the_two_languages_may_be_asked_for(babel_app, query, language):
    with babel_app.test_request_context("/" + query):
        assert i18n.requested_language() == language


# -- whose clock a person lives by --------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "zone"),
    [
        (
            SimpleNamespace(
                role="centre_manager", centre=SimpleNamespace(zone="Asia/Jayapura"), zone="Asia/Jakarta"
            ),
            "Asia/Jayapura",
        ),
        (SimpleNamespace(role="partner_user", centre=None, zone="Asia/Makassar"), "Asia/Makassar"),
        (SimpleNamespace(role="ministry_admin", centre=None, zone=None), "Asia/Jakarta"),
        (SimpleNamespace(role="centre_manager", centre=None, zone="Asia/Makassar"), "Asia/Makassar"),
    ],
)
def test_a_centre_manager_lives_by_the_centres_clock_anyone_else_by_their_profile(user, zone):
    assert notifications.zone_of(user) == ZoneInfo(zone)


@pytest.mark.parametrize(("language", "mailed_in"), [("en", "en"), ("id", "id"), ("fr", "id"), (None, "id")])
def test_mail_is_written_in_the_recipients_language_else_indonesian(language, mailed_in):
    assert notifications.language_of(SimpleNamespace(language=language)) == mailed_in
