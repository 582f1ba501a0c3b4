"""Security headers on every response, Secure cookies over https, throttle waits, and If-Match checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask, jsonify, session

from mitra.api.preconditions import etag_header, etag_of, if_match
from mitra.models import Centre, Collaboration
from mitra.security import headers
from mitra.security.ratelimit import _wait
from mitra.services.errors import PreconditionFailed, PreconditionRequired


@pytest.fixture
def client():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "unit-tests-only-" + "x" * 32
    headers.init_app(app)

    @app.get("/")
    def page():
        return "<p>halo</p>"

    @app.get("/api/docs")
    def docs():
        return "<style>p{}</style>"

    @app.get("/api/me")
    def me():
        return jsonify(id=5)

    @app.get("/framed")
    def framed():
        return "<p>x</p>", 200, {"X-Frame-Options": "SAMEORIGIN"}

    @app.get("/signin")
    def signin():
        session["user"] = 5
        return "<p>ok</p>"

    return app.test_client()


def test_pages_load_scripts_and_styles_only_from_mitra_itself(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self';" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_the_api_reference_may_use_its_own_styles_but_still_no_script(client):
    csp = client.get("/api/docs").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp
    assert "script-src 'self';" in csp


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ],
)
def test_every_response_carries_the_security_headers(client, name, value):
    assert client.get("/").headers[name] == value
    assert client.get("/api/me").headers[name] == value


def test_a_view_that_sets_a_header_itself_keeps_it(client):
    assert client.get("/framed").headers["X-Frame-Options"] == "SAMEORIGIN"


def test_pages_are_never_kept_by_a_cache_but_api_answers_may_be(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert "Cache-Control" not in client.get("/api/me").headers


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert (
        client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]
        == "max-age=31536000"
    )


def test_the_session_cookie_is_secure_over_https_even_outside_production(client):
    cookie = client.get("/signin", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_the_session_cookie_over_plain_http_in_development_is_not_marked_secure(client):
    assert "Secure" not in client.get("/signin").headers["Set-Cookie"]


# -- throttles ---------------------------------------------------------------------------------------

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


@pytest.mark.parametrize(
    ("hits", "started_ago", "wait"),
    [
        (4, timedelta(minutes=1), None),  # under the limit: may try now
        (5, timedelta(minutes=1), 14 * 60 + 1),  # at the limit: until the window ends
        (9, timedelta(minutes=1), 14 * 60 + 1),
        (5, timedelta(minutes=15), None),  # the window has ended
        (5, timedelta(minutes=20), None),
        (5, timedelta(minutes=14, seconds=59, microseconds=500_000), 1),  # never "wait 0 seconds"
    ],
)
def test_a_throttled_address_is_told_how_long_to_wait(hits, started_ago, wait):
    assert _wait(hits, NOW - started_ago, 5, WINDOW, NOW) == wait


# -- ETags and If-Match ------------------------------------------------------------------------------


def test_a_versioned_record_has_a_readable_etag_that_changes_with_its_version():
    assert etag_of(Collaboration(id=7, version=3)) == "collaboration-7-v3"
    assert etag_header(Collaboration(id=7, version=4)) == {"ETag": '"collaboration-7-v4"'}


def test_a_registry_record_has_an_etag_from_when_it_last_changed():
    first = etag_of(Centre(id=1, updated_at=NOW))
    assert len(first) == 32
    assert first == etag_of(Centre(id=1, updated_at=NOW))
    assert first != etag_of(Centre(id=1, updated_at=NOW + timedelta(seconds=1)))
    assert first != etag_of(Centre(id=2, updated_at=NOW))


@pytest.fixture
def app():
    return Flask(__name__)


def check(app, required: bool, header: str | None, record) -> None:
    sent = {"If-Match": header} if header is not None else {}
    with app.test_request_context("/api/collaborations/7", method="PATCH", headers=sent):
        if_match(required=required)(record)


def test_a_patch_without_if_match_is_refused_with_428(app):
    with pytest.raises(PreconditionRequired) as refused:
        check(app, True, None, Collaboration(id=7, version=3))
    assert refused.value.status == 428 and refused.value.errors == {"If-Match": ["is required"]}


def test_an_action_without_if_match_goes_ahead(app):
    check(app, False, None, Collaboration(id=7, version=3))


@pytest.mark.parametrize("header", ['"collaboration-7-v3"', '"other", "collaboration-7-v3"', "*"])
def test_the_current_etag_or_a_star_matches(app, header):
    check(app, True, header, Collaboration(id=7, version=3))


@pytest.mark.parametrize("header", ['"collaboration-7-v2"', 'W/"collaboration-7-v3"', '"collaboration-8-v3"'])
def test_a_stale_or_weak_etag_is_refused_with_412_naming_the_current_one(app, header):
    with pytest.raises(PreconditionFailed) as refused:
        check(app, True, header, Collaboration(id=7, version=3))
    assert refused.value.status == 412
    assert refused.value.errors == {"If-Match": ['does not match the current ETag "collaboration-7-v3"']}
