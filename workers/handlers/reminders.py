"""The `reminders` consumer group: tell people what just happened to a collaboration.

A proposal (or its revision) is told to the partner's users; the partner's answer
(accepted, declined, information requested) and an expiry to the centre's managers. Each
person sees it at once in the app, and gets an e-mail at once or in their daily digest, as
they chose. Handlers only stage rows in `session`: the runtime commits them together with
the (group, event id) record, so a redelivered event tells no one twice.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from events import catalogue as c
from events.envelope import ReceivedEvent
from mitra.models import User
from mitra.services import notifications, reminders

# The event's free text, by the name the words of each kind use for it.
TEXT_PARAM = {"collaboration.declined": "reason", "collaboration.info_requested": "question",
              "collaboration.revised": "answer"}


def _tell(find: Callable[[Session, dict], list[User]]):
    def handler(session: Session, event: ReceivedEvent) -> None:
        data = event.data
        param = TEXT_PARAM.get(event.name)
        params = {param: data["reason"]} if param and data.get("reason") else None
        for user in find(session, data):
            notification = notifications.create(session, user, event.name, data["collaboration_id"],
                                                at=event.time, params=params)
            reminders.stage_copy(session, notification, user, event.time)

    return handler


tell_partner_users = _tell(lambda session, data: notifications.partner_users(session, data["partner_id"]))
tell_centre_managers = _tell(lambda session, data: notifications.centre_managers(session, data["centre_id"]))

HANDLERS = {
    c.CollaborationProposed.type: tell_partner_users,
    c.CollaborationRevised.type: tell_partner_users,
    c.CollaborationAccepted.type: tell_centre_managers,
    c.CollaborationDeclined.type: tell_centre_managers,
    c.CollaborationInfoRequested.type: tell_centre_managers,
    c.CollaborationExpired.type: tell_centre_managers,
}
