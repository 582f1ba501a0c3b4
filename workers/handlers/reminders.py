"""The `reminders` consumer group: tell people what just happened to a collaboration.

A proposal (or its revision) is told to the partner's users; the partner's answer
(accepted, declined, information requested) and an expiry to the centre's managers. Once
accepted, both sides hear that it started; the partner of each activity planned, moved or
cancelled and of an extension or completion, the centre of each confirmation (and of a
completion by the lifecycle job); new evidence (an attachment) the side that did not bring
it. Each person sees it at once in the app, and gets an e-mail at once or in their daily
digest, as they chose. Handlers only stage rows in
`session`: the runtime commits them together with the (group, event id) record, so a
redelivered event tells no one twice.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from events import catalogue as c
from events.envelope import ReceivedEvent
from mitra.models import Attachment, Role, User
from mitra.services import notifications, reminders

# The event's free text, by the name the words of each kind use for it.
TEXT_PARAM = {
    "collaboration.declined": "reason",
    "collaboration.info_requested": "question",
    "collaboration.revised": "answer",
}

Finder = Callable[[Session, dict], list[User]]


def _partner(session: Session, data: dict) -> list[User]:
    return notifications.partner_users(session, data["partner_id"])


def _centre(session: Session, data: dict) -> list[User]:
    return notifications.centre_managers(session, data["centre_id"])


def _both(session: Session, data: dict) -> list[User]:
    return _partner(session, data) + _centre(session, data)


def _partner_and_centre_if_system(session: Session, data: dict) -> list[User]:
    """A centre that closed a collaboration itself knows; one closed by the job is told."""
    return _both(session, data) if data["actor"].startswith("system:") else _partner(session, data)


def _other_side(session: Session, data: dict) -> list[User]:
    """The partner's users of a centre's upload, the centre's managers of a partner's; both
    sides of one the ministry made."""
    attachment = session.get(Attachment, data["attachment_id"])
    role = attachment.uploaded_by.role if attachment is not None else None
    if role == Role.PARTNER_USER:
        return _centre(session, data)
    if role == Role.CENTRE_MANAGER:
        return _partner(session, data)
    return _both(session, data)


def _tell(find: Finder):
    def handler(session: Session, event: ReceivedEvent) -> None:
        data = event.data
        param = TEXT_PARAM.get(event.name)
        params = {param: data["reason"]} if param and data.get("reason") else None
        subject_id = data[f"{notifications.KINDS[event.name].subject_type}_id"]
        for user in find(session, data):
            notification = notifications.create(
                session, user, event.name, subject_id, at=event.time, params=params
            )
            reminders.stage_copy(session, notification, user, event.time)

    return handler


tell_partner_users = _tell(_partner)
tell_centre_managers = _tell(_centre)
tell_both_sides = _tell(_both)

HANDLERS = {
    c.CollaborationProposed.type: tell_partner_users,
    c.CollaborationRevised.type: tell_partner_users,
    c.CollaborationAccepted.type: tell_centre_managers,
    c.CollaborationDeclined.type: tell_centre_managers,
    c.CollaborationInfoRequested.type: tell_centre_managers,
    c.CollaborationExpired.type: tell_centre_managers,
    c.CollaborationActivated.type: tell_both_sides,
    c.CollaborationExtended.type: tell_partner_users,
    c.CollaborationCompleted.type: _tell(_partner_and_centre_if_system),
    c.ActivityPlanned.type: tell_partner_users,
    c.ActivityMoved.type: tell_partner_users,
    c.ActivityCancelled.type: tell_partner_users,
    c.ActivityConfirmed.type: tell_centre_managers,
    c.AttachmentAdded.type: _tell(_other_side),
}
