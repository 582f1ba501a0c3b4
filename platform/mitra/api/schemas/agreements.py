"""Agreements (MoU, PKS) within a partnership."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from mitra.api.listing import list_args
from mitra.api.schemas.common import body_id, one_of, optional_text, query_id, required_text
from mitra.models import AgreementKind
from mitra.services import agreements


class AgreementSchema(Schema):
    id = fields.Integer(required=True)
    partnership_id = fields.Integer(required=True)
    centre_id = fields.Integer(required=True, attribute="partnership.centre_id")
    partner_id = fields.Integer(required=True, attribute="partnership.partner_id")
    kind = fields.String(required=True)
    number = fields.String(required=True)
    signed_on = fields.Date(required=True)
    valid_until = fields.Date(required=True)
    document_ref = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class AgreementCreateSchema(Schema):
    partnership_id = body_id(metadata={"description": "or give partner_id (and centre_id, for an admin)"})
    partner_id = body_id()
    centre_id = body_id(metadata={"description": "left out by a centre manager: their own centre"})
    kind = one_of(AgreementKind, required=True)
    number = required_text(80)
    signed_on = fields.Date(required=True)
    valid_until = fields.Date(required=True)
    document_ref = optional_text(255, allow_none=True)

    @validates_schema
    def valid_after_signing(self, data, **_kwargs):
        if "signed_on" in data and "valid_until" in data and data["valid_until"] < data["signed_on"]:
            raise ValidationError("must not be before signed_on", "valid_until")


AgreementListArgs = list_args(
    "Agreement",
    agreements.SORTABLE,
    "-signed_on",
    partnership_id=query_id(),
    centre_id=query_id(),
    partner_id=query_id(),
    kind=one_of(AgreementKind),
    valid_on=fields.Date(metadata={"description": "valid on this date"}),
    expires_until=fields.Date(metadata={"description": "valid_until on or before this date"}),
    q=optional_text(80, metadata={"description": "text in the agreement number"}),
)
