"""The `statistics` consumer group: recount the partnership an event touches.

Collaboration and activity events name their centre and partner, which is all the recount
needs: it compiles that partnership's rows again from the source tables (see
`mitra.services.statistics`), so handling an event twice, or two events out of order, gives
the same figures. Events that change no figure (drafts, planned or cancelled activities,
partnership status) are recorded and otherwise ignored.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from events import catalogue
from events.envelope import ReceivedEvent
from mitra.services import statistics
from workers.runtime import Handler


def recount_partnership_statistics(session: Session, event: ReceivedEvent) -> None:
    statistics.recount_partnership(session, event.data["centre_id"], event.data["partner_id"])


# Proposals and every later step move a collaboration between counted states; an activity
# enters the figures when it is reported held (and cannot change afterwards).
COUNTED = (
    catalogue.CollaborationProposed,
    catalogue.CollaborationRevised,
    catalogue.CollaborationAccepted,
    catalogue.CollaborationDeclined,
    catalogue.CollaborationInfoRequested,
    catalogue.CollaborationExpired,
    catalogue.CollaborationActivated,
    catalogue.CollaborationCompleted,
    catalogue.CollaborationCancelled,
    catalogue.ActivityReported,
)

HANDLERS: dict[str, Handler] = {event_type.type: recount_partnership_statistics for event_type in COUNTED}
