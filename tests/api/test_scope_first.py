"""404 before anything else: every route of the OpenAPI document that names a record, called
by an outsider with a bad body or query, answers the 404 an unknown id gets; the rightful
user with the same bad input gets 422. The routes come from the document, not a hand list:
a new route is walked the day it is published."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from flask import request
from sqlalchemy import select

from mitra.api.requests import check_path_ids
from mitra.extensions import db
from mitra.models import ApiToken
from mitra.models.api import API_TOKEN
from mitra.services import notifications, scoping
from tests.api.conftest import row_counts
from tests.factories import AttendanceFactory, UmkmFactory
from tests.support import sample_files

METHODS = ("get", "post", "put", "patch", "delete")
PARAM = re.compile(r"\{([^}]+)\}")
UNUSED = 987_654  # an id no row has: what another tenant's id must look like to an outsider
BAD_JSON = {"title": 5, "x": []}
BAD_QUERY = "?x=1&page=0&sort=nonsense"


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def records(world) -> dict[str, tuple[str, int]]:
    """Per path parameter: who rightfully sees the record, and its id. Malang's accepted
    collaboration with the bank, its activity, partnership and MoU, a notification of the
    bank's user; centres and partners are public registries, so their ids are Malang's and
    the bank's own."""
    collaboration = world.accepted()
    activity = world.plan(collaboration["id"], title="Kelas foto produk")
    agreement = world.sign(collaboration["partnership_id"])
    notification = notifications.create(
        db.session,
        world.users["partner"],
        "collaboration.accepted",
        collaboration["id"],
        at=datetime(2031, 1, 5, tzinfo=UTC),
    )
    db.session.commit()
    business = UmkmFactory(registered_by_centre_id=world.ids["centre"])
    AttendanceFactory(activity_id=activity["id"], umkm=business)
    attachment = world.call(
        "manager",
        "POST",
        f"/api/v1/collaborations/{collaboration['id']}/attachments",
        data={"file": (io.BytesIO(sample_files.PDF), "mou.pdf")},
        content_type="multipart/form-data",
    )
    assert attachment.status_code == 201, attachment.get_json()
    own_token = db.session.scalar(
        select(ApiToken.id).where(ApiToken.user_id == world.users["manager"].id, ApiToken.kind == API_TOKEN)
    )
    return {
        "collaboration_id": ("manager", collaboration["id"]),
        "activity_id": ("manager", activity["id"]),
        "partnership_id": ("manager", collaboration["partnership_id"]),
        "agreement_id": ("manager", agreement["id"]),
        "notification_id": ("partner", notification.id),
        "centre_id": ("admin", world.ids["centre"]),
        "partner_id": ("admin", world.ids["partner"]),
        "token_id": ("manager", own_token),
        "nib": ("manager", business.nib),
        "attachment_id": ("manager", attachment.get_json()["id"]),
    }


def named_operations(spec) -> list[tuple[str, str, dict, list[str]]]:
    """(method, path, operation, path parameters) of every operation whose path names a record."""
    found = []
    for path, item in spec["paths"].items():
        params = PARAM.findall(path)
        for method in METHODS:
            if params and method in item:
                found.append((method.upper(), path, item[method], params))
    return found


def foreign(params: list[str], records) -> dict[str, int]:
    """Ids the intruder may not see: the rightful user's records, and for the public
    registries (which everyone reads) an id no row has."""
    ids = {}
    for name in params:
        assert name in records, f"{name}: no record for it in this test; add one (and its scope)"
        ids[name] = UNUSED if name in ("centre_id", "partner_id") else records[name][1]
    return ids


def intruders(params: list[str]) -> tuple[str, ...]:
    """Who may not see the records: the other centre and the other partner; for a business,
    the other partner alone (the UMKM register is national: every centre finds a business)."""
    return ("other_partner",) if "nib" in params else ("other_manager", "other_partner")


def kind(param: str) -> str:
    """The kind of record a 404 names: `<kind>_id`, or "umkm" for a business's NIB."""
    return "umkm" if param == "nib" else param.removesuffix("_id")


def bad_requests(method: str):
    """The same bad input, several ways: a body of wrong fields, a body that is not JSON, a
    body that is not an object, a query of unknown and invalid keys."""
    if method in ("POST", "PUT", "PATCH"):
        yield {"json": BAD_JSON}
        yield {"data": "not json", "content_type": "text/plain"}
        yield {"data": b"[1, 2", "content_type": "application/json"}
        yield {"data": b"\xff\xfe", "content_type": "application/json"}
    yield {"query": BAD_QUERY, "json": BAD_JSON if method != "GET" else None}


def test_every_route_naming_a_record_answers_404_to_outsiders_whatever_they_send(world, records, spec):
    operations = named_operations(spec)
    # The walk covers every kind of record a path names; an empty document cannot pass.
    assert {p for *_rest, params in operations for p in params} == set(records)
    before = row_counts()
    for method, path, _operation, params in operations:
        for intruder in intruders(params):
            ids = foreign(params, records)
            concrete = PARAM.sub(lambda m, ids=ids: str(ids[m.group(1)]), path)
            what, ident = kind(params[0]), ids[params[0]]
            unknown = {
                "code": 404,
                "status": "Not Found",
                "message": f"{what} {ident} does not exist",
                "errors": {},
            }
            for bad in bad_requests(method):
                bad = dict(bad)
                url = concrete + bad.pop("query", "")
                response = world.call(intruder, method, url, headers={"If-Match": "*"}, **bad)
                assert response.status_code == 404, (intruder, method, url, bad, response.get_json())
                assert response.get_json() == unknown, (intruder, method, url)
    assert row_counts() == before


def test_the_rightful_user_with_the_same_bad_input_gets_422(world, records, spec):
    """The check is the caller's scope, not a blanket 404: who may see the record goes on to
    the body and query checks."""
    checked = 0
    for method, path, operation, params in named_operations(spec):
        who = records[params[-1]][0]
        concrete = PARAM.sub(lambda m: str(records[m.group(1)][1]), path)
        query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
        if "requestBody" in operation:
            response = world.call(who, method, concrete, json=BAD_JSON, headers={"If-Match": "*"})
        elif query:
            response = world.call(who, method, concrete + BAD_QUERY)
        else:
            continue  # nothing to validate (GET one record, mark a notification read)
        assert response.status_code == 422, (who, method, concrete, response.get_json())
        checked += 1
    assert checked >= 15


def test_a_path_parameter_with_no_declared_scope_fails_closed(app, world):
    """A route whose path names a kind of record `scoping.VISIBLE` does not know is refused,
    never served unchecked; the walk above then fails with a 500."""
    with app.test_request_context("/api/v1/things/1"):
        request.view_args = {"thing_id": 1}
        with pytest.raises(LookupError, match="thing"):
            check_path_ids()
    with pytest.raises(LookupError, match="thing"):
        scoping.visible(world.users["admin"], "thing", 1)
