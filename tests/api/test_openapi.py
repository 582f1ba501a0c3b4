"""The published contract: paths and field names integrators rely on, the offline docs page,
and a token required everywhere but at sign-in."""

from __future__ import annotations

import re

import pytest

CONTRACT_PATHS = {
    "/api/v1/auth/tokens": {"get", "post"},
    "/api/v1/auth/tokens/current": {"delete"},
    "/api/v1/auth/tokens/{token_id}": {"delete"},
    "/api/v1/me": {"get"},
    "/api/v1/centres": {"get", "post"},
    "/api/v1/centres/{centre_id}": {"get", "patch"},
    "/api/v1/partners": {"get", "post"},
    "/api/v1/partners/{partner_id}": {"get", "patch"},
    "/api/v1/partnerships": {"get"},
    "/api/v1/partnerships/{partnership_id}": {"get"},
    "/api/v1/collaborations": {"get", "post"},
    "/api/v1/collaborations/{collaboration_id}": {"get", "patch"},
    **{
        f"/api/v1/collaborations/{{collaboration_id}}/{verb}": {"post"}
        for verb in ("propose", "accept", "decline", "request-info", "cancel", "complete")
    },
    "/api/v1/collaborations/{collaboration_id}/activities": {"get", "post"},
    "/api/v1/activities/{activity_id}": {"get", "patch"},
    "/api/v1/activities/{activity_id}/report": {"post"},
    "/api/v1/agreements": {"get", "post"},
    "/api/v1/agreements/{agreement_id}": {"get"},
    "/api/v1/collaborations/{collaboration_id}/history": {"get"},
}
CONTRACT_FIELDS = {
    "Token": {"token", "expires_at"},
    "Partner": {"id", "name", "type", "scope"},
    "Centre": {"id", "code", "name", "province", "zone", "tier"},
    "Collaboration": {
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
    },
    "Activity": {
        "id",
        "collaboration_id",
        "type",
        "date",
        "location",
        "status",
        "participants",
        "umkm_reached",
    },
    "CollaborationPage": {"items", "total", "page", "per_page"},
    "AuditEntry": {"actor", "action", "at", "before", "after"},
    "Error": {"code", "status", "message", "errors"},
}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_contract_paths_exist(spec):
    assert spec["openapi"].startswith("3.")
    for path, methods in CONTRACT_PATHS.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), path


@pytest.mark.parametrize(("schema", "fields"), CONTRACT_FIELDS.items())
def test_the_contract_field_names(spec, schema, fields):
    assert fields <= set(spec["components"]["schemas"][schema]["properties"])


def test_every_list_answers_items_total_page_per_page(spec):
    for path, item in spec["paths"].items():
        get = item.get("get", {})
        ok = get.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
        ref = ok.get("schema", {}).get("$ref", "")
        if ref.endswith("Page"):
            properties = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
            assert set(properties) == {"items", "total", "page", "per_page"}, path
            names = {p["name"] for p in get.get("parameters", [])}
            assert {"page", "per_page", "sort"} <= names, path


def test_the_docs_page_is_self_contained(client, spec):
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "loads something from elsewhere"
    assert "<script" not in html
    for path in CONTRACT_PATHS:
        assert path in html


def test_every_operation_but_sign_in_needs_a_token(client, spec, reference_data):
    for path, item in spec["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method in set(item) & {"get", "post", "patch", "delete"}:
            response = client.open(concrete, method=method.upper(), json={})
            if (path, method) == ("/api/v1/auth/tokens", "post"):
                assert response.status_code == 422
            else:
                assert response.status_code == 401, (method, path)
                assert response.get_json()["code"] == 401
