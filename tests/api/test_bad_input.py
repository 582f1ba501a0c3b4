"""Bad requests answer 4xx in the one error shape, name what is wrong, and change nothing."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import row_counts

COLLABORATIONS = "/api/v1/collaborations"


def valid_body(world) -> dict:
    return {
        "partner_id": world.ids["partner"],
        "title": "Pelatihan",
        "service_area": "pemasaran",
        "starts_on": "2031-03-01",
        "ends_on": "2031-04-01",
        "target_umkm": 10,
    }


def send(
    world, raw: bytes | str, content_type: str | None = "application/json", path=COLLABORATIONS, method="POST"
):
    headers = world.headers("manager")
    if content_type is not None:
        headers["Content-Type"] = content_type
    return world.client.open(path, method=method, data=raw, headers=headers)


def assert_refused(response, status: int, *names: str) -> dict:
    body = response.get_json()
    assert response.status_code == status, body
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == status
    for name in names:
        assert name in body["errors"], body
        assert name in body["message"], body
    return body


@pytest.fixture
def unchanged(world):
    before = row_counts()
    yield
    assert row_counts() == before


def test_malformed_json(world, unchanged):
    body = assert_refused(send(world, '{"title": "Pelatihan",'), 400, "body")
    assert "not valid JSON" in body["message"] and "line 1 column" in body["message"]


def test_invalid_utf8(world, unchanged):
    body = assert_refused(send(world, b'{"title": "Pelatihan \xff"}'), 400, "body")
    assert "UTF-8" in body["message"] and "0xff" in body["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json(world, unchanged, content_type):
    raw = json.dumps(valid_body(world)) if content_type != "application/x-www-form-urlencoded" else "a=1"
    body = assert_refused(send(world, raw, content_type), 415, "Content-Type")
    assert "application/json" in body["message"]


def test_oversized_body(world, unchanged):
    raw = json.dumps({**valid_body(world), "description": "x" * (2 * 1024 * 1024)})
    assert_refused(send(world, raw), 413)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("[1, 2]", "JSON array"),
        ('"text"', "JSON str"),
        ('{"target_umkm": NaN}', "NaN"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"target_umkm": ' + "9" * 5000 + "}", "digits"),
    ],
)
def test_json_that_is_not_an_object_or_not_standard(world, unchanged, raw, why):
    body = assert_refused(send(world, raw), 400, "body")
    assert why in body["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("target_umkm", "banyak"),
        ("target_umkm", 1.5),
        ("target_umkm", True),
        ("target_umkm", -1),
        ("target_umkm", 10**12),
        ("partner_id", "1"),
        ("partner_id", 2**40),
        ("starts_on", 20310301),
        ("starts_on", "1 Maret 2031"),
        ("title", 123),
        ("title", ""),
        ("title", "   "),
        ("title", "x" * 201),
        ("title", "nul \x00 inside"),
        ("title", "lone \ud800 surrogate"),
        ("service_area", "kuliner"),
        ("respond_by", "2031-02-30"),
    ],
)
def test_wrong_types_and_values_name_the_field(world, unchanged, field, value):
    raw = json.dumps({**valid_body(world), field: value})
    assert_refused(send(world, raw), 422, field)


def test_unknown_fields_are_named(world, unchanged):
    raw = json.dumps({**valid_body(world), "colour": "merah", "status": "accepted"})
    body = assert_refused(send(world, raw), 422, "colour", "status")
    assert body["errors"]["colour"] == ["Unknown field."]


def test_missing_fields_are_each_named(world, unchanged):
    assert_refused(send(world, "{}"), 422, "partner_id", "title", "service_area", "starts_on", "ends_on")


def test_an_empty_body_is_missing_fields_not_malformed(world, unchanged):
    assert_refused(send(world, ""), 422, "title")


def test_dates_out_of_order_name_ends_on(world, unchanged):
    raw = json.dumps({**valid_body(world), "starts_on": "2031-05-01", "ends_on": "2031-04-01"})
    assert_refused(send(world, raw), 422, "ends_on")


def test_a_partner_that_does_not_exist_is_named(world, unchanged):
    raw = json.dumps({**valid_body(world), "partner_id": 999_999})
    assert_refused(send(world, raw), 422, "partner_id")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("sort=password", "sort"),
        ("status=approved-ish", "status"),
        ("starts_from=yesterday", "starts_from"),
        ("centre_id=99999999999999999999", "centre_id"),
        ("colour=red", "colour"),
    ],
)
def test_bad_query_parameters_are_named(world, unchanged, query, field):
    response = world.call("manager", "GET", f"{COLLABORATIONS}?{query}")
    assert_refused(response, 422, field)


def test_an_action_refuses_unknown_fields_and_requires_its_text(world):
    draft = world.draft()
    before = row_counts()
    response = world.call("manager", "POST", f"{COLLABORATIONS}/{draft['id']}/propose", json={"force": True})
    assert_refused(response, 422, "force")
    world.act("manager", draft["id"], "propose")
    for body in (None, {}, {"reason": ""}, {"reason": "   "}):
        response = world.call("partner", "POST", f"{COLLABORATIONS}/{draft['id']}/decline", json=body)
        assert_refused(response, 422, "reason")
    assert row_counts()["audit_entries"] == before["audit_entries"] + 1  # the propose only


def test_report_with_negative_counts_names_them(world):
    draft = world.accepted()
    activity = world.plan(draft["id"])
    response = world.call(
        "manager",
        "POST",
        f"/api/v1/activities/{activity['id']}/report",
        json={"participants": -3, "umkm_reached": "lima"},
    )
    assert_refused(response, 422, "participants", "umkm_reached")


def test_unauthenticated_and_unknown_paths_and_methods(world):
    assert_refused(world.client.get(COLLABORATIONS), 401)
    assert world.client.get(COLLABORATIONS).headers["WWW-Authenticate"].startswith("Bearer")
    assert_refused(world.call(None, "GET", COLLABORATIONS, headers={"Authorization": "Basic eDp5"}), 401)
    assert_refused(world.call(None, "GET", COLLABORATIONS, headers={"Authorization": "Bearer nope"}), 401)
    assert_refused(world.call("manager", "GET", "/api/v1/nothing-here"), 404)
    response = world.call("manager", "PUT", COLLABORATIONS)
    assert_refused(response, 405)
    assert "GET" in response.headers["Allow"]
    assert_refused(world.call("manager", "GET", f"{COLLABORATIONS}/0"), 404)
    assert_refused(world.call("manager", "GET", f"{COLLABORATIONS}/99999999999"), 404)


def test_an_unexpected_error_is_still_json(world, monkeypatch):
    from mitra.services import collaborations

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(collaborations, "search", explode)
    body = assert_refused(world.call("manager", "GET", COLLABORATIONS), 500)
    assert "boom" not in body["message"]
