"""Centres and partners (public registries with guarded writes), and how lists page, filter, sort."""

from __future__ import annotations

import pytest

CENTRE = {
    "code": "3501",
    "name": "PLUT-KUMKM Kab. Pacitan",
    "regency_name": "Kabupaten Pacitan",
    "province": "35",
    "tier": "premium",
}


@pytest.mark.parametrize("who", ["admin", "manager", "partner"])
def test_everyone_reads_the_registries(world, who):
    centres = world.call(who, "GET", "/api/v1/centres").get_json()
    assert centres["total"] == 2
    assert {"id", "code", "name", "province", "zone", "tier"} <= set(centres["items"][0])
    partners = world.call(who, "GET", "/api/v1/partners").get_json()
    assert partners["total"] == 2
    assert {"id", "name", "type", "scope"} <= set(partners["items"][0])
    one = world.call(who, "GET", f"/api/v1/centres/{world.ids['centre']}")
    assert one.status_code == 200 and one.headers["ETag"]


def test_only_the_ministry_registers_and_changes_centres(world):
    assert world.call("manager", "POST", "/api/v1/centres", json=CENTRE).status_code == 403
    created = world.call("admin", "POST", "/api/v1/centres", json=CENTRE)
    assert created.status_code == 201, created.get_json()
    centre = created.get_json()
    assert centre["zone"] == "Asia/Jakarta" and centre["province_name"] == "Jawa Timur"
    assert world.call("admin", "POST", "/api/v1/centres", json=CENTRE).status_code == 409
    wrong = world.call("admin", "POST", "/api/v1/centres", json={**CENTRE, "code": "5101"})
    assert wrong.status_code == 422 and "code" in wrong.get_json()["errors"]
    path = f"/api/v1/centres/{centre['id']}"
    etag = created.headers["ETag"]
    assert (
        world.call("manager", "PATCH", path, json={"tier": "reguler"}, headers={"If-Match": etag}).status_code
        == 403
    )
    patched = world.call("admin", "PATCH", path, json={"tier": "reguler"}, headers={"If-Match": etag})
    assert patched.status_code == 200 and patched.get_json()["tier"] == "reguler"


def test_a_centre_manager_registers_and_keeps_local_partners(world):
    national = world.call(
        "manager", "POST", "/api/v1/partners", json={"name": "BUMN Baru", "type": "bumn", "scope": "national"}
    )
    assert national.status_code == 403
    local = world.call(
        "manager", "POST", "/api/v1/partners", json={"name": "Koperasi Kopi Dampit", "type": "association"}
    )
    assert local.status_code == 201
    partner = local.get_json()
    assert partner["scope"] == "local" and partner["registered_by_centre_id"] == world.ids["centre"]
    path = f"/api/v1/partners/{partner['id']}"
    renamed = world.call(
        "manager",
        "PATCH",
        path,
        json={"name": "Koperasi Kopi Dampit Jaya"},
        headers={"If-Match": local.headers["ETag"]},
    )
    assert renamed.status_code == 200
    assert (
        world.call(
            "other_manager", "PATCH", path, json={"name": "Dicuri"}, headers={"If-Match": "*"}
        ).status_code
        == 403
    )
    bank = f"/api/v1/partners/{world.ids['partner']}"
    response = world.call("manager", "PATCH", bank, json={"name": "x"}, headers={"If-Match": "*"})
    assert response.status_code == 403
    assert (
        world.call("partner", "POST", "/api/v1/partners", json={"name": "P", "type": "bank"}).status_code
        == 403
    )
    duplicate = world.call(
        "admin", "POST", "/api/v1/partners", json={"name": "bank bumn mitra umkm", "type": "bank"}
    )
    assert duplicate.status_code == 409 and "name" in duplicate.get_json()["errors"]
    # Other centres may propose to it: the registry is public.
    assert world.call("other_manager", "GET", path).status_code == 200


def test_an_admin_drafts_for_a_named_centre(world):
    body = {
        "partner_id": world.ids["partner"],
        "title": "Program nasional",
        "service_area": "pembiayaan",
        "starts_on": "2031-03-01",
        "ends_on": "2031-04-01",
    }
    missing = world.call("admin", "POST", "/api/v1/collaborations", json=body)
    assert missing.status_code == 422 and "centre_id" in missing.get_json()["errors"]
    made = world.call(
        "admin", "POST", "/api/v1/collaborations", json={**body, "centre_id": world.ids["other_centre"]}
    )
    assert made.status_code == 201 and made.get_json()["centre_id"] == world.ids["other_centre"]
    other = world.call(
        "manager", "POST", "/api/v1/collaborations", json={**body, "centre_id": world.ids["other_centre"]}
    )
    assert other.status_code == 422 and "centre_id" in other.get_json()["errors"]


def test_collaboration_lists_page_filter_and_sort(world):
    titles = ["Ekspor kopi", "Foto produk", "Kemasan 100% ramah lingkungan", "Kredit usaha", "Ekspor_teh"]
    for n, title in enumerate(titles):
        world.draft(
            title=title,
            starts_on=f"2031-0{n + 1}-01",
            ends_on="2031-12-31",
            service_area="pembiayaan" if title.startswith("Kredit") else "pemasaran",
        )
    get = lambda query: world.call("manager", "GET", f"/api/v1/collaborations?{query}").get_json()  # noqa: E731
    page = get("per_page=2&page=2&sort=starts_on")
    assert (page["total"], page["page"], page["per_page"]) == (5, 2, 2)
    assert [c["title"] for c in page["items"]] == titles[2:4]
    assert [c["title"] for c in get("sort=-title")["items"]][0] == "Kredit usaha"
    assert [c["title"] for c in get("q=ekspor&sort=title")["items"]] == ["Ekspor kopi", "Ekspor_teh"]
    assert get("q=100%25")["total"] == 1  # % is a literal
    assert get("q=r_k")["total"] == 0  # so is _ (it would match "Ekspor kopi")
    assert get("q=r_t")["total"] == 1
    assert get("service_area=pembiayaan")["total"] == 1
    assert get("starts_from=2031-02-01&starts_until=2031-03-31")["total"] == 2
    assert get(f"centre_id={world.ids['other_centre']}")["total"] == 0
    assert get(f"partner_id={world.ids['partner']}&status=draft")["total"] == 5
    assert get("page=9")["items"] == []


def test_activity_lists_filter_by_date_and_type(world):
    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    world.act("partner", draft["id"], "accept")
    for day, kind in (("2031-04-01", "training"), ("2031-05-01", "exhibition"), ("2031-06-01", "training")):
        world.call(
            "manager",
            "POST",
            f"/api/v1/collaborations/{draft['id']}/activities",
            json={"type": kind, "date": day, "title": f"{kind} {day}"},
        )
    nested = world.call(
        "partner", "GET", f"/api/v1/collaborations/{draft['id']}/activities?type=training&sort=-date"
    ).get_json()
    assert [a["date"] for a in nested["items"]] == ["2031-06-01", "2031-04-01"]
    everywhere = world.call("admin", "GET", "/api/v1/activities?date_from=2031-04-15&date_until=2031-05-15")
    assert everywhere.get_json()["total"] == 1
    assert world.call("other_partner", "GET", "/api/v1/activities").get_json()["total"] == 0
