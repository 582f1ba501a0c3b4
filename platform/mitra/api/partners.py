"""`/api/v1/partners` (the partner registry) and `/api/v1/partnerships`."""

from __future__ import annotations

from flask import url_for

from mitra.api import idempotency, listing, preconditions
from mitra.api.auth import user
from mitra.api.idempotency import idempotent
from mitra.api.requests import ETAG_DOC, ID, ApiBlueprint
from mitra.api.schemas.collaborations import PartnershipListArgs, PartnershipSchema
from mitra.api.schemas.registry import (
    PartnerCreateSchema,
    PartnerListArgs,
    PartnerPatchSchema,
    PartnerSchema,
)
from mitra.services import partners

blp = ApiBlueprint(
    "partners",
    __name__,
    url_prefix="/api/v1/partners",
    description="Partner organisations: national ones by the ministry, local ones by centres",
)
partnerships_blp = ApiBlueprint(
    "partnerships",
    __name__,
    url_prefix="/api/v1/partnerships",
    description="Each centre's partnership with a partner",
)


@blp.route("")
@blp.arguments(PartnerListArgs, location="query")
@blp.response(200, listing.page_of(PartnerSchema))
def list_partners(args):
    """List partners"""
    return listing.paginate(partners.search(user(), **listing.filters(args)), args)


@blp.route("", methods=["POST"])
@blp.doc(parameters=[idempotency.DOC])
@idempotent
@blp.arguments(PartnerCreateSchema)
@blp.response(201, PartnerSchema, headers=ETAG_DOC)
def create_partner(data):
    """Register a partner (admin: national or local; centre manager: local to their centre)"""
    partner = partners.create(user(), data)
    return partner, {
        "Location": url_for(".get_partner", partner_id=partner.id),
        **preconditions.etag_header(partner),
    }


@blp.route(f"/<{ID}:partner_id>")
@blp.response(200, PartnerSchema, headers=ETAG_DOC)
def get_partner(partner_id):
    """Read a partner"""
    partner = partners.get(user(), partner_id)
    return partner, preconditions.etag_header(partner)


@blp.route(f"/<{ID}:partner_id>", methods=["PATCH"])
@blp.doc(**preconditions.doc(required=True))
@blp.arguments(PartnerPatchSchema)
@blp.response(200, PartnerSchema, headers=ETAG_DOC)
def patch_partner(changes, partner_id):
    """Change a partner (admin; or the centre that registered a local partner)"""
    partner = partners.update(user(), partner_id, changes, preconditions.if_match(required=True))
    return partner, preconditions.etag_header(partner)


@partnerships_blp.route("")
@partnerships_blp.arguments(PartnershipListArgs, location="query")
@partnerships_blp.response(200, listing.page_of(PartnershipSchema))
def list_partnerships(args):
    """List the partnerships you can see"""
    return listing.paginate(partners.search_partnerships(user(), **listing.filters(args)), args)


@partnerships_blp.route(f"/<{ID}:partnership_id>")
@partnerships_blp.response(200, PartnershipSchema)
def get_partnership(partnership_id):
    """Read a partnership"""
    return partners.get_partnership(user(), partnership_id)
