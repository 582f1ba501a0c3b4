"""`/api/v1/umkm/{nib}/outcomes` and `/api/v1/collaborations/{id}/outcomes`: each type is
recorded, financing needs its amount and nothing else takes one, what an outcome names must
be the recorder's own, outsiders meet 404 and partners 403, and each record is audited and
announced."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from events.envelope import decode
from events.store import outbox
from mitra.extensions import db
from mitra.models import Activity, AuditEntry, OutcomeType
from tests.factories import AttendanceFactory, UmkmFactory

RUPIAH_25M = 25_000_000


@pytest.fixture
def work(world):
    """Malang's collaboration with the bank, accepted, with an activity a business attended;
    Gianyar's with the telco and its activity; a second business on no list."""
    ids = {}
    for manager, partner, key in (
        ("manager", "partner", "malang"),
        ("other_manager", "other_partner", "gianyar"),
    ):
        collaboration = world.accepted(manager, partner, partner_id=world.ids[partner])
        activity = world.plan(collaboration["id"], who=manager)
        ids[f"{key}_collaboration"] = collaboration["id"]
        ids[f"{key}_activity"] = activity["id"]
    business = UmkmFactory(registered_by_centre_id=world.ids["centre"])
    AttendanceFactory(activity=db.session.get(Activity, ids["malang_activity"]), umkm=business)
    ids["nib"] = business.nib
    ids["unlisted_nib"] = UmkmFactory().nib
    return ids


def post(world, who, nib, body):
    return world.call(who, "POST", f"/api/v1/umkm/{nib}/outcomes", json=body)


