"""`/api/v1/centres`: the registry of PLUT-KUMKM centres."""

from __future__ import annotations

from flask import url_for

from mitra.api import idempotency, listing, preconditions
from mitra.api.auth import user
from mitra.api.idempotency import idempotent
from mitra.api.requests import ETAG_DOC, ID, ApiBlueprint
from mitra.api.schemas.registry import CentreCreateSchema, CentreListArgs, CentrePatchSchema, CentreSchema
from mitra.services import centres

blp = ApiBlueprint(
    "centres",
    __name__,
    url_prefix="/api/v1/centres",
    description="PLUT-KUMKM centres: everyone reads, the ministry maintains",
)


@blp.route("")
@blp.arguments(CentreListArgs, location="query")
@blp.response(200, listing.page_of(CentreSchema))
def list_centres(args):
    """List centres"""
    return listing.paginate(centres.search(user(), **listing.filters(args)), args)


@blp.route("", methods=["POST"])
@blp.doc(parameters=[idempotency.DOC])
@idempotent
@blp.arguments(CentreCreateSchema)
@blp.response(201, CentreSchema, headers=ETAG_DOC)
def create_centre(data):
    """Register a centre (ministry admin)"""
    centre = centres.create(user(), data)
    return centre, {
        "Location": url_for(".get_centre", centre_id=centre.id),
        **preconditions.etag_header(centre),
    }


@blp.route(f"/<{ID}:centre_id>")
@blp.response(200, CentreSchema, headers=ETAG_DOC)
def get_centre(centre_id):
    """Read a centre"""
    centre = centres.get(user(), centre_id)
    return centre, preconditions.etag_header(centre)


@blp.route(f"/<{ID}:centre_id>", methods=["PATCH"])
@blp.doc(**preconditions.doc(required=True))
@blp.arguments(CentrePatchSchema)
@blp.response(200, CentreSchema, headers=ETAG_DOC)
def patch_centre(changes, centre_id):
    """Change a centre (ministry admin)"""
    centre = centres.update(user(), centre_id, changes, preconditions.if_match(required=True))
    return centre, preconditions.etag_header(centre)
