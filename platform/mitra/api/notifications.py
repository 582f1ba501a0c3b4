"""`/api/v1/notifications`: the signed-in user's own in-app notifications, and marking them read."""

from __future__ import annotations

from marshmallow import Schema, fields

from mitra.api import listing
from mitra.api.auth import user
from mitra.api.requests import ID, ApiBlueprint
from mitra.services import notifications

blp = ApiBlueprint(
    "notifications",
    __name__,
    url_prefix="/api/v1/notifications",
    description="What happened to your collaborations, and reminders; yours only",
)


class NotificationSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(
        required=True,
        metadata={
            "description": "collaboration.proposed, ..., or a reminder: proposal-3d, proposal-1d, "
            "activity-tomorrow, outcome-overdue, agreement-60d, agreement-30d, agreement-7d"
        },
    )
    title = fields.String(required=True, metadata={"description": "in your language (profile)"})
    body = fields.String(required=True)
    link = fields.String(required=True, metadata={"description": "the page of the item"})
    subject_type = fields.String(
        required=True, metadata={"description": "collaboration, activity or agreement"}
    )
    subject_id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(required=True, allow_none=True)


NotificationListArgs = listing.list_args(
    "Notification",
    notifications.SORTABLE,
    "-created_at",
    unread=fields.Boolean(metadata={"description": "true: only unread ones; false: only read ones"}),
)


@blp.route("")
@blp.arguments(NotificationListArgs, location="query")
@blp.response(200, listing.page_of(NotificationSchema))
def list_notifications(args):
    """List your notifications, newest first"""
    statement = notifications.search(user(), unread=args.get("unread"), sort=args["sort"])
    page = listing.paginate(statement, args)
    page["items"] = notifications.describe(page["items"], user())
    return page


@blp.route(f"/<{ID}:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
def read_notification(notification_id):
    """Mark one of your notifications read (again: no change; someone else's: 404)"""
    notification = notifications.mark_read(user(), notification_id)
    return notifications.describe([notification], user())[0]
