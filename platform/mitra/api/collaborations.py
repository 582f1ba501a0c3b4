"""`/api/v1/collaborations`: drafts, the lifecycle actions, history, and their activities."""

from __future__ import annotations

from flask import url_for

from mitra.api import idempotency, listing, preconditions
from mitra.api.auth import user
from mitra.api.idempotency import idempotent
from mitra.api.requests import ETAG_DOC, ID, ApiBlueprint
from mitra.api.schemas.activities import ActivityCreateSchema, ActivityListArgs, ActivitySchema
from mitra.api.schemas.collaborations import (
    CollaborationCreateSchema,
    CollaborationListArgs,
    CollaborationPatchSchema,
    CollaborationSchema,
    CompleteSchema,
    ExtendSchema,
    HistoryListArgs,
)
from mitra.api.schemas.common import (
    AnswerSchema,
    AuditEntrySchema,
    EmptySchema,
    QuestionSchema,
    ReasonSchema,
)
from mitra.services import activities, audit, collaborations, lifecycle

blp = ApiBlueprint(
    "collaborations",
    __name__,
    url_prefix="/api/v1/collaborations",
    description="Proposals from a centre to a partner, and what follows",
)
ONE = f"/<{ID}:collaboration_id>"

# The body and the summary of each verb a person takes; which verbs there are, and the text
# each needs, are lifecycle's (tests/unit/test_actions.py: no verb without its path).
# "complete" takes figures as well and has a view of its own below.
ACTIONS = {
    "propose": (EmptySchema, "Propose the draft to the partner (centre)"),
    "accept": (EmptySchema, "Accept a proposal (partner)"),
    "decline": (ReasonSchema, "Decline a proposal, with a reason (partner)"),
    "request_info": (QuestionSchema, "Ask the centre a question before answering (partner)"),
    "revise": (AnswerSchema, "Answer the partner's question and propose again (centre)"),
    "cancel": (ReasonSchema, "Cancel, with a reason, before completion (centre)"),
}


@blp.route("")
@blp.arguments(CollaborationListArgs, location="query")
@blp.response(200, listing.page_of(CollaborationSchema))
def list_collaborations(args):
    """List the collaborations you can see"""
    return listing.paginate(collaborations.search(user(), **listing.filters(args)), args)


@blp.route("", methods=["POST"])
@blp.doc(parameters=[idempotency.DOC])
@idempotent
@blp.arguments(CollaborationCreateSchema)
@blp.response(201, CollaborationSchema, headers=ETAG_DOC)
def create_collaboration(data):
    """Draft a collaboration (centre manager: for their own centre; admin: name centre_id)"""
    collaboration = collaborations.create(user(), data)
    return collaboration, {
        "Location": url_for(".get_collaboration", collaboration_id=collaboration.id),
        **preconditions.etag_header(collaboration),
    }


@blp.route(ONE)
@blp.response(200, CollaborationSchema, headers=ETAG_DOC)
def get_collaboration(collaboration_id):
    """Read a collaboration"""
    collaboration = collaborations.get(user(), collaboration_id)
    return collaboration, preconditions.etag_header(collaboration)


@blp.route(ONE, methods=["PATCH"])
@blp.doc(**preconditions.doc(required=True))
@blp.arguments(CollaborationPatchSchema)
@blp.response(200, CollaborationSchema, headers=ETAG_DOC)
def patch_collaboration(changes, collaboration_id):
    """Change a collaboration while it is a draft or the partner asked for information (centre)"""
    collaboration = collaborations.update(
        user(), collaboration_id, changes, preconditions.if_match(required=True)
    )
    return collaboration, preconditions.etag_header(collaboration)


def _action(verb: str, field: str | None, summary: str):
    def view(data, collaboration_id):
        collaboration = collaborations.act(
            user(),
            collaboration_id,
            verb,
            data.get(field) if field else None,
            preconditions.if_match(required=False),
        )
        return collaboration, preconditions.etag_header(collaboration)

    view.__name__ = f"{verb}_collaboration"
    view.__doc__ = summary
    return view


for _verb in lifecycle.PERSON_VERBS:
    if _verb == "complete":
        continue
    _schema, _summary = ACTIONS[_verb]
    _field = lifecycle.TRANSITIONS[_verb].requires
    blp.route(f"{ONE}/{lifecycle.url_word(_verb)}", methods=["POST"])(
        blp.doc(parameters=[{**preconditions.IF_MATCH_DOC, "required": False}, idempotency.DOC])(
            idempotent(
                blp.arguments(_schema, required=_field is not None)(
                    blp.response(200, CollaborationSchema, headers=ETAG_DOC)(_action(_verb, _field, _summary))
                )
            )
        )
    )


@blp.route(f"{ONE}/complete", methods=["POST"])
@blp.doc(parameters=[{**preconditions.IF_MATCH_DOC, "required": False}, idempotency.DOC])
@idempotent
@blp.arguments(CompleteSchema)
@blp.response(200, CollaborationSchema, headers=ETAG_DOC)
def complete_collaboration(data, collaboration_id):
    """Complete an active collaboration with a closing summary and optional figures (centre)"""
    collaboration = collaborations.complete(
        user(),
        collaboration_id,
        data["summary"],
        data.get("outcomes"),
        preconditions.if_match(required=False),
    )
    return collaboration, preconditions.etag_header(collaboration)


@blp.route(f"{ONE}/extend", methods=["POST"])
@blp.doc(parameters=[{**preconditions.IF_MATCH_DOC, "required": False}, idempotency.DOC])
@idempotent
@blp.arguments(ExtendSchema)
@blp.response(200, CollaborationSchema, headers=ETAG_DOC)
def extend_collaboration(data, collaboration_id):
    """Move the end of an active collaboration later; the partner is told (centre)"""
    collaboration = collaborations.extend(
        user(), collaboration_id, data["ends_on"], preconditions.if_match(required=False)
    )
    return collaboration, preconditions.etag_header(collaboration)


@blp.route(f"{ONE}/history")
@blp.arguments(HistoryListArgs, location="query")
@blp.response(200, listing.page_of(AuditEntrySchema))
def collaboration_history(args, collaboration_id):
    """The collaboration's audit trail: who (person or system:<job>) did what, and when.

    A partner's starts at the proposal: what the centre drafted before is not shown."""
    page = listing.paginate(collaborations.history(user(), collaboration_id, sort=args["sort"]), args)
    page["items"] = audit.described(page["items"])
    return page


@blp.route(f"{ONE}/activities")
@blp.arguments(ActivityListArgs, location="query")
@blp.response(200, listing.page_of(ActivitySchema))
def list_collaboration_activities(args, collaboration_id):
    """List a collaboration's activities"""
    return listing.paginate(activities.search_in(user(), collaboration_id, **listing.filters(args)), args)


@blp.route(f"{ONE}/activities", methods=["POST"])
@blp.doc(parameters=[idempotency.DOC])
@idempotent
@blp.arguments(ActivityCreateSchema)
@blp.response(201, ActivitySchema, headers=ETAG_DOC)
def plan_activity(data, collaboration_id):
    """Plan an activity under an accepted or active collaboration (centre)"""
    activity = activities.plan(user(), collaboration_id, data)
    return activity, {
        "Location": url_for("activities.get_activity", activity_id=activity.id),
        **preconditions.etag_header(activity),
    }
