"""`/api/v1/activities`: read, change, report, cancel and confirm activities."""

from __future__ import annotations

from mitra.api import idempotency, listing, preconditions
from mitra.api.auth import user
from mitra.api.idempotency import idempotent
from mitra.api.requests import ETAG_DOC, ID, ApiBlueprint
from mitra.api.schemas.activities import (
    ActivityPatchSchema,
    ActivityReportSchema,
    ActivitySchema,
    AllActivityListArgs,
)
from mitra.api.schemas.common import EmptySchema, ReasonSchema
from mitra.services import activities

blp = ApiBlueprint(
    "activities",
    __name__,
    url_prefix="/api/v1/activities",
    description="Activities held under collaborations",
)
ONE = f"/<{ID}:activity_id>"
OPTIONAL_IF_MATCH = [{**preconditions.IF_MATCH_DOC, "required": False}, idempotency.DOC]


@blp.route("")
@blp.arguments(AllActivityListArgs, location="query")
@blp.response(200, listing.page_of(ActivitySchema))
def list_activities(args):
    """List the activities you can see, across collaborations"""
    return listing.paginate(activities.search(user(), **listing.filters(args)), args)


@blp.route(ONE)
@blp.response(200, ActivitySchema, headers=ETAG_DOC)
def get_activity(activity_id):
    """Read an activity"""
    activity = activities.get(user(), activity_id)
    return activity, preconditions.etag_header(activity)


@blp.route(ONE, methods=["PATCH"])
@blp.doc(**preconditions.doc(required=True))
@blp.arguments(ActivityPatchSchema)
@blp.response(200, ActivitySchema, headers=ETAG_DOC)
def patch_activity(changes, activity_id):
    """Change a planned activity (centre)"""
    activity = activities.update(user(), activity_id, changes, preconditions.if_match(required=True))
    return activity, preconditions.etag_header(activity)


@blp.route(f"{ONE}/report", methods=["POST"])
@blp.doc(parameters=OPTIONAL_IF_MATCH)
@idempotent
@blp.arguments(ActivityReportSchema)
@blp.response(200, ActivitySchema, headers=ETAG_DOC)
def report_activity(data, activity_id):
    """Report that a planned activity was held: participants, UMKM reached, notes (centre)"""
    activity = activities.report(user(), activity_id, data, preconditions.if_match(required=False))
    return activity, preconditions.etag_header(activity)


@blp.route(f"{ONE}/cancel", methods=["POST"])
@blp.doc(parameters=OPTIONAL_IF_MATCH)
@idempotent
@blp.arguments(ReasonSchema)
@blp.response(200, ActivitySchema, headers=ETAG_DOC)
def cancel_activity(data, activity_id):
    """Cancel a planned activity, with a reason (centre)"""
    activity = activities.cancel(user(), activity_id, data["reason"], preconditions.if_match(required=False))
    return activity, preconditions.etag_header(activity)


@blp.route(f"{ONE}/confirm", methods=["POST"])
@blp.doc(parameters=OPTIONAL_IF_MATCH)
@idempotent
@blp.arguments(EmptySchema)
@blp.response(200, ActivitySchema, headers=ETAG_DOC)
def confirm_activity(_data, activity_id):
    """Confirm that your organisation takes part in a planned activity, or took part (partner)"""
    activity = activities.confirm(user(), activity_id, preconditions.if_match(required=False))
    return activity, preconditions.etag_header(activity)
