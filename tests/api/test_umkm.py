"""`/api/v1/umkm`: a business registers by its 13-digit NIB, a field that breaks its rule
answers 422 naming it, an NIB registered twice answers 409 pointing at the first, the list
searches by name, NIB, regency and scale (never the owner), a stale If-Match is 412, and a
partner's user never reads an owner's name, phone or e-mail."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from mitra.extensions import db
from mitra.models import Activity, AuditEntry, Umkm
from mitra.services import umkm
from tests.factories import AttendanceFactory, UmkmFactory

NIB = "9120301234567"
# Personal data no response to a partner may hold, anywhere in its body.
OWNER, PHONE, EMAIL = "Ibu Wiwik Sulistyowati", "+62 812-7788-9900", "wiwik.rahasia@contoh.id"


def body(**overrides) -> dict:
    return {
        "nib": NIB,
        "business_name": "Keripik Tempe Sanan Jaya",
        "owner_name": OWNER,
        "kbli": "10794",
        "scale": "mikro",
        "regency_code": "3507",
        "phone": PHONE,
        "email": EMAIL,
        **overrides,
    }


def register(world, who="manager", **overrides):
    return world.call(who, "POST", "/api/v1/umkm", json=body(**overrides))


def assert_no_personal_data(response) -> None:
    text = response.get_data(as_text=True)
    for secret in (OWNER, PHONE, EMAIL, "Wiwik", "7788", "wiwik.rahasia"):
        assert secret not in text, (secret, response.request.path)


@pytest.fixture
def on_bank_activity(world) -> Umkm:
    """Malang's collaboration with the bank, accepted, with an activity a business attended;
    the business carries a distinctive owner, phone and e-mail."""
    collaboration = world.accepted()
    activity = world.plan(collaboration["id"])
    business = UmkmFactory(
        nib=NIB, owner_name=OWNER, phone=PHONE, email=EMAIL, registered_by_centre_id=world.ids["centre"]
    )
    AttendanceFactory(activity=db.session.get(Activity, activity["id"]), umkm=business)
    db.session.commit()
    return business


def test_a_13_digit_nib_registers_and_is_read_back_with_its_etag(world):
    response = register(world)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/umkm/{NIB}")
    assert (made["nib"], made["regency_name"], made["registered_by_centre_id"]) == (
        NIB,
        "Kabupaten Malang",
        world.ids["centre"],
    )
    assert (made["owner_name"], made["phone"], made["email"]) == (OWNER, PHONE, EMAIL)
    read = world.call("manager", "GET", f"/api/v1/umkm/{NIB}")
    assert read.status_code == 200 and read.headers["ETag"] == response.headers["ETag"]
    # The ministry registers too (no centre); the audit entry names the personal fields, never their values.
    by_ministry = register(world, "admin", nib="9120301234568")
    assert by_ministry.status_code == 201 and by_ministry.get_json()["registered_by_centre_id"] is None
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "umkm.create")).all()
    assert len(entries) == 2
    stored = json.dumps([(e.before, e.after) for e in entries])
    assert OWNER not in stored and PHONE not in stored and EMAIL not in stored
    assert entries[0].after["nib"] == NIB and entries[0].after["personal_fields"] == [
        "email",
        "owner_name",
        "phone",
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nib": "912030123456"}, "nib"),  # 12 digits
        ({"nib": "91203O1234567"}, "nib"),  # a letter O among the digits
        ({"nib": "ABCDEFGHIJKLM"}, "nib"),
        ({"regency_code": "3599"}, "regency_code"),  # no such regency in Jawa Timur
        ({"kbli": "1079"}, "kbli"),
        ({"scale": "besar"}, "scale"),
        ({"email": "not-an-address"}, "email"),
        ({"business_name": "   "}, "business_name"),
    ],
)
def test_a_field_that_breaks_its_rule_is_422_naming_it(world, overrides, field):
    response = register(world, **overrides)
    assert response.status_code == 422, response.get_json()
    assert list(response.get_json()["errors"]) == [field]
    assert db.session.scalar(select(func.count()).select_from(Umkm)) == 0


def test_a_refusal_never_repeats_a_personal_field(world):
    response = register(world, email=f"{OWNER} at home")
    assert response.status_code == 422 and "email" in response.get_json()["errors"]
    assert OWNER not in response.get_data(as_text=True)


def test_a_partner_may_not_register(world):
    assert register(world, "partner").status_code == 403


def test_the_same_nib_twice_is_409_pointing_at_the_existing_record(world):
    assert register(world).status_code == 201
    again = register(world, "other_manager", business_name="Nama Lain")
    assert again.status_code == 409, again.get_json()
    assert again.get_json()["existing"] == f"/api/v1/umkm/{NIB}"
    assert "nib" in again.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Umkm)) == 1


def test_a_registration_racing_another_is_409_from_the_unique_key(world, monkeypatch):
    """The other request commits between the check and the insert: the check saw nothing,
    the unique key refuses, and the answer is the same 409."""
    UmkmFactory(nib=NIB)
    db.session.commit()
    seen = iter([None])
    real = umkm._existing
    monkeypatch.setattr(umkm, "_existing", lambda nib: next(seen, real(nib)))
    response = register(world)
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["existing"] == f"/api/v1/umkm/{NIB}"


def test_search_by_name_nib_regency_and_scale_never_by_owner(world):
    UmkmFactory(nib="9120000000101", business_name="Batik Tulis Gianyar", regency_code="5104", scale="kecil")
    UmkmFactory(
        nib="9120000000202", business_name="Kopi Dampit", regency_code="3507", scale="mikro", owner_name=OWNER
    )
    UmkmFactory(nib="9130000000303", business_name="Kopi Luwak Bali", regency_code="5104", scale="menengah")
    db.session.commit()

    def found(query: str) -> list[str]:
        response = world.call("manager", "GET", f"/api/v1/umkm?{query}")
        assert response.status_code == 200, response.get_json()
        return [item["nib"] for item in response.get_json()["items"]]

    assert found("q=kopi") == ["9120000000202", "9130000000303"]  # by name, sorted by name
    assert found("q=912000") == ["9120000000101", "9120000000202"]  # the start of an NIB
    assert found("nib=9130000000303") == ["9130000000303"]
    assert found("regency_code=5104") == ["9120000000101", "9130000000303"]
    assert found("scale=kecil") == ["9120000000101"]
    assert found("regency_code=5104&scale=menengah&q=kopi") == ["9130000000303"]
    assert found("q=Wiwik") == []  # the owner's name is no search key
    assert found("sort=-nib")[0] == "9130000000303"
    listed = world.call("manager", "GET", "/api/v1/umkm?per_page=2").get_json()
    assert (listed["total"], listed["per_page"], len(listed["items"])) == (3, 2, 2)
    assert world.call("manager", "GET", "/api/v1/umkm?scale=besar").status_code == 422


def test_patch_needs_the_current_etag_and_never_changes_the_nib(world):
    etag = register(world).headers["ETag"]
    path = f"/api/v1/umkm/{NIB}"
    change = {"business_name": "Keripik Tempe Sanan Makmur", "scale": "kecil"}
    assert world.call("manager", "PATCH", path, json=change).status_code == 428
    changed = world.call("manager", "PATCH", path, json=change, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["business_name"] == "Keripik Tempe Sanan Makmur"
    assert changed.headers["ETag"] != etag
    stale = world.call("manager", "PATCH", path, json={"scale": "menengah"}, headers={"If-Match": etag})
    assert stale.status_code == 412, stale.get_json()
    fresh = {"If-Match": changed.headers["ETag"]}
    assert (
        world.call("manager", "PATCH", path, json={"nib": "9120301234599"}, headers=fresh).status_code == 422
    )
    assert (
        world.call("manager", "PATCH", path, json={"regency_code": "3599"}, headers=fresh).status_code == 422
    )
    # The change is audited; a personal field by its name alone.
    world.call("admin", "PATCH", path, json={"phone": "0341 555 111"}, headers=fresh)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "umkm.update").order_by(AuditEntry.id)
    ).all()
    assert entries[0].after == {"business_name": "Keripik Tempe Sanan Makmur", "scale": "kecil"}
    assert entries[1].after == {"personal_fields": ["phone"]} and "0341" not in json.dumps(entries[1].before)


def test_outsiders_meet_404_and_other_centres_may_read_but_not_change(world, on_bank_activity):
    path = f"/api/v1/umkm/{NIB}"
    etag = world.call("manager", "GET", path).headers["ETag"]
    change = {"business_name": "Diambil alih"}
    # The telco's user has no activity with it: it does not exist, whatever is sent.
    for method in ("GET", "PATCH"):
        response = world.call("other_partner", method, path, json=change, headers={"If-Match": etag})
        assert response.status_code == 404, (method, response.get_json())
        assert response.get_json()["message"] == f"umkm {NIB} does not exist"
    # Unknown and malformed NIBs answer the same to everyone.
    for nib in ("9999999999999", "123", "abcdefghijklm"):
        assert world.call("other_manager", "GET", f"/api/v1/umkm/{nib}").status_code == 404
        assert world.call("other_manager", "PATCH", f"/api/v1/umkm/{nib}", json=change).status_code == 404
    # The register is national: Gianyar finds the business, but not its owner, and may not change it.
    read = world.call("other_manager", "GET", path)
    assert read.status_code == 200 and "owner_name" not in read.get_json()
    assert_no_personal_data(read)
    refused = world.call("other_manager", "PATCH", path, json=change, headers={"If-Match": etag})
    assert refused.status_code == 403
    assert world.call("partner", "PATCH", path, json=change, headers={"If-Match": etag}).status_code == 403
    assert db.session.get(Umkm, on_bank_activity.id).business_name != "Diambil alih"


def test_a_partner_never_reads_an_owner_name_phone_or_email(world, on_bank_activity):
    detail = world.call("partner", "GET", f"/api/v1/umkm/{NIB}")
    assert detail.status_code == 200
    record = detail.get_json()
    assert set(record) & {"owner_name", "phone", "email"} == set()  # absent, not null
    assert (record["nib"], record["kbli"], record["scale"]) == (NIB, "10794", "mikro")
    assert_no_personal_data(detail)
    listed = world.call("partner", "GET", "/api/v1/umkm")
    assert [item["nib"] for item in listed.get_json()["items"]] == [NIB]
    assert_no_personal_data(listed)
    assert_no_personal_data(world.call("partner", "GET", f"/api/v1/umkm/{NIB}/outcomes"))
    # The ministry and the centre that works with the business read all of it.
    for who in ("admin", "manager"):
        assert world.call(who, "GET", f"/api/v1/umkm/{NIB}").get_json()["owner_name"] == OWNER
