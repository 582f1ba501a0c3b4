"""`/api/v1/umkm/{nib}/outcomes` and `/api/v1/collaborations/{id}/outcomes`: what businesses
got out of the work, recorded by the ministry and the centres, listed by business and by
collaboration (its activities' included)."""

from __future__ import annotations

from mitra.api import idempotency, listing
from mitra.api.auth import user
from mitra.api.idempotency import idempotent
from mitra.api.requests import ID, ApiBlueprint
from mitra.api.schemas.outcomes import OutcomeCreateSchema, OutcomeListArgs, OutcomeSchema
from mitra.services import outcomes

blp = ApiBlueprint(
    "outcomes",
    __name__,
    url_prefix="/api/v1",
    description="Outcomes per business: financing, certificates, permits, marketplaces, exports",
)
OF_BUSINESS = "/umkm/<nib>/outcomes"


@blp.route(OF_BUSINESS, methods=["POST"])
@blp.doc(parameters=[idempotency.DOC])
@idempotent
@blp.arguments(OutcomeCreateSchema)
@blp.response(201, OutcomeSchema)
def record_outcome(data, nib):
    """Record what a business got (ministry, centre): financing with its amount in rupiah, a
    certificate, a permit, an NIB, a marketplace shop, an export; optionally tied to the
    activity (the business on its attendance) or collaboration behind it"""
    return outcomes.record(user(), nib, data)


@blp.route(OF_BUSINESS)
@blp.arguments(OutcomeListArgs, location="query")
@blp.response(200, listing.page_of(OutcomeSchema))
def list_business_outcomes(args, nib):
    """List a business's outcomes (a partner: those of its own collaborations)"""
    return listing.paginate(outcomes.of_business(user(), nib, **listing.filters(args)), args)


@blp.route(f"/collaborations/<{ID}:collaboration_id>/outcomes")
@blp.arguments(OutcomeListArgs, location="query")
@blp.response(200, listing.page_of(OutcomeSchema))
def list_collaboration_outcomes(args, collaboration_id):
    """List a collaboration's outcomes, its activities' included"""
    return listing.paginate(
        outcomes.of_collaboration(user(), collaboration_id, **listing.filters(args)), args
    )
