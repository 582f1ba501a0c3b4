"""`/healthz` reports each dependency: database, outbox backlog, broker."""

from events.outbox import emit
from mitra.extensions import db
from tests.e2e.conftest import accepted_event


def test_healthz_is_200_when_everything_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "backend": db.engine.dialect.name}
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["outbox"]["backlog"] == 0


def test_healthz_shows_the_outbox_backlog(client):
    emit(db.session, accepted_event(1))
    db.session.commit()
    body = client.get("/healthz").get_json()
    assert body["checks"]["outbox"]["backlog"] == 1
    assert body["checks"]["outbox"]["oldest_unpublished"]


def test_healthz_is_503_when_the_broker_is_unreachable(app, client):
    app.config["BROKER_URL"] = "amqp://guest:guest@127.0.0.1:1//"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False
    assert "guest:**" in body["checks"]["broker"]["url"] or "**" in body["checks"]["broker"]["url"]
    assert body["checks"]["database"]["ok"] is True
