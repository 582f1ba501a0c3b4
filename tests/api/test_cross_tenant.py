"""Another centre's manager and another partner's user get 404 on every path that names a
collaboration, its activities, its partnership or its agreement, and find none of them listed."""

from __future__ import annotations

import pytest

from tests.api.conftest import row_counts

# (method, path template, body); {c} collaboration, {a} activity, {p} partnership, {g} agreement
NAMED_ENDPOINTS = [
    ("GET", "/api/v1/collaborations/{c}", None),
    ("PATCH", "/api/v1/collaborations/{c}", {"title": "Diambil alih"}),
    ("POST", "/api/v1/collaborations/{c}/propose", None),
    ("POST", "/api/v1/collaborations/{c}/accept", None),
    ("POST", "/api/v1/collaborations/{c}/decline", {"reason": "tidak"}),
    ("POST", "/api/v1/collaborations/{c}/request-info", {"question": "apa?"}),
    ("POST", "/api/v1/collaborations/{c}/revise", {"answer": "ini"}),
    ("POST", "/api/v1/collaborations/{c}/cancel", {"reason": "batal"}),
    ("POST", "/api/v1/collaborations/{c}/complete", {"summary": "selesai"}),
    ("POST", "/api/v1/collaborations/{c}/extend", {"ends_on": "2031-12-31"}),
    ("GET", "/api/v1/collaborations/{c}/history", None),
    ("GET", "/api/v1/collaborations/{c}/activities", None),
    ("POST", "/api/v1/collaborations/{c}/activities", {"type": "training", "date": "2031-04-01"}),
    ("GET", "/api/v1/activities/{a}", None),
    ("PATCH", "/api/v1/activities/{a}", {"location": "Balai desa"}),
    ("POST", "/api/v1/activities/{a}/report", {"participants": 10, "umkm_reached": 5}),
    ("POST", "/api/v1/activities/{a}/cancel", {"reason": "hujan"}),
    ("GET", "/api/v1/partnerships/{p}", None),
    ("GET", "/api/v1/agreements/{g}", None),
]
LISTS = [
    ("/api/v1/collaborations", "c"),
    ("/api/v1/activities", "a"),
    ("/api/v1/partnerships", "p"),
    ("/api/v1/agreements", "g"),
]
INTRUDERS = ["other_manager", "other_partner"]


@pytest.fixture
def ids(world) -> dict[str, int]:
    """Malang's accepted collaboration with the bank, an activity under it, and an MoU."""
    collaboration = world.accepted()
    activity = world.plan(collaboration["id"], title="Kelas foto produk")
    agreement = world.sign(collaboration["partnership_id"])
    return {
        "c": collaboration["id"],
        "a": activity["id"],
        "p": collaboration["partnership_id"],
        "g": agreement["id"],
    }


@pytest.mark.parametrize("intruder", INTRUDERS)
@pytest.mark.parametrize(
    ("method", "template", "body"), NAMED_ENDPOINTS, ids=[f"{m} {t}" for m, t, _ in NAMED_ENDPOINTS]
)
def test_outsiders_get_404_and_change_nothing(world, ids, intruder, method, template, body):
    path = template.format(**ids)
    before = row_counts()
    response = world.call(intruder, method, path, json=body, headers={"If-Match": "*"})
    assert response.status_code == 404, (path, response.get_json())
    assert response.get_json()["code"] == 404
    assert row_counts() == before


@pytest.mark.parametrize(
    ("method", "template", "body"), [e for e in NAMED_ENDPOINTS if e[0] == "GET"], ids=lambda v: str(v)
)
@pytest.mark.parametrize("owner", ["manager", "partner", "admin"])
def test_the_owners_can_read_every_one_of_them(world, ids, owner, method, template, body):
    response = world.call(owner, method, template.format(**ids))
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize("intruder", INTRUDERS)
@pytest.mark.parametrize(("path", "key"), LISTS)
def test_outsiders_find_none_of_them_in_lists(world, ids, intruder, path, key):
    listed = world.call(intruder, "GET", path).get_json()
    assert ids[key] not in [item["id"] for item in listed["items"]]
    assert listed["total"] == 0
    owner = world.call("manager", "GET", path).get_json()
    assert [item["id"] for item in owner["items"]] == [ids[key]]


def test_an_unknown_id_and_another_tenants_id_answer_alike(world, ids):
    theirs = world.call("other_manager", "GET", f"/api/v1/collaborations/{ids['c']}").get_json()
    missing = world.call("other_manager", "GET", "/api/v1/collaborations/999999").get_json()
    assert theirs["message"].replace(str(ids["c"]), "N") == missing["message"].replace("999999", "N")


@pytest.mark.parametrize("outsider", ["other_partner", "partner"])
def test_a_draft_is_invisible_to_every_partner_user(world, outsider):
    draft = world.draft()
    response = world.call(outsider, "GET", f"/api/v1/collaborations/{draft['id']}")
    assert response.status_code == 404
