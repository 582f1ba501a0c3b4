"""Idempotency-Key: which keys are valid, which retries count as the same request, how long keys live."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask

from mitra.api.errors import ApiError
from mitra.api.idempotency import HEADER, VALID_KEY, idempotent
from mitra.security.ratelimit import DEFAULT_LIMITS, DEFAULT_RESET_LIMITS
from mitra.services.idempotency import KEY_LIFETIME, StoredResponse, fingerprint, stored
from workers.jobs import IDEMPOTENT_REQUESTS_KEPT, THROTTLE_COUNTERS_KEPT


@pytest.mark.parametrize(
    "key",
    ["3f1c2b9e-8a4d-4c1e-9f7a-2b6d5e8c1a0f", "a", "x" * 255, "retry:2026-12-01/#1", "!~"],
)
def test_a_key_is_one_to_255_visible_ascii_characters(key):
    assert VALID_KEY.match(key)


@pytest.mark.parametrize("key", ["", "x" * 256, "two words", "tab\tkey", "kunci-é", "nul\x00"])
def test_anything_else_is_not_a_key(key):
    assert not VALID_KEY.match(key)


def test_json_bodies_are_the_same_request_whatever_their_spacing_and_key_order():
    first = fingerprint("POST", "/api/collaborations", b'{"title": "Kopi", "partner_id": 2}')
    again = fingerprint("POST", "/api/collaborations", b'{\n  "partner_id":2,\n  "title":"Kopi"\n}')
    assert first == again


def test_the_method_is_compared_without_regard_to_case():
    assert fingerprint("post", "/api/x", b"{}") == fingerprint("POST", "/api/x", b"{}")


@pytest.mark.parametrize(
    "other",
    [
        ("PUT", "/api/collaborations", b'{"title":"Kopi"}'),
        ("POST", "/api/collaborations/", b'{"title":"Kopi"}'),
        ("POST", "/api/collaborations", b'{"title":"Kopi "}'),
        ("POST", "/api/collaborations", b'{"title":"Kopi","x":null}'),
        ("POST", "/api/collaborations", b""),
    ],
)
def test_a_different_method_path_or_body_is_a_different_request(other):
    assert fingerprint("POST", "/api/collaborations", b'{"title":"Kopi"}') != fingerprint(*other)


def test_a_body_that_is_not_json_is_compared_byte_for_byte():
    assert fingerprint("POST", "/api/x", b"a=1&b=2") == fingerprint("POST", "/api/x", b"a=1&b=2")
    assert fingerprint("POST", "/api/x", b"a=1&b=2") != fingerprint("POST", "/api/x", b"b=2&a=1")


def test_moving_characters_between_path_and_body_changes_the_fingerprint():
    assert fingerprint("POST", "/api/ab", b"c") != fingerprint("POST", "/api/a", b"bc")


def test_the_fingerprint_is_a_sha256_hex_digest():
    value = fingerprint("POST", "/api/x", b"{}")
    assert len(value) == 64 and int(value, 16) >= 0


def test_a_path_with_a_lone_surrogate_still_has_a_fingerprint():
    assert fingerprint("POST", "/api/\udcff", b"{}") != fingerprint("POST", "/api/", b"{}")


# -- the answer kept for retries --------------------------------------------------------------------


def test_a_key_still_being_worked_on_has_no_stored_answer():
    assert stored(SimpleNamespace(status_code=None, response_body=None, response_headers=None)) is None


def test_the_stored_answer_is_replayed_as_it_was():
    record = SimpleNamespace(status_code=201, response_body='{"id":7}', response_headers={"Location": "/c/7"})
    assert stored(record) == StoredResponse(201, '{"id":7}', {"Location": "/c/7"})


def test_an_answer_without_a_body_or_headers_replays_empty():
    assert stored(
        SimpleNamespace(status_code=204, response_body=None, response_headers=None)
    ) == StoredResponse(204, "", {})


# -- the decorator, before it reaches the database --------------------------------------------------


@pytest.fixture
def app():
    return Flask(__name__)


def test_a_request_without_a_key_goes_straight_to_the_view(app):
    view = idempotent(lambda: "created")
    with app.test_request_context("/api/collaborations", method="POST"):
        assert view() == "created"


@pytest.mark.parametrize("key", ["two words", "x" * 256, "kunci-é"])
def test_a_malformed_key_is_a_bad_request_before_any_work(app, key):
    view = idempotent(lambda: pytest.fail("the view ran"))
    with app.test_request_context("/api/collaborations", method="POST", headers={HEADER: key}):
        with pytest.raises(ApiError) as refused:
            view()
    assert refused.value.status == 400
    assert refused.value.errors == {HEADER: ["must be 1 to 255 visible ASCII characters"]}


# -- how long what guards the API is kept -----------------------------------------------------------


def test_a_key_is_honoured_for_a_day_and_pruned_only_after_it_lapsed():
    assert KEY_LIFETIME == timedelta(hours=24)
    assert IDEMPOTENT_REQUESTS_KEPT > KEY_LIFETIME


def test_throttle_counters_are_kept_longer_than_their_longest_window():
    windows = (DEFAULT_LIMITS.window, DEFAULT_LIMITS.ceiling_window, DEFAULT_RESET_LIMITS.window)
    assert THROTTLE_COUNTERS_KEPT > max(windows)
