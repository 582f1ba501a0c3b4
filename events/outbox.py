"""`emit`: add an event to the outbox inside the caller's transaction; never publish here."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.orm import Session

from events.catalogue import Event
from events.envelope import encode
from events.store import outbox


def _row(event: Event) -> dict:
    return {
        "event_id": event.id,
        "type": event.type.type,
        "subject": event.subject,
        "envelope": encode(event),
        "created_at": event.time,
    }


def emit(session: Session, event: Event) -> Event:
    """Stage `event` in `session`'s transaction: it is published only if that commits."""
    session.execute(insert(outbox).values(**_row(event)))
    return event


def emit_all(session: Session, events: Sequence[Event]) -> Sequence[Event]:
    """Stage many events with one executemany (a sweep's, an import's); same guarantee as
    `emit`. The relay publishes them in this order."""
    if events:
        session.execute(insert(outbox), [_row(event) for event in events])
    return events
