"""`/api/v1/umkm`: the register of businesses by NIB. Who may not read a business's personal
data (owner's name, phone, e-mail) gets its record without those keys."""

from __future__ import annotations

from flask import url_for

from mitra.api import idempotency, listing, preconditions
from mitra.api.auth import user
from mitra.api.errors import error_response
from mitra.api.idempotency import idempotent
from mitra.api.requests import ETAG_DOC, ApiBlueprint
from mitra.api.schemas.umkm import (
    DuplicateSchema,
    UmkmCreateSchema,
    UmkmListArgs,
    UmkmPatchSchema,
    UmkmSchema,
)
from mitra.services import umkm

blp = ApiBlueprint(
    "umkm",
    __name__,
    url_prefix="/api/v1/umkm",
    description="The UMKM register: businesses by NIB, with KBLI, scale and regency",
)


@blp.errorhandler(umkm.AlreadyRegistered)
def already_registered(exc: umkm.AlreadyRegistered):
    """409 with the URL of the business that has the NIB (the unit of work has rolled back)."""
    existing = url_for("umkm.get_umkm", nib=exc.nib)
    return error_response(exc.status, exc.message, exc.errors, extra={"existing": existing})


@blp.route("")
@blp.arguments(UmkmListArgs, location="query")
@blp.response(200, listing.page_of(UmkmSchema))
def list_umkm(args):
    """Search the register (a partner: the businesses on its activities)"""
    page = listing.paginate(umkm.search(user(), **listing.filters(args)), args)
    return {**page, "items": umkm.readable(user(), page["items"])}


@blp.route("", methods=["POST"])
@blp.doc(parameters=[idempotency.DOC])
@idempotent
@blp.arguments(UmkmCreateSchema)
@blp.response(201, UmkmSchema, headers=ETAG_DOC)
@blp.alt_response(409, schema=DuplicateSchema, description="The NIB is registered already")
def register_umkm(data):
    """Register a business (ministry, centre)"""
    business = umkm.register(user(), data)
    return umkm.readable(user(), [business])[0], {
        "Location": url_for(".get_umkm", nib=business.nib),
        **preconditions.etag_header(business),
    }


@blp.route("/<nib>")
@blp.response(200, UmkmSchema, headers=ETAG_DOC)
def get_umkm(nib):
    """Read a business"""
    business = umkm.find(user(), nib)
    return umkm.readable(user(), [business])[0], preconditions.etag_header(business)


@blp.route("/<nib>", methods=["PATCH"])
@blp.doc(**preconditions.doc(required=True))
@blp.arguments(UmkmPatchSchema)
@blp.response(200, UmkmSchema, headers=ETAG_DOC)
def patch_umkm(changes, nib):
    """Change a business (the ministry; a centre that works with it); never its NIB"""
    business = umkm.update(user(), nib, changes, preconditions.if_match(required=True))
    return umkm.readable(user(), [business])[0], preconditions.etag_header(business)
