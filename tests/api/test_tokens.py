"""A web session is not an API token: each opens only its own door. Users list their API
tokens (never the token itself) and revoke one by its id; someone else's is 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from events.types import utcnow
from mitra import create_app
from mitra.extensions import db
from mitra.models import ApiToken
from mitra.security.tokens import token_hash
from tests.factories import PASSWORD
from tests.web.conftest import csrf_token

TOKENS = "/api/v1/auth/tokens"


@pytest.fixture
def served(app_config, world):
    """A second instance of the app, as a browser would talk to a server process (a request in
    the test's own app context would share its `g`, and so its signed-in user)."""
    app = create_app(app_config)
    db.session.commit()  # the test's session holds no lock the other instance waits for
    yield app
    with app.app_context():
        db.engine.dispose()


def _web_sign_in(app, client, email: str) -> str:
    """Sign in through the login form, as a browser does; the session id its cookie carries."""
    db.session.commit()
    token = csrf_token(client.get("/login").text)
    db.session.commit()
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    cookie = client.get_cookie("session").value
    return app.session_interface.get_signing_serializer(app).loads(cookie)["sid"]


def _sign_in(world, email="manajer.malang@mitra.test", **extra):
    response = world.client.post(TOKENS, json={"email": email, "password": PASSWORD, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_web_session_id_is_refused_as_a_bearer_token(served, world):
    browser = served.test_client()
    sid = _web_sign_in(served, browser, "manajer.malang@mitra.test")
    response = world.client.get("/api/v1/me", headers=_bearer(sid))
    assert response.status_code == 401
    assert response.get_json()["code"] == 401
    assert world.client.get(TOKENS, headers=_bearer(sid)).status_code == 401
    assert world.client.delete(f"{TOKENS}/current", headers=_bearer(sid)).status_code == 401
    assert browser.get("/account").status_code == 200  # the session itself still works


def test_an_api_token_in_a_session_cookie_opens_no_page(served, world):
    browser = served.test_client()
    with browser.session_transaction() as session:
        session["sid"] = world.tokens["manager"]
    db.session.commit()
    assert browser.get("/account").status_code == 302  # to the login page
    assert world.client.get("/api/v1/me", headers=world.headers("manager")).status_code == 200


def test_the_list_shows_your_live_api_tokens_and_never_a_token(served, world):
    labelled = _sign_in(world, label="laporan bulanan")
    _web_sign_in(served, served.test_client(), "manajer.malang@mitra.test")  # a session: not listed
    _sign_in(world, email="manajer.gianyar@mitra.test")  # someone else's: not listed
    expired = _sign_in(world)
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == token_hash(expired))
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    assert world.client.get("/api/v1/me", headers=_bearer(expired)).status_code == 401

    response = world.client.get(TOKENS, headers=_bearer(labelled))
    assert response.status_code == 200
    body = response.get_json()
    mine = db.session.scalars(
        select(ApiToken.id).where(
            ApiToken.user_id == world.users["manager"].id,
            ApiToken.kind == "api",
            ApiToken.expires_at > utcnow(),
        )
    ).all()
    assert body["total"] == 2 and sorted(t["id"] for t in body["items"]) == sorted(mine)
    assert [t["label"] for t in body["items"]] == ["laporan bulanan", None]  # newest first
    assert set(body["items"][0]) == {"id", "label", "created_at", "expires_at", "last_used_at"}
    assert body["items"][0]["last_used_at"] is not None  # it was just used
    text = response.get_data(as_text=True)
    for secret in (labelled, world.tokens["manager"], *db.session.scalars(select(ApiToken.token_hash))):
        assert secret not in text


def test_revoking_one_of_your_tokens_by_id_ends_it_and_no_other(world):
    spare = _sign_in(world, label="skrip lama")
    listed = world.client.get(TOKENS, headers=world.headers("manager")).get_json()["items"]
    [spare_id] = [t["id"] for t in listed if t["label"] == "skrip lama"]
    response = world.client.delete(f"{TOKENS}/{spare_id}", headers=world.headers("manager"))
    assert response.status_code == 204
    assert world.client.get("/api/v1/me", headers=_bearer(spare)).status_code == 401
    assert world.client.get("/api/v1/me", headers=world.headers("manager")).status_code == 200
    assert world.client.delete(f"{TOKENS}/{spare_id}", headers=world.headers("manager")).status_code == 404
    remaining = world.client.get(TOKENS, headers=world.headers("manager")).get_json()["items"]
    assert spare_id not in {t["id"] for t in remaining}


def test_someone_elses_token_or_a_session_cannot_be_revoked_by_id(served, world):
    others = _sign_in(world, email="manajer.gianyar@mitra.test")
    others_id = db.session.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()).limit(1))
    _web_sign_in(served, served.test_client(), "manajer.malang@mitra.test")
    session_id = db.session.scalar(select(ApiToken.id).where(ApiToken.kind == "session"))
    for ident in (others_id, session_id, 999_999):
        response = world.client.delete(f"{TOKENS}/{ident}", headers=world.headers("manager"))
        assert response.status_code == 404, ident
        assert response.get_json()["code"] == 404
    assert world.client.get("/api/v1/me", headers=_bearer(others)).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.revoked_at).where(ApiToken.id == session_id)) is None


def test_a_label_is_at_most_100_characters(world):
    response = world.client.post(
        TOKENS, json={"email": "manajer.malang@mitra.test", "password": PASSWORD, "label": "x" * 101}
    )
    assert response.status_code == 422
    assert "label" in response.get_json()["errors"]


def test_tokens_past_their_expiry_leave_the_list(world):
    with time_machine.travel(utcnow() + timedelta(hours=13)):
        fresh = _sign_in(world)
        items = world.client.get(TOKENS, headers=_bearer(fresh)).get_json()["items"]
    assert len(items) == 1  # the world's token, issued 13 hours ago, has expired
