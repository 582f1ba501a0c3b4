"""`/api/v1/agreements`: MoU and PKS signed within partnerships."""

from __future__ import annotations

from flask import url_for

from mitra.api import idempotency, listing
from mitra.api.auth import user
from mitra.api.idempotency import idempotent
from mitra.api.requests import ID, ApiBlueprint
from mitra.api.schemas.agreements import AgreementCreateSchema, AgreementListArgs, AgreementSchema
from mitra.services import agreements

blp = ApiBlueprint(
    "agreements",
    __name__,
    url_prefix="/api/v1/agreements",
    description="Agreements (MoU, PKS) between a centre and a partner",
)


@blp.route("")
@blp.arguments(AgreementListArgs, location="query")
@blp.response(200, listing.page_of(AgreementSchema))
def list_agreements(args):
    """List the agreements you can see"""
    return listing.paginate(agreements.search(user(), **listing.filters(args)), args)


@blp.route("", methods=["POST"])
@blp.doc(parameters=[idempotency.DOC])
@idempotent
@blp.arguments(AgreementCreateSchema)
@blp.response(201, AgreementSchema)
def record_agreement(data):
    """Record a signed agreement (centre manager for their centre; admin naming centre_id)"""
    agreement = agreements.record(user(), data)
    return agreement, {"Location": url_for(".get_agreement", agreement_id=agreement.id)}


@blp.route(f"/<{ID}:agreement_id>")
@blp.response(200, AgreementSchema)
def get_agreement(agreement_id):
    """Read an agreement"""
    return agreements.get(user(), agreement_id)
