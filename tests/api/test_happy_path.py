"""The issue's walk-through over HTTP: draft, propose, accept, and what everyone then sees."""

from __future__ import annotations

from sqlalchemy import select

from events.store import outbox
from mitra.extensions import db
from tests.factories import PASSWORD


def test_manager_proposes_partner_accepts_history_and_outbox_tell_the_story(world):
    client = world.client
    # A centre manager signs in with e-mail and password.
    response = client.post(
        "/api/v1/auth/tokens", json={"email": "manajer.malang@mitra.test", "password": PASSWORD}
    )
    assert response.status_code == 201
    assert set(response.get_json()) == {"token", "expires_at"}
    manager = {"Authorization": f"Bearer {response.get_json()['token']}"}

    # Drafts (no centre_id: their own centre is meant) and proposes.
    body = {
        "partner_id": world.ids["partner"],
        "title": "Pelatihan ekspor kopi",
        "service_area": "pemasaran",
        "starts_on": "2031-03-01",
        "ends_on": "2031-05-31",
        "target_umkm": 30,
    }
    response = client.post("/api/v1/collaborations", json=body, headers=manager)
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    assert draft["status"] == "draft" and draft["centre_id"] == world.ids["centre"]
    assert {
        "id",
        "centre_id",
        "partner_id",
        "title",
        "service_area",
        "description",
        "starts_on",
        "ends_on",
        "respond_by",
        "target_umkm",
        "status",
        "created_at",
        "updated_at",
    } <= set(draft)
    response = client.post(f"/api/v1/collaborations/{draft['id']}/propose", headers=manager)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "proposed"
    assert response.get_json()["respond_by"] is not None  # defaulted: 14 days at the centre

    # The partner's user signs in, lists it, accepts it.
    response = client.post(
        "/api/v1/auth/tokens", json={"email": "mitra.bank@mitra.test", "password": PASSWORD}
    )
    partner = {"Authorization": f"Bearer {response.get_json()['token']}"}
    listed = client.get("/api/v1/collaborations?status=proposed", headers=partner).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == draft["id"]
    assert set(listed) == {"items", "total", "page", "per_page"}
    response = client.post(f"/api/v1/collaborations/{draft['id']}/accept", headers=partner)
    assert response.status_code == 200, response.get_json()

    # The manager sees it accepted; its history names both people.
    seen = client.get(f"/api/v1/collaborations/{draft['id']}", headers=manager).get_json()
    assert seen["status"] == "accepted"
    history = client.get(f"/api/v1/collaborations/{draft['id']}/history", headers=manager).get_json()
    steps = [(entry["action"], entry["actor"], entry["actor_name"]) for entry in history["items"]]
    manager = (f"user:{world.users['manager'].id}", "Manajer Malang (PLUT-KUMKM Kab. Malang)")
    partner = (f"user:{world.users['partner'].id}", "Petugas Bank (Bank BUMN Mitra UMKM)")
    assert steps == [
        ("collaboration.create", *manager),
        ("collaboration.propose", *manager),
        ("collaboration.accept", *partner),
    ]
    assert history["items"][2]["before"] == {"status": "proposed"}
    assert history["items"][2]["after"] == {"status": "accepted"}

    # The outbox holds drafted, proposed, accepted, in that order.
    types = db.session.scalars(
        select(outbox.c.type).where(outbox.c.subject == f"collaboration/{draft['id']}").order_by(outbox.c.id)
    ).all()
    assert types == [
        "mitra.collaboration.drafted",
        "mitra.collaboration.proposed",
        "mitra.collaboration.accepted",
    ]


def test_a_partnership_appears_as_a_prospect_with_the_first_draft(world):
    assert world.call("manager", "GET", "/api/v1/partnerships").get_json()["total"] == 0
    world.draft()
    world.draft(title="Kedua")
    listed = world.call("manager", "GET", "/api/v1/partnerships").get_json()
    assert listed["total"] == 1
    assert listed["items"][0]["status"] == "prospect"
    # The partner does not see a centre's drafts, nor the prospect they created.
    assert world.call("partner", "GET", "/api/v1/partnerships").get_json()["total"] == 0
    assert world.call("partner", "GET", "/api/v1/collaborations").get_json()["total"] == 0