def test_each_type_is_recorded_and_listed_on_the_business(world, work):
    for kind in OutcomeType:
        body = {"type": kind.value, "date": "2026-11-02", "note": f"catatan {kind.value}"}
        if kind == OutcomeType.FINANCING:
            body["amount_idr"] = RUPIAH_25M
        response = post(world, "manager", work["nib"], body)
        assert response.status_code == 201, (kind, response.get_json())
        made = response.get_json()
        assert (made["type"], made["date"], made["nib"]) == (kind.value, "2026-11-02", work["nib"])
        assert made["amount_idr"] == (RUPIAH_25M if kind == OutcomeType.FINANCING else None)
        assert made["centre_id"] == world.ids["centre"]
        assert "owner_name" not in made and "phone" not in made
    listed = world.call("manager", "GET", f"/api/v1/umkm/{work['nib']}/outcomes?per_page=100").get_json()
    assert listed["total"] == len(OutcomeType)
    assert {item["type"] for item in listed["items"]} == {t.value for t in OutcomeType}
    # The register is national: another centre reads them too; filtered by type on request.
    financing = world.call("other_manager", "GET", f"/api/v1/umkm/{work['nib']}/outcomes?type=financing")
    assert [item["amount_idr"] for item in financing.get_json()["items"]] == [RUPIAH_25M]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "financing", "date": "2026-11-02"}, "amount_idr"),
        ({"type": "halal_certificate", "date": "2026-11-02", "amount_idr": 5_000_000}, "amount_idr"),
        ({"type": "financing", "date": "2026-11-02", "amount_idr": 0}, "amount_idr"),
        ({"type": "financing", "date": "2026-11-02", "amount_idr": "25000000"}, "amount_idr"),
        ({"type": "grant", "date": "2026-11-02"}, "type"),
        ({"type": "export"}, "date"),
        ({"type": "export", "date": "2099-01-01"}, "date"),
    ],
)
def test_refusals_name_the_field(world, work, body, field):
    response = post(world, "manager", work["nib"], body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert world.call("manager", "GET", f"/api/v1/umkm/{work['nib']}/outcomes").get_json()["total"] == 0


def test_an_activity_names_its_collaboration_and_must_have_the_business_on_its_attendance(world, work):
    response = post(
        world,
        "manager",
        work["nib"],
        {"type": "nib_issued", "date": "2026-11-02", "activity_id": work["malang_activity"]},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["collaboration_id"] == work["malang_collaboration"]

    not_on_the_list = post(
        world,
        "manager",
        work["unlisted_nib"],
        {"type": "nib_issued", "date": "2026-11-02", "activity_id": work["malang_activity"]},
    )
    assert not_on_the_list.status_code == 422
    assert "attendance" in not_on_the_list.get_json()["errors"]["activity_id"][0]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"activity_id": "gianyar_activity"}, "activity_id"),  # another centre's
        ({"activity_id": 987_654}, "activity_id"),  # nobody's: the same answer
        ({"collaboration_id": "gianyar_collaboration"}, "collaboration_id"),
        ({"activity_id": "malang_activity", "collaboration_id": "malang_collaboration"}, "collaboration_id"),
    ],
)
def test_a_centre_names_only_its_own_activities_and_collaborations(world, work, extra, field):
    body = {"type": "export", "date": "2026-11-02", **{k: work.get(v, v) for k, v in extra.items()}}
    response = post(world, "manager", work["nib"], body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_a_collaboration_not_agreed_is_refused(world, work):
    draft = world.draft()
    response = post(
        world,
        "manager",
        work["nib"],
        {"type": "export", "date": "2026-11-02", "collaboration_id": draft["id"]},
    )
    assert response.status_code == 422
    assert "draft" in response.get_json()["errors"]["collaboration_id"][0]


def test_the_ministry_names_any_centres_activity(world, work):
    response = post(
        world,
        "admin",
        work["unlisted_nib"],
        {"type": "bpom_permit", "date": "2026-11-02", "collaboration_id": work["gianyar_collaboration"]},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["centre_id"] is None  # recorded by the ministry, not a centre


def test_an_outsider_gets_404_and_a_partner_403(world, work):
    nib = work["nib"]
    for method, body in (("GET", None), ("POST", {"type": "export", "date": "2026-11-02"})):
        response = world.call("other_partner", method, f"/api/v1/umkm/{nib}/outcomes", json=body)
        assert response.status_code == 404, response.get_json()
        assert response.get_json()["message"] == f"umkm {nib} does not exist"
    for unknown in ("9999999999999", "12345", "abcdefghijklm"):
        assert world.call("manager", "GET", f"/api/v1/umkm/{unknown}/outcomes").status_code == 404
    # The bank sees the business (it attended the bank's activity) but records nothing.
    refused = post(world, "partner", nib, {"type": "export", "date": "2026-11-02"})
    assert refused.status_code == 403, refused.get_json()


def test_a_partner_reads_the_outcomes_of_its_own_collaborations_only(world, work):
    nib = work["nib"]
    post(
        world,
        "manager",
        nib,
        {
            "type": "financing",
            "date": "2026-10-01",
            "amount_idr": RUPIAH_25M,
            "activity_id": work["malang_activity"],
        },
    )
    post(world, "manager", nib, {"type": "halal_certificate", "date": "2026-10-05"})  # no collaboration
    post(
        world,
        "admin",
        nib,
        {"type": "export", "date": "2026-10-09", "collaboration_id": work["gianyar_collaboration"]},
    )

    seen = world.call("partner", "GET", f"/api/v1/umkm/{nib}/outcomes").get_json()
    assert [(item["type"], item["amount_idr"]) for item in seen["items"]] == [("financing", RUPIAH_25M)]
    assert world.call("manager", "GET", f"/api/v1/umkm/{nib}/outcomes").get_json()["total"] == 3

    # On the collaboration: its activities' outcomes too, for either side; not for outsiders.
    path = f"/api/v1/collaborations/{work['malang_collaboration']}/outcomes"
    for who in ("manager", "partner", "admin"):
        listed = world.call(who, "GET", path).get_json()
        assert [item["type"] for item in listed["items"]] == ["financing"], who
    assert world.call("other_partner", "GET", path).status_code == 404
    assert world.call("other_manager", "GET", path).status_code == 404
    gianyar = world.call(
        "other_partner", "GET", f"/api/v1/collaborations/{work['gianyar_collaboration']}/outcomes"
    )
    assert [item["type"] for item in gianyar.get_json()["items"]] == ["export"]


def test_a_record_is_audited_and_announced_without_personal_data(world, work):
    response = post(
        world,
        "manager",
        work["nib"],
        {
            "type": "financing",
            "date": "2026-11-02",
            "amount_idr": RUPIAH_25M,
            "activity_id": work["malang_activity"],
        },
    )
    outcome = response.get_json()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outcome.record"))
    assert (entry.subject_type, entry.subject_id) == ("outcome", outcome["id"])
    assert entry.after["amount_idr"] == RUPIAH_25M
    [envelope] = db.session.scalars(
        select(outbox.c.envelope).where(outbox.c.type == "mitra.umkm.outcome_recorded")
    )
    event = decode(envelope)
    assert event.data["centre_id"] == world.ids["centre"]
    assert event.data["partner_id"] == world.ids["partner"]
    assert event.data["amount_idr"] == RUPIAH_25M
    business = UmkmFactory._meta.model
    owner = db.session.scalar(select(business.owner_name).where(business.nib == work["nib"]))
    assert owner not in envelope
