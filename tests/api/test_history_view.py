"""What a partner may see of a collaboration's history: from the first proposal on, what was
proposed (never the draft before it), and people by name and organisation, never by e-mail."""

from __future__ import annotations

from datetime import UTC, datetime

from mitra.extensions import db
from mitra.models import Collaboration
from mitra.services.lifecycle import SystemActor, transition

C = "/api/v1/collaborations"
DRAFT_TITLE = "Draf internal: pelatihan sementara"
DRAFT_NOTE = "Catatan internal, belum untuk mitra"


def drafted_edited_proposed_accepted(world) -> int:
    draft = world.draft(title=DRAFT_TITLE, description=DRAFT_NOTE, target_umkm=10)
    etag = world.call("manager", "GET", f"{C}/{draft['id']}").headers["ETag"]
    edited = world.call(
        "manager",
        "PATCH",
        f"{C}/{draft['id']}",
        headers={"If-Match": etag},
        json={
            "title": "Pelatihan ekspor kopi",
            "description": "Kelas ekspor untuk UMKM kopi",
            "target_umkm": 30,
        },
    )
    assert edited.status_code == 200, edited.get_json()
    world.act("manager", draft["id"], "propose")
    world.act("partner", draft["id"], "accept")
    return draft["id"]


def test_a_partners_history_starts_at_the_proposal_with_what_was_proposed(world):
    ident = drafted_edited_proposed_accepted(world)
    response = world.call("partner", "GET", f"{C}/{ident}/history")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert DRAFT_TITLE not in text and DRAFT_NOTE not in text
    assert "@" not in text
    history = response.get_json()
    assert [e["action"] for e in history["items"]] == ["collaboration.propose", "collaboration.accept"]
    assert history["total"] == 2
    proposal = history["items"][0]
    assert proposal["after"]["title"] == "Pelatihan ekspor kopi"
    assert proposal["after"]["description"] == "Kelas ekspor untuk UMKM kopi"
    assert proposal["after"]["target_umkm"] == 30 and proposal["after"]["respond_by"] == "2031-02-01"
    assert proposal["actor"] == f"user:{world.users['manager'].id}"
    assert proposal["actor_name"] == "Manajer Malang (PLUT-KUMKM Kab. Malang)"
    assert history["items"][1]["actor_name"] == "Petugas Bank (Bank BUMN Mitra UMKM)"
    # Newest first, or any page of it: still nothing from before the proposal.
    newest = world.call("partner", "GET", f"{C}/{ident}/history?sort=-id&per_page=1&page=2").get_json()
    assert [e["action"] for e in newest["items"]] == ["collaboration.propose"] and newest["total"] == 2


def test_centre_staff_and_the_ministry_keep_the_whole_history_named_without_e_mail(world):
    ident = drafted_edited_proposed_accepted(world)
    for who in ("manager", "admin"):
        response = world.call(who, "GET", f"{C}/{ident}/history")
        history = response.get_json()["items"]
        assert [e["action"] for e in history] == [
            "collaboration.create",
            "collaboration.update",
            "collaboration.propose",
            "collaboration.accept",
        ]
        assert history[0]["after"]["title"] == DRAFT_TITLE
        assert history[1]["before"]["title"] == DRAFT_TITLE
        assert "@" not in response.get_data(as_text=True)


def test_a_system_step_is_named_for_its_job(world):
    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    transition(
        db.session.get(Collaboration, draft["id"]),
        "expire",
        actor=SystemActor("proposal-expiry"),
        clock=lambda: datetime(2031, 2, 2, tzinfo=UTC),
    )
    db.session.commit()
    last = world.call("partner", "GET", f"{C}/{draft['id']}/history").get_json()["items"][-1]
    assert (last["actor"], last["actor_name"]) == ("system:proposal-expiry", "system (proposal-expiry)")
