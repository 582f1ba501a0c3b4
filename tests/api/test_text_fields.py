"""Typed text through the API: a single-line field refuses control characters (CR, LF, TAB,
NUL...) naming the field, paragraphs get LF line ends and refuse NUL, and a refused request
stores nothing. Paging out of range is refused by name, never a 500."""

from __future__ import annotations

import pytest

from tests.api.conftest import row_counts
from tests.api.test_bad_input import assert_refused

CONTROLS = ["\n", "\r", "\r\n", "\t", "\x00", "\x0b", "\x1b", "\x7f", "\x85", "\u2028"]


@pytest.fixture
def unchanged(world):
    before = row_counts()
    yield
    assert row_counts() == before


def _accepted(world):
    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    world.act("partner", draft["id"], "accept")
    return draft


# who, path (formatted with the ids below), a valid body, the single-line fields to spoil
CREATES = [
    (
        "manager",
        "/api/v1/collaborations",
        lambda w, ids: {
            "partner_id": w.ids["partner"],
            "title": "Pelatihan",
            "service_area": "pemasaran",
            "starts_on": "2031-03-01",
            "ends_on": "2031-04-01",
        },
        ["title"],
    ),
    (
        "manager",
        "/api/v1/collaborations/{c}/activities",
        lambda w, ids: {"type": "training", "date": "2031-04-01", "title": "Kelas foto", "location": "Aula"},
        ["title", "location"],
    ),
    (
        "manager",
        "/api/v1/partners",
        lambda w, ids: {"name": "Koperasi Kopi Dampit", "type": "association"},
        ["name"],
    ),
    (
        "manager",
        "/api/v1/agreements",
        lambda w, ids: {
            "partner_id": w.ids["partner"],
            "kind": "mou",
            "number": "MoU/7/2031",
            "signed_on": "2031-01-01",
            "valid_until": "2032-01-01",
            "document_ref": "arsip/7",
        },
        ["number", "document_ref"],
    ),
    (
        "admin",
        "/api/v1/centres",
        lambda w, ids: {
            "code": "3501",
            "name": "PLUT-KUMKM Kab. Pacitan",
            "regency_name": "Kabupaten Pacitan",
            "province": "35",
            "tier": "premium",
            "funding": "DAK 2022",
        },
        ["name", "regency_name", "funding"],
    ),
]


@pytest.mark.parametrize(("who", "path", "body", "names"), CREATES, ids=[c[1] for c in CREATES])
def test_a_single_line_field_with_a_control_character_is_refused_by_name(world, who, path, body, names):
    ids = {"c": _accepted(world)["id"]}
    before = row_counts()
    for name in names:
        for control in CONTROLS:
            spoilt = {**body(world, ids), name: f"Pelatihan{control}ekspor"}
            response = world.call(who, "POST", path.format(**ids), json=spoilt)
            refused = assert_refused(response, 422, name)
            assert "single line" in refused["errors"][name][0], (name, repr(control))
    assert row_counts() == before
    # The same body, unspoilt, is taken: the refusals were about the character alone.
    assert world.call(who, "POST", path.format(**ids), json=body(world, ids)).status_code in (200, 201)


@pytest.mark.parametrize("title", ["Pelatihan\nBcc: x@example.com", "Pelatihan\x00", "\t"])
def test_a_patched_title_with_lf_or_nul_changes_nothing(world, title):
    draft = world.draft()
    path = f"/api/v1/collaborations/{draft['id']}"
    etag = world.call("manager", "GET", path).headers["ETag"]
    before = row_counts()
    assert_refused(
        world.call("manager", "PATCH", path, json={"title": title}, headers={"If-Match": etag}), 422, "title"
    )
    assert row_counts() == before
    assert world.call("manager", "GET", path).get_json()["title"] == "Pelatihan pemasaran digital"


def test_paragraphs_keep_their_lines_with_lf_line_ends(world):
    draft = world.draft(description="Baris satu\r\nBaris dua\rBaris tiga\n\tdengan tab")
    assert draft["description"] == "Baris satu\nBaris dua\nBaris tiga\n\tdengan tab"
    world.act("manager", draft["id"], "propose")
    declined = world.act("partner", draft["id"], "decline", {"reason": "Anggaran habis\r\nTahun depan lagi"})
    assert declined["decline_reason"] == "Anggaran habis\nTahun depan lagi"


@pytest.mark.parametrize("control", ["\x00", "\x0b", "\x1b", "\x85"])
def test_paragraphs_refuse_nul_and_other_controls(world, unchanged, control):
    body = {
        "partner_id": world.ids["partner"],
        "title": "Pelatihan",
        "service_area": "pemasaran",
        "starts_on": "2031-03-01",
        "ends_on": "2031-04-01",
        "description": f"Kelas{control}daring",
    }
    assert_refused(world.call("manager", "POST", "/api/v1/collaborations", json=body), 422, "description")


def test_a_reason_with_nul_is_refused_and_the_proposal_stays(world):
    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    before = row_counts()
    response = world.call(
        "partner",
        "POST",
        f"/api/v1/collaborations/{draft['id']}/decline",
        json={"reason": "Anggaran\x00habis"},
    )
    assert_refused(response, 422, "reason")
    assert row_counts() == before
    again = world.call("partner", "GET", f"/api/v1/collaborations/{draft['id']}").get_json()
    assert again["status"] == "proposed"


def test_an_email_address_is_one_line(world, unchanged):
    response = world.call(
        None,
        "POST",
        "/api/v1/auth/tokens",
        json={"email": "mitra.bank@mitra.test\r\nBcc: x@example.com", "password": "x"},
    )
    assert_refused(response, 422, "email")


def test_a_password_is_taken_as_typed(world):
    # Passwords are never shown or put in a header: a tab in one is the person's business.
    response = world.call(
        None,
        "POST",
        "/api/v1/auth/tokens",
        json={"email": "mitra.bank@mitra.test", "password": "salah\tsekali"},
    )
    assert_refused(response, 401)


@pytest.mark.parametrize(
    "query",
    [
        "page=1e20",
        f"page={10**30}",
        "page=-1",
        "page=abc",
        f"page={'9' * 5000}",
        f"per_page={10**30}",
        "q=kata%0Akunci",
        "q=%00",
    ],
)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/collaborations",
        "/api/v1/activities",
        "/api/v1/partners",
        "/api/v1/centres",
        "/api/v1/agreements",
        "/api/v1/partnerships",
    ],
)
def test_list_queries_out_of_range_are_refused_by_name(world, path, query):
    response = world.call("manager", "GET", f"{path}?{query}")
    assert_refused(response, 422, query.split("=")[0])


@pytest.mark.parametrize("page", ["1e20", str(10**30), "-1", "abc"])
def test_notification_pages_out_of_range_are_refused_by_name(world, page):
    assert_refused(world.call("partner", "GET", f"/api/v1/notifications?page={page}"), 422, "page")
