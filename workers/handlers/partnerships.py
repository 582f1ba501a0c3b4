"""The `partnerships` consumer group: judge again the partnership an event touches.

Every event this group receives (see `events.topology.GROUPS`) may move a partnership:
accepted, activated, completed, cancelled, declined or expired collaborations, activities
reported held, agreements signed or expired. The rules live in
`mitra.services.partnership_status`; a handler only finds the partnership, locks it and asks.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from events import topology
from events.envelope import ReceivedEvent
from events.types import utcnow
from mitra.models import Collaboration
from mitra.services import partnership_status
from mitra.services.lifecycle import Clock, today_at
from workers.runtime import Handler


def make_handlers(clock: Clock = utcnow) -> dict[str, Handler]:
    """The group's handler table; tests pass a fixed clock."""

    def refresh_partnership_status(session: Session, event: ReceivedEvent) -> None:
        partnership_id = event.data.get("partnership_id")
        if partnership_id is None:  # activity events name their collaboration
            partnership_id = session.scalar(
                select(Collaboration.partnership_id).where(Collaboration.id == event.data["collaboration_id"])
            )
        if partnership_id is None:
            return  # the collaboration is gone: there is nothing left to judge
        partnership = partnership_status.locked(session, partnership_id)
        partnership_status.refresh(
            session,
            partnership,
            today_at(partnership.centre, clock),
            partnership_status.PartnershipRules.from_config(current_app.config),
            clock=clock,
        )

    return {event_type: refresh_partnership_status for event_type in topology.GROUPS["partnerships"]}


HANDLERS = make_handlers()
