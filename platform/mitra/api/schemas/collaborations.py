"""Collaborations and the partnerships they belong to."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mitra.api.listing import list_args
from mitra.api.schemas.common import (
    Text,
    body_id,
    count,
    one_of,
    optional_text,
    query_id,
    required_text,
    service_area,
)
from mitra.models import CollaborationStatus, PartnershipStatus
from mitra.services import collaborations, partners


class CollaborationSchema(Schema):
    id = fields.Integer(required=True)
    centre_id = fields.Integer(required=True)
    partner_id = fields.Integer(required=True)
    partnership_id = fields.Integer(required=True)
    title = fields.String(required=True)
    service_area = fields.String(required=True)
    description = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    respond_by = fields.Date(
        required=True,
        allow_none=True,
        metadata={"description": "the partner's deadline, in the centre's zone"},
    )
    target_umkm = fields.Integer(required=True)
    status = fields.String(required=True)
    proposed_at = fields.DateTime(required=True, allow_none=True)
    answered_at = fields.DateTime(required=True, allow_none=True)
    decline_reason = fields.String(required=True, allow_none=True)
    info_question = fields.String(required=True, allow_none=True)
    closing_summary = fields.String(
        required=True, allow_none=True, metadata={"description": "how it ended, once completed"}
    )
    closing_outcomes = fields.Dict(
        keys=fields.String(), values=fields.Integer(), required=True, allow_none=True
    )
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class CompleteSchema(Schema):
    summary = required_text(
        10_000, multiline=True, metadata={"description": "The closing summary, shown in the history"}
    )
    outcomes = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=60)),
        values=fields.Integer(strict=True, validate=validate.Range(min=0)),
        validate=validate.Length(max=20),
        metadata={"description": 'Optional outcome figures, e.g. {"umkm_assisted": 40}'},
    )


class ExtendSchema(Schema):
    ends_on = fields.Date(required=True, metadata={"description": "The new end, later than the current"})


def _check_dates(data) -> None:
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError("must not be before starts_on", "ends_on")


class CollaborationCreateSchema(Schema):
    centre_id = body_id(metadata={"description": "left out by a centre manager: their own centre"})
    partner_id = body_id(required=True)
    title = required_text(200)
    service_area = service_area(required=True)
    description = optional_text(10_000, multiline=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    respond_by = fields.Date(
        allow_none=True,
        metadata={"description": "the partner's deadline; 14 days after proposing when left out"},
    )
    target_umkm = count(metadata={"description": "UMKM the collaboration means to reach"})

    @validates_schema
    def dates_in_order(self, data, **_kwargs):
        _check_dates(data)


class CollaborationPatchSchema(Schema):
    title = Text(validate=validate.Length(1, 200))
    service_area = service_area()
    description = optional_text(10_000, multiline=True)
    starts_on = fields.Date()
    ends_on = fields.Date()
    respond_by = fields.Date(allow_none=True)
    target_umkm = count()

    @validates_schema
    def dates_in_order(self, data, **_kwargs):
        _check_dates(data)


CollaborationListArgs = list_args(
    "Collaboration",
    collaborations.SORTABLE,
    "-created_at",
    status=one_of(CollaborationStatus),
    centre_id=query_id(),
    partner_id=query_id(),
    service_area=service_area(),
    starts_from=fields.Date(metadata={"description": "starts on or after this date"}),
    starts_until=fields.Date(metadata={"description": "starts on or before this date"}),
    q=optional_text(200, metadata={"description": "text in the title"}),
)

HistoryListArgs = list_args("History", collaborations.HISTORY_SORTABLE, "id")


class PartnershipSchema(Schema):
    id = fields.Integer(required=True)
    centre_id = fields.Integer(required=True)
    partner_id = fields.Integer(required=True)
    status = fields.String(required=True)
    status_changed_at = fields.DateTime(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


PartnershipListArgs = list_args(
    "Partnership",
    partners.PARTNERSHIP_SORTABLE,
    "-updated_at",
    status=one_of(PartnershipStatus),
    centre_id=query_id(),
    partner_id=query_id(),
    q=optional_text(200, metadata={"description": "text in the partner's name"}),
)
