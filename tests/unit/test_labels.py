"""What the pages call each code: every step of the state machine has words, in both languages."""

from __future__ import annotations

import pytest
from flask import Flask

from mitra import i18n
from mitra.models import ActivityType, CollaborationStatus, PartnershipStatus, PartnerType
from mitra.security import auth
from mitra.services.lifecycle import TRANSITIONS
from mitra.web import labels


@pytest.fixture
def app():
    app = Flask("mitra")  # its root is the package: the Indonesian catalogue is found there
    i18n.init_app(app)
    auth.init_app(app)
    return app


@pytest.mark.parametrize("verb", list(TRANSITIONS))
def test_every_transition_is_told_in_words_not_as_its_code(verb):
    assert TRANSITIONS[verb].action in labels.ACTION


@pytest.mark.parametrize(
    ("vocabulary", "table"),
    [
        (CollaborationStatus, labels.COLLABORATION_STATUS),
        (PartnershipStatus, labels.PARTNERSHIP_STATUS),
        (ActivityType, labels.ACTIVITY_TYPE),
        (PartnerType, labels.PARTNER_TYPE),
    ],
)
def test_every_code_of_a_vocabulary_has_a_label(vocabulary, table):
    assert set(table) == {member.value for member in vocabulary}


def test_an_action_without_words_yet_is_never_shown_as_its_code(app):
    with app.test_request_context("/?lang=en"):
        assert labels.action_label("collaboration.teleport") == "made a change"
        assert labels.action_label("collaboration.accept") == "accepted the proposal"


@pytest.mark.parametrize(
    ("lang", "status", "label"),
    [
        ("en", "info_requested", "Information requested"),
        ("en", "active", "Active"),
        ("en", "archived", "archived"),
    ],
)
def test_a_status_is_shown_by_its_label_and_an_unknown_one_by_its_code(app, lang, status, label):
    with app.test_request_context(f"/?lang={lang}"):
        assert labels.label(labels.COLLABORATION_STATUS, status) == label


def test_no_status_is_an_empty_cell():
    assert labels.label(labels.COLLABORATION_STATUS, None) == ""


def test_labels_are_indonesian_by_default(app):
    with app.test_request_context("/"):
        assert labels.action_label("collaboration.accept") == "menerima usulan"


@pytest.mark.parametrize(
    ("lang", "code", "name"),
    [
        ("en", "pembiayaan", "Financing"),
        ("id", "pembiayaan", "Pembiayaan"),
        ("en", "teknologi_informasi", "Information technology"),
        ("id", "sdm", "Sumber Daya Manusia"),
        ("en", "kuliner", "kuliner"),  # not a service area: its code rather than nothing
    ],
)
def test_a_service_area_is_named_in_the_viewers_language(app, lang, code, name):
    with app.test_request_context(f"/?lang={lang}"):
        assert labels.service_area_name(code) == name


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("Asia/Jakarta", "WIB: Western Indonesia (Jakarta)"),
        ("Asia/Makassar", "WITA: Central Indonesia (Makassar)"),
        ("Asia/Jayapura", "WIT: Eastern Indonesia (Jayapura)"),
    ],
)
def test_a_zone_is_offered_by_its_indonesian_abbreviation(app, zone, words):
    with app.test_request_context("/?lang=en"):
        assert labels.label(labels.ZONE, zone) == words
        assert labels.label(labels.ZONE, zone).startswith(i18n.zone_label(zone) + ":")
