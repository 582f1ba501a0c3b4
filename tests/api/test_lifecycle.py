"""The collaboration lifecycle over HTTP: who may do what from which state, and what it leaves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from events.store import outbox
from mitra.extensions import db
from mitra.models import Activity, AuditEntry, Collaboration
from mitra.services.lifecycle import TRANSITIONS, SystemActor, transition

C = "/api/v1/collaborations"


def events_of(subject: str) -> list[str]:
    return db.session.scalars(
        select(outbox.c.type).where(outbox.c.subject == subject).order_by(outbox.c.id)
    ).all()


def test_an_illegal_transition_answers_409_naming_the_states_that_allow_it(world):
    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    body = world.act("manager", draft["id"], "propose", status=409)
    assert "allowed only from draft" in body["message"] and "proposed" in body["message"]
    world.act("partner", draft["id"], "accept")
    body = world.act("partner", draft["id"], "decline", {"reason": "berubah pikiran"}, status=409)
    assert "allowed only from proposed" in body["message"]
    # Accepted, not yet started (its start date is to come): nothing to complete yet.
    body = world.act("manager", draft["id"], "complete", {"summary": "selesai"}, status=409)
    assert "allowed only from active" in body["message"]


@pytest.mark.parametrize(
    ("who", "verb", "body"),
    [
        ("manager", "accept", None),
        ("manager", "decline", {"reason": "x"}),
        ("admin", "accept", None),
        ("partner", "cancel", {"reason": "x"}),
        ("partner", "propose", None),
    ],
)
def test_the_wrong_role_is_forbidden(world, who, verb, body):
    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    answer = world.act(who, draft["id"], verb, body, status=403)
    assert "only" in answer["message"]


def test_request_info_then_edit_then_revise_reproposes(world):
    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    asked = world.act("partner", draft["id"], "request-info", {"question": "Berapa peserta per kelas?"})
    assert asked["status"] == "info_requested"
    assert asked["info_question"] == "Berapa peserta per kelas?"
    etag = world.call("manager", "GET", f"{C}/{draft['id']}").headers["ETag"]
    edited = world.call(
        "manager", "PATCH", f"{C}/{draft['id']}", json={"target_umkm": 25}, headers={"If-Match": etag}
    )
    assert edited.status_code == 200 and edited.get_json()["target_umkm"] == 25
    revised = world.act("manager", draft["id"], "revise", {"answer": "25 UMKM per kelas"})
    assert revised["status"] == "proposed" and revised["info_question"] is None
    history = world.call("manager", "GET", f"{C}/{draft['id']}/history").get_json()["items"]
    assert [e["action"] for e in history] == [
        "collaboration.create",
        "collaboration.propose",
        "collaboration.request_info",
        "collaboration.update",
        "collaboration.revise",
    ]
    # The partner's starts at the proposal, and sees the edit made after its question.
    seen = world.call("partner", "GET", f"{C}/{draft['id']}/history").get_json()["items"]
    assert seen == history[1:]
    assert seen[1]["after"]["question"] == "Berapa peserta per kelas?"
    assert seen[2]["before"] == {"target_umkm": 40} and seen[2]["after"] == {"target_umkm": 25}
    assert seen[3]["after"]["answer"] == "25 UMKM per kelas"
    assert events_of(f"collaboration/{draft['id']}") == [
        "mitra.collaboration.drafted",
        "mitra.collaboration.proposed",
        "mitra.collaboration.info_requested",
        "mitra.collaboration.revised",
    ]


def test_decline_keeps_the_reason(world):
    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    declined = world.act("partner", draft["id"], "decline", {"reason": "  Anggaran tahun ini habis "})
    assert declined["status"] == "declined" and declined["decline_reason"] == "Anggaran tahun ini habis"


def test_patch_needs_if_match_and_is_refused_once_proposed(world):
    draft = world.draft()
    path = f"{C}/{draft['id']}"
    assert world.call("manager", "PATCH", path, json={"title": "Baru"}).status_code == 428
    stale = world.call("manager", "PATCH", path, json={"title": "Baru"}, headers={"If-Match": '"nope"'})
    assert stale.status_code == 412 and "If-Match" in stale.get_json()["errors"]
    etag = world.call("manager", "GET", path).headers["ETag"]
    changed = world.call("manager", "PATCH", path, json={"title": "Baru"}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    again = world.call("manager", "PATCH", path, json={"title": "Lagi"}, headers={"If-Match": etag})
    assert again.status_code == 412
    world.act("manager", draft["id"], "propose")
    etag = world.call("manager", "GET", path).headers["ETag"]
    refused = world.call("manager", "PATCH", path, json={"title": "Lagi"}, headers={"If-Match": etag})
    assert refused.status_code == 409 and "draft or info_requested" in refused.get_json()["message"]
    early = world.call("manager", "PATCH", path, json={"ends_on": "2030-01-01"}, headers={"If-Match": "*"})
    assert early.status_code == 409


def test_an_action_honours_if_match_when_sent(world):
    draft = world.draft()
    response = world.call("manager", "POST", f"{C}/{draft['id']}/propose", headers={"If-Match": '"old"'})
    assert response.status_code == 412


def test_proposing_with_a_deadline_already_past_names_respond_by(world):
    draft = world.draft(respond_by="2020-01-01")
    body = world.act("manager", draft["id"], "propose", status=422)
    assert "respond_by" in body["errors"]


def test_the_system_expires_activates_and_completes(world):
    first, second = world.draft(), world.draft()
    for c in (first, second):
        world.act("manager", c["id"], "propose")
    collaboration = db.session.get(Collaboration, first["id"])
    transition(collaboration, "expire", actor=SystemActor("proposal-expiry"))
    db.session.commit()
    history = world.call("manager", "GET", f"{C}/{first['id']}/history").get_json()["items"]
    assert history[-1]["actor"] == "system:proposal-expiry" and history[-1]["after"] == {"status": "expired"}

    world.act("partner", second["id"], "accept")
    collaboration = db.session.get(Collaboration, second["id"])
    transition(collaboration, "activate", actor=SystemActor("lifecycle"))
    db.session.commit()
    assert world.act("manager", second["id"], "complete", {"summary": "Tuntas"})["status"] == "completed"
    assert events_of(f"collaboration/{second['id']}")[-2:] == [
        "mitra.collaboration.activated",
        "mitra.collaboration.completed",
    ]


def test_a_transition_on_a_stale_copy_fails_before_its_audit_entry_and_event(world):
    from sqlalchemy.orm.exc import StaleDataError

    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    collaboration = db.session.get(Collaboration, draft["id"])
    table = Collaboration.__table__
    # Another writer moves the row on behind this copy's back.
    db.session.execute(update(table).where(table.c.id == draft["id"]).values(version=table.c.version + 1))
    with pytest.raises(StaleDataError):
        transition(collaboration, "expire", actor=SystemActor("proposal-expiry"))
    assert events_of(f"collaboration/{draft['id']}")[-1] == "mitra.collaboration.proposed"
    assert (
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.subject_id == draft["id"]).order_by(AuditEntry.id)
        ).all()[-1]
        == "collaboration.propose"
    )
    db.session.rollback()


def test_a_transition_leaves_the_object_as_written_and_clean(world):
    draft = world.draft()
    collaboration = db.session.get(Collaboration, draft["id"])
    version = collaboration.version
    transition(collaboration, "propose", actor=world.users["manager"])
    assert (collaboration.status, collaboration.version) == ("proposed", version + 1)
    assert collaboration.respond_by == date.fromisoformat(draft["respond_by"])
    assert collaboration not in db.session.dirty
    db.session.commit()
    stored = db.session.execute(
        select(Collaboration.status, Collaboration.version, Collaboration.proposed_at).where(
            Collaboration.id == draft["id"]
        )
    ).one()
    assert (stored.status, stored.version) == ("proposed", version + 1) and stored.proposed_at is not None


def test_a_person_cannot_take_a_system_transition(world):
    from mitra.services.errors import Forbidden

    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    with pytest.raises(Forbidden):
        transition(db.session.get(Collaboration, draft["id"]), "expire", actor=world.users["admin"])
    db.session.rollback()


def test_every_verb_names_its_event_and_target():
    assert set(TRANSITIONS) == {
        "propose",
        "accept",
        "decline",
        "request_info",
        "revise",
        "expire",
        "activate",
        "complete",
        "cancel",
    }
    for step in TRANSITIONS.values():
        assert step.event.name.startswith("collaboration.") and step.target not in step.sources


def accepted(world, **dates) -> dict:
    draft = world.draft(**dates)
    world.act("manager", draft["id"], "propose")
    return world.act("partner", draft["id"], "accept")


def test_activities_only_under_accepted_or_active_collaborations(world):
    draft = world.draft()
    plan = {"type": "training", "date": "2031-04-01", "title": "Kelas"}
    refused = world.call("manager", "POST", f"{C}/{draft['id']}/activities", json=plan)
    assert refused.status_code == 409 and "accepted or active" in refused.get_json()["message"]
    collaboration = accepted(world)
    planned = world.call("manager", "POST", f"{C}/{collaboration['id']}/activities", json=plan)
    assert planned.status_code == 201
    activity = planned.get_json()
    assert activity["status"] == "planned" and activity["service_area"] == "pemasaran"
    by_partner = world.call("partner", "POST", f"{C}/{collaboration['id']}/activities", json=plan)
    assert by_partner.status_code == 403


def test_report_an_activity_after_its_date_and_not_before(world):
    # Under way since ten days ago (so it is active at once), to end in two months.
    collaboration = accepted(
        world,
        starts_on=(date.today() - timedelta(days=10)).isoformat(),
        ends_on=(date.today() + timedelta(days=60)).isoformat(),
        respond_by=(date.today() + timedelta(days=5)).isoformat(),
    )
    assert collaboration["status"] == "active"
    later = (date.today() + timedelta(days=30)).isoformat()
    earlier = (date.today() - timedelta(days=3)).isoformat()
    future = world.call(
        "manager", "POST", f"{C}/{collaboration['id']}/activities", json={"type": "training", "date": later}
    ).get_json()
    past = world.call(
        "manager",
        "POST",
        f"{C}/{collaboration['id']}/activities",
        json={"type": "exhibition", "date": earlier, "location": "Alun-alun"},
    ).get_json()
    report = {"participants": 40, "umkm_reached": 22, "notes": "Ramai"}
    too_soon = world.call("manager", "POST", f"/api/v1/activities/{future['id']}/report", json=report)
    assert too_soon.status_code == 409 and "date" in too_soon.get_json()["errors"]
    held = world.call("manager", "POST", f"/api/v1/activities/{past['id']}/report", json=report).get_json()
    assert (held["status"], held["participants"], held["umkm_reached"]) == ("held", 40, 22)
    again = world.call("manager", "POST", f"/api/v1/activities/{past['id']}/report", json=report)
    assert again.status_code == 409
    assert events_of(f"activity/{past['id']}") == ["mitra.activity.planned", "mitra.activity.reported"]


def test_cancelling_a_collaboration_cancels_its_planned_activities(world):
    collaboration = accepted(world)
    activity = world.plan(collaboration["id"], type="mentoring")
    cancelled = world.act("manager", collaboration["id"], "cancel", {"reason": "Dana dialihkan"})
    assert cancelled["status"] == "cancelled"
    seen = world.call("manager", "GET", f"/api/v1/activities/{activity['id']}").get_json()
    assert seen["status"] == "cancelled" and seen["notes"] == "Dana dialihkan"
    assert events_of(f"activity/{activity['id']}")[-1] == "mitra.activity.cancelled"


def test_activity_patch_and_cancel(world):
    collaboration = accepted(world)
    planned = world.call(
        "manager",
        "POST",
        f"{C}/{collaboration['id']}/activities",
        json={"type": "mentoring", "date": "2031-04-01"},
    )
    etag, activity = planned.headers["ETag"], planned.get_json()
    path = f"/api/v1/activities/{activity['id']}"
    moved = world.call("manager", "PATCH", path, json={"date": "2031-04-08"}, headers={"If-Match": etag})
    assert moved.status_code == 200 and moved.get_json()["date"] == "2031-04-08"
    assert world.call("manager", "POST", f"{path}/cancel", json={}).status_code == 422
    cancelled = world.call("manager", "POST", f"{path}/cancel", json={"reason": "Hujan"})
    assert cancelled.get_json()["status"] == "cancelled"
    late = world.call("manager", "PATCH", path, json={"location": "x"}, headers={"If-Match": "*"})
    assert late.status_code == 409


def test_agreements(world):
    collaboration = accepted(world)
    mou = {
        "partnership_id": collaboration["partnership_id"],
        "kind": "mou",
        "number": "MoU/7/2031",
        "signed_on": "2031-01-10",
        "valid_until": "2033-01-09",
        "document_ref": "arsip/mou-7.pdf",
    }
    created = world.call("manager", "POST", "/api/v1/agreements", json=mou)
    assert created.status_code == 201
    assert created.get_json()["centre_id"] == world.ids["centre"]
    assert world.call("manager", "POST", "/api/v1/agreements", json=mou).status_code == 409
    backwards = {**mou, "number": "x", "valid_until": "2030-01-01"}
    refused = world.call("manager", "POST", "/api/v1/agreements", json=backwards)
    assert "valid_until" in refused.get_json()["errors"]
    by_partner = {
        **mou,
        "number": "PKS/1",
        "kind": "pks",
        "partnership_id": None,
        "partner_id": world.ids["other_partner"],
    }
    del by_partner["partnership_id"]
    pks = world.call("manager", "POST", "/api/v1/agreements", json=by_partner)
    assert pks.status_code == 201, pks.get_json()
    assert world.call("partner", "POST", "/api/v1/agreements", json=mou).status_code == 403
    assert world.call("partner", "GET", "/api/v1/agreements").get_json()["total"] == 1
    assert world.call("other_partner", "GET", "/api/v1/agreements").get_json()["total"] == 1
    assert world.call("manager", "GET", "/api/v1/agreements?kind=pks").get_json()["total"] == 1
    assert db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.subject_type == "agreement")
    ).all() == ["agreement.record", "agreement.record"]


def test_a_transition_after_an_unflushed_edit_in_the_same_transaction_keeps_both(world):
    draft = world.draft()
    collaboration = db.session.get(Collaboration, draft["id"])
    version = collaboration.version
    collaboration.title = "Pelatihan ekspor (revisi)"  # the caller's edit, not flushed yet
    transition(collaboration, "propose", actor=world.users["manager"])
    db.session.commit()
    stored = db.session.execute(
        select(Collaboration.title, Collaboration.status, Collaboration.version).where(
            Collaboration.id == draft["id"]
        )
    ).one()
    assert tuple(stored) == ("Pelatihan ekspor (revisi)", "proposed", version + 2)


def test_the_partner_confirms_an_activity_once_until_the_centre_moves_it(world):
    collaboration = accepted(world)
    activity = world.plan(collaboration["id"], location="Aula PLUT")
    path = f"/api/v1/activities/{activity['id']}"
    assert activity["confirmed_at"] is None
    assert world.call("manager", "POST", f"{path}/confirm", json={}).status_code == 403
    assert world.call("other_partner", "POST", f"{path}/confirm", json={}).status_code == 404

    confirmed = world.call("partner", "POST", f"{path}/confirm", json={})
    assert confirmed.status_code == 200
    body = confirmed.get_json()
    assert body["confirmed_at"] and body["confirmed_by_id"] == world.users["partner"].id
    again = world.call("partner", "POST", f"{path}/confirm", json={})
    assert again.status_code == 409 and "confirmed already" in again.get_json()["message"]
    assert events_of(f"activity/{activity['id']}") == ["mitra.activity.planned", "mitra.activity.confirmed"]
    assert db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.subject_type == "activity", AuditEntry.subject_id == activity["id"])
        .order_by(AuditEntry.id)
    ).all() == ["activity.plan", "activity.confirm"]

    retitled = world.call("manager", "PATCH", path, json={"title": "Kelas ekspor"}, headers={"If-Match": "*"})
    assert retitled.get_json()["confirmed_at"] is not None  # the title is not what was confirmed
    moved = world.call("manager", "PATCH", path, json={"date": "2031-04-08"}, headers={"If-Match": "*"})
    assert (moved.get_json()["confirmed_at"], moved.get_json()["confirmed_by_id"]) == (None, None)
    assert world.call("partner", "POST", f"{path}/confirm", json={}).status_code == 200

    world.call("manager", "POST", f"{path}/cancel", json={"reason": "Hujan"})
    refused = world.call("partner", "POST", f"{path}/confirm", json={})
    assert refused.status_code == 409 and "planned or held" in refused.get_json()["message"]


def test_the_database_refuses_a_confirmation_without_its_author(world):
    from sqlalchemy.exc import IntegrityError

    collaboration = accepted(world)
    activity = world.plan(collaboration["id"])
    table = Activity.__table__
    with pytest.raises(IntegrityError):
        db.session.execute(
            update(table)
            .where(table.c.id == activity["id"])
            .values(confirmed_at=datetime(2031, 3, 1, tzinfo=UTC))
        )
        db.session.flush()
    db.session.rollback()
