"""marshmallow schemas for the `data` of each event family; unknown fields are refused."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate


class EventData(Schema):
    class Meta:
        unknown = RAISE


class CollaborationData(EventData):
    collaboration_id = fields.Integer(required=True, strict=True)
    centre_id = fields.Integer(required=True, strict=True)
    partner_id = fields.Integer(required=True, strict=True)
    partnership_id = fields.Integer(required=True, strict=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    service_area = fields.String(required=True)
    status = fields.String(required=True)
    previous_status = fields.String(allow_none=True, load_default=None)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    respond_by = fields.Date(allow_none=True, load_default=None)
    target_umkm = fields.Integer(required=True, strict=True)
    actor = fields.String(required=True)
    reason = fields.String(allow_none=True, load_default=None)


class ActivityData(EventData):
    activity_id = fields.Integer(required=True, strict=True)
    collaboration_id = fields.Integer(required=True, strict=True)
    centre_id = fields.Integer(required=True, strict=True)
    partner_id = fields.Integer(required=True, strict=True)
    type = fields.String(required=True)
    service_area = fields.String(allow_none=True, load_default=None)
    date = fields.Date(required=True)
    status = fields.String(required=True)
    participants = fields.Integer(required=True, strict=True)
    umkm_reached = fields.Integer(required=True, strict=True)
    actor = fields.String(required=True)


class AgreementData(EventData):
    agreement_id = fields.Integer(required=True, strict=True)
    partnership_id = fields.Integer(required=True, strict=True)
    centre_id = fields.Integer(required=True, strict=True)
    partner_id = fields.Integer(required=True, strict=True)
    kind = fields.String(required=True)
    number = fields.String(required=True)
    signed_on = fields.Date(required=True)
    valid_until = fields.Date(required=True)
    days_left = fields.Integer(allow_none=True, load_default=None)
    actor = fields.String(required=True)


class PartnershipStatusData(EventData):
    partnership_id = fields.Integer(required=True, strict=True)
    centre_id = fields.Integer(required=True, strict=True)
    partner_id = fields.Integer(required=True, strict=True)
    previous_status = fields.String(required=True)
    status = fields.String(required=True)
    reason = fields.String(required=True)
    actor = fields.String(required=True)


class ReminderData(EventData):
    reminder_id = fields.Integer(required=True, strict=True)
    kind = fields.String(required=True)
    recipient_id = fields.Integer(required=True, strict=True)
    subject_type = fields.String(required=True)
    subject_id = fields.Integer(required=True, strict=True)
    due_on = fields.Date(required=True)


class AttachmentData(EventData):
    attachment_id = fields.Integer(required=True, strict=True)
    subject_type = fields.String(
        required=True, validate=validate.OneOf(("agreement", "collaboration", "activity"))
    )
    subject_id = fields.Integer(required=True, strict=True)
    centre_id = fields.Integer(required=True, strict=True)
    partner_id = fields.Integer(required=True, strict=True)
    kind = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True, strict=True)
    sha256 = fields.String(required=True, validate=validate.Length(equal=64))
    actor = fields.String(required=True)


class AttendanceData(EventData):
    """An activity's attendance list changed; umkm_reached is its count of distinct businesses."""

    activity_id = fields.Integer(required=True, strict=True)
    collaboration_id = fields.Integer(required=True, strict=True)
    centre_id = fields.Integer(required=True, strict=True)
    partner_id = fields.Integer(required=True, strict=True)
    umkm_reached = fields.Integer(required=True, strict=True)
    added = fields.Integer(required=True, strict=True)
    removed = fields.Integer(load_default=0, strict=True)
    actor = fields.String(required=True)


class OutcomeData(EventData):
    """No personal data: the business is named by its id and NIB only."""

    outcome_id = fields.Integer(required=True, strict=True)
    umkm_id = fields.Integer(required=True, strict=True)
    nib = fields.String(required=True, validate=validate.Length(equal=13))
    type = fields.String(required=True)
    date = fields.Date(required=True)
    amount_idr = fields.Integer(allow_none=True, load_default=None, strict=True)
    activity_id = fields.Integer(allow_none=True, load_default=None, strict=True)
    collaboration_id = fields.Integer(allow_none=True, load_default=None, strict=True)
    centre_id = fields.Integer(allow_none=True, load_default=None, strict=True)
    partner_id = fields.Integer(allow_none=True, load_default=None, strict=True)
    actor = fields.String(required=True)
