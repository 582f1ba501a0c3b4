"""Outcomes per business: what a business got out of the work, and the amount of financing."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mitra.api.listing import list_args
from mitra.api.schemas.common import body_id, one_of, optional_text
from mitra.models import OutcomeType
from mitra.services import outcomes

# A thousand trillion rupiah: beyond any financing, and exact in every JSON reader (< 2^53).
MAX_AMOUNT_IDR = 10**15
TYPES = ", ".join(t.value for t in OutcomeType)


class OutcomeSchema(Schema):
    id = fields.Integer(required=True)
    nib = fields.String(required=True, attribute="umkm.nib", metadata={"description": "the business's NIB"})
    business_name = fields.String(required=True, attribute="umkm.business_name")
    type = fields.String(required=True, metadata={"description": TYPES})
    date = fields.Date(required=True)
    amount_idr = fields.Integer(
        required=True, allow_none=True, metadata={"description": "financing only: the amount, whole rupiah"}
    )
    activity_id = fields.Integer(required=True, allow_none=True)
    collaboration_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "the collaboration named, or the named activity's"},
    )
    centre_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "the centre that recorded it (none: the ministry)"},
    )
    note = fields.String(required=True, allow_none=True)
    recorded_by_id = fields.Integer(required=True, allow_none=True)
    recorded_at = fields.DateTime(required=True)


class OutcomeCreateSchema(Schema):
    type = one_of(OutcomeType, required=True, metadata={"description": TYPES})
    date = fields.Date(required=True, metadata={"description": "when the business got it; not after today"})
    amount_idr = fields.Integer(
        strict=True,
        validate=validate.Range(1, MAX_AMOUNT_IDR),
        metadata={
            "description": "required for financing (whole rupiah, more than 0); refused for other types"
        },
    )
    activity_id = body_id(
        metadata={"description": "the activity behind it, in your scope, with the business on its attendance"}
    )
    collaboration_id = body_id(
        metadata={
            "description": "or the collaboration behind it, in your scope and agreed (not both: "
            "an activity's collaboration is its own)"
        }
    )
    note = optional_text(2000, multiline=True, allow_none=True)


OutcomeListArgs = list_args(
    "Outcome",
    outcomes.SORTABLE,
    "-date",
    type=one_of(OutcomeType, metadata={"description": TYPES}),
)
