"""The `statistics` consumer group: recount the partnership an event touches.

Collaboration, activity, attendance and outcome events name their centre and partner, which
is all the recount needs: it compiles that partnership's rows again from the source tables
(see `mitra.services.statistics`), so handling an event twice, or two events out of order,
gives the same figures. An outcome that names no collaboration has no partner (and, recorded
by the ministry, no centre): its event says None, and the recount takes 0, as the compiled
rows do. Events that change no figure (drafts, planned or cancelled activities, partnership
status) are recorded and otherwise ignored.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from events import catalogue
from events.envelope import ReceivedEvent
from mitra.services import statistics
from workers.runtime import Handler


def recount_partnership_statistics(session: Session, event: ReceivedEvent) -> None:
    centre_id, partner_id = event.data["centre_id"], event.data["partner_id"]
    statistics.recount_partnership(
        session,
        statistics.NO_ID if centre_id is None else centre_id,
        statistics.NO_ID if partner_id is None else partner_id,
    )


# Proposals and every later step move a collaboration between counted states; an activity
# enters the figures when it is reported held (and cannot change afterwards), its businesses
# when they are on its attendance; an outcome when it is recorded.
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
    catalogue.AttendanceRecorded,
    catalogue.OutcomeRecorded,
)

HANDLERS: dict[str, Handler] = {event_type.type: recount_partnership_statistics for event_type in COUNTED}
