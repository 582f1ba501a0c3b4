"""`emit`: add an event to the outbox inside the caller's transaction; never publish here."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from events.catalogue import Event
from events.envelope import encode
from events.store import outbox


def emit(session: Session, event: Event) -> Event:
    """Stage `event` in `session`'s transaction: it is published only if that commits."""
    session.execute(
        insert(outbox).values(
            event_id=event.id,
            type=event.type.type,
            subject=event.subject,
            envelope=encode(event),
            created_at=event.time,
        )
    )
    return event
