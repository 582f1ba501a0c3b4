"""A POST retried with its Idempotency-Key returns the first answer and creates nothing."""

from __future__ import annotations

import json

from tests.api.conftest import row_counts

COLLABORATIONS = "/api/v1/collaborations"


def body(world, **overrides):
    return {
        "partner_id": world.ids["partner"],
        "title": "Pelatihan",
        "service_area": "pemasaran",
        "starts_on": "2031-03-01",
        "ends_on": "2031-04-01",
        **overrides,
    }


def test_a_retry_returns_the_first_response_and_creates_nothing(world):
    headers = {"Idempotency-Key": "3f1c9a7e-retry-1"}
    first = world.call("manager", "POST", COLLABORATIONS, json=body(world), headers=headers)
    assert first.status_code == 201
    counts = row_counts()
    again = world.call("manager", "POST", COLLABORATIONS, json=body(world), headers=headers)
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert row_counts() == counts


def test_the_same_json_with_other_spacing_is_the_same_request(world):
    headers = {"Idempotency-Key": "spacing", "Content-Type": "application/json"}
    compact = json.dumps(body(world), separators=(",", ":"))
    spaced = json.dumps(body(world), indent=4)
    first = world.client.post(COLLABORATIONS, data=compact, headers={**world.headers("manager"), **headers})
    again = world.client.post(COLLABORATIONS, data=spaced, headers={**world.headers("manager"), **headers})
    assert again.get_json() == first.get_json()


def test_the_same_key_with_another_body_is_refused(world):
    headers = {"Idempotency-Key": "k-1"}
    world.call("manager", "POST", COLLABORATIONS, json=body(world), headers=headers)
    counts = row_counts()
    response = world.call("manager", "POST", COLLABORATIONS, json=body(world, title="Lain"), headers=headers)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.get_json()["errors"]
    assert row_counts() == counts


def test_keys_are_per_user(world):
    headers = {"Idempotency-Key": "shared"}
    mine = world.call("manager", "POST", COLLABORATIONS, json=body(world), headers=headers)
    theirs = world.call("other_manager", "POST", COLLABORATIONS, json=body(world), headers=headers)
    assert theirs.status_code == 201 and theirs.get_json()["id"] != mine.get_json()["id"]


def test_a_failed_request_keeps_no_key_so_the_fixed_retry_runs(world):
    headers = {"Idempotency-Key": "fails-first"}
    refused = world.call(
        "manager", "POST", COLLABORATIONS, json=body(world, service_area="nope"), headers=headers
    )
    assert refused.status_code == 422
    # A conflict in the service also keeps nothing.
    draft = world.draft()
    world.act("manager", draft["id"], "propose")
    response = world.call(
        "manager", "POST", f"{COLLABORATIONS}/{draft['id']}/propose", headers={"Idempotency-Key": "p1"}
    )
    assert response.status_code == 409
    assert (
        world.call(
            "manager", "POST", COLLABORATIONS, json=body(world, service_area="nope"), headers=headers
        ).status_code
        == 422
    )


def test_an_action_retried_is_not_a_conflict(world):
    draft = world.draft()
    headers = {"Idempotency-Key": "propose-once"}
    first = world.call("manager", "POST", f"{COLLABORATIONS}/{draft['id']}/propose", headers=headers)
    again = world.call("manager", "POST", f"{COLLABORATIONS}/{draft['id']}/propose", headers=headers)
    assert first.status_code == again.status_code == 200
    history = world.call("manager", "GET", f"{COLLABORATIONS}/{draft['id']}/history").get_json()
    assert [e["action"] for e in history["items"]].count("collaboration.propose") == 1


def test_a_malformed_key_is_refused(world):
    response = world.call(
        "manager", "POST", COLLABORATIONS, json=body(world), headers={"Idempotency-Key": "x" * 300}
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["errors"]
