"""`/healthz` tells anyone whether Mitra is up, and only an operator (the health token) or a
ministry admin each dependency's state: database, outbox backlog, broker."""

import pytest

from events.outbox import emit
from mitra.extensions import db
from mitra.services import tokens
from tests.e2e.conftest import accepted_event
from tests.factories import PartnerFactory, UserFactory

HEALTH_TOKEN = "kunci-kesehatan-operator-" + "x" * 20


@pytest.fixture
def bearer(app):
    """Authorization headers by who asks."""
    app.config["MITRA_HEALTH_TOKEN"] = HEALTH_TOKEN
    admin, _ = tokens.issue(UserFactory(role="ministry_admin"))
    partner_user, _ = tokens.issue(UserFactory(role="partner_user", partner=PartnerFactory()))
    db.session.commit()
    return {
        "operator": {"Authorization": f"Bearer {HEALTH_TOKEN}"},
        "admin": {"Authorization": f"Bearer {admin}"},
        "partner user": {"Authorization": f"Bearer {partner_user}"},
        "wrong token": {"Authorization": f"Bearer {HEALTH_TOKEN[:-1]}y"},
        "anyone": {},
    }


def test_healthz_is_200_when_everything_is_up(client, bearer):
    response = client.get("/healthz", headers=bearer["operator"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "backend": db.engine.dialect.name}
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["outbox"]["backlog"] == 0


def test_healthz_shows_the_outbox_backlog_to_a_ministry_admin(client, bearer):
    emit(db.session, accepted_event(1))
    db.session.commit()
    body = client.get("/healthz", headers=bearer["admin"]).get_json()
    assert body["checks"]["outbox"]["backlog"] == 1
    assert body["checks"]["outbox"]["oldest_unpublished"]


@pytest.mark.parametrize("who", ["anyone", "partner user", "wrong token"])
def test_anyone_else_learns_only_whether_mitra_is_up(client, bearer, who):
    response = client.get("/healthz", headers=bearer[who])
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_is_503_when_the_broker_is_unreachable(app, client, bearer):
    app.config["BROKER_URL"] = "amqp://guest:secret@127.0.0.1:1//"
    anonymous = client.get("/healthz")
    assert anonymous.status_code == 503
    assert anonymous.get_json() == {"status": "unavailable"}
    assert "127.0.0.1" not in anonymous.text and "amqp" not in anonymous.text

    response = client.get("/healthz", headers=bearer["operator"])
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert "secret" not in response.text and "**" in body["checks"]["broker"]["url"]
    assert body["checks"]["database"]["ok"] is True


def test_without_a_health_token_configured_no_bearer_matches_it(app, client, bearer):
    app.config["MITRA_HEALTH_TOKEN"] = None
    assert client.get("/healthz", headers=bearer["operator"]).get_json() == {"status": "ok"}
    assert client.get("/healthz", headers={"Authorization": "Bearer "}).get_json() == {"status": "ok"}
