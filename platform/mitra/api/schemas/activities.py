"""Activities under a collaboration."""

from __future__ import annotations

from marshmallow import Schema, fields

from mitra.api.listing import list_args
from mitra.api.schemas.common import count, one_of, optional_text, query_id, service_area
from mitra.models import ActivityStatus, ActivityType
from mitra.services import activities


class ActivitySchema(Schema):
    id = fields.Integer(required=True)
    collaboration_id = fields.Integer(required=True)
    type = fields.String(required=True)
    title = fields.String(required=True)
    service_area = fields.String(required=True, allow_none=True)
    date = fields.Date(required=True)
    location = fields.String(required=True)
    status = fields.String(required=True)
    participants = fields.Integer(required=True)
    umkm_reached = fields.Integer(required=True)
    notes = fields.String(
        required=True, allow_none=True, metadata={"description": "the outcome, or why it was cancelled"}
    )
    document_ref = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "where the evidence is kept: attendance list, report (archive number or path)"
        },
    )
    reported_at = fields.DateTime(required=True, allow_none=True)
    confirmed_at = fields.DateTime(
        required=True, allow_none=True, metadata={"description": "when the partner confirmed it takes part"}
    )
    confirmed_by_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "the partner user who confirmed"}
    )
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class ActivityCreateSchema(Schema):
    type = one_of(ActivityType, required=True)
    date = fields.Date(required=True)
    title = optional_text(200)
    location = optional_text(200)
    service_area = service_area(metadata={"description": "the collaboration's when left out"})


class ActivityPatchSchema(Schema):
    type = one_of(ActivityType)
    date = fields.Date()
    title = optional_text(200)
    location = optional_text(200)
    service_area = service_area()


class ActivityReportSchema(Schema):
    participants = count(required=True)
    umkm_reached = count(required=True)
    notes = optional_text(10_000, multiline=True, allow_none=True)
    document_ref = optional_text(255, allow_none=True)


ActivityListArgs = list_args(
    "Activity",
    activities.SORTABLE,
    "date",
    status=one_of(ActivityStatus),
    type=one_of(ActivityType),
    service_area=service_area(),
    date_from=fields.Date(metadata={"description": "held or planned on or after this date"}),
    date_until=fields.Date(metadata={"description": "held or planned on or before this date"}),
    q=optional_text(200, metadata={"description": "text in the title"}),
)
AllActivityListArgs = list_args(
    "AllActivity",
    activities.SORTABLE,
    "date",
    collaboration_id=query_id(),
    centre_id=query_id(),
    partner_id=query_id(),
    **{
        name: field
        for name, field in ActivityListArgs._declared_fields.items()
        if name not in ("page", "per_page", "sort")
    },
)
