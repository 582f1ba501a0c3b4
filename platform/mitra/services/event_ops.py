"""What operators ask of the event backbone: backlog, lag, handled events, dead letters."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session

from events import topology
from events.broker import OutgoingMessage, Publisher, connect
from events.store import dead_letters, outbox, processed_events
from events.types import utcnow


def backlog(session: Session) -> tuple[int, datetime | None]:
    """(unpublished events, when the oldest of them was emitted)."""
    count, oldest = session.execute(
        select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.published_at.is_(None))
    ).one()
    return count, oldest


def status(session: Session) -> dict:
    now = utcnow()
    unpublished, oldest = backlog(session)
    unsettled = session.scalar(
        select(func.count()).where(outbox.c.published_at.is_not(None), outbox.c.settled_at.is_(None))
    )
    dead: dict[str, int] = dict(
        session.execute(
            select(dead_letters.c.consumer, func.count())
            .where(dead_letters.c.replayed_at.is_(None))
            .group_by(dead_letters.c.consumer)
        ).all()
    )
    groups = {}
    for group, types in topology.GROUPS.items():
        handled = exists().where(
            and_(processed_events.c.consumer == group, processed_events.c.event_id == outbox.c.event_id)
        )
        lag = session.scalar(
            select(func.count()).where(outbox.c.settled_at.is_(None), outbox.c.type.in_(types), ~handled)
        )
        groups[group] = {"lag": lag, "dead_letters": dead.get(group, 0)}
    session.rollback()
    return {
        "backlog": unpublished,
        "oldest_unpublished_seconds": (now - oldest).total_seconds() if oldest else None,
        "unsettled": unsettled,
        "groups": groups,
    }


def tail(
    session: Session, *, groups=None, since: int = 10, follow: bool = True, poll: float = 0.5
) -> Iterator[dict]:
    """Yield handled events oldest first: the last `since`, then new ones as they come."""
    query = select(
        processed_events.c.handled_at,
        processed_events.c.consumer,
        processed_events.c.event_id,
        outbox.c.type,
        outbox.c.subject,
    ).join(outbox, outbox.c.event_id == processed_events.c.event_id, isouter=True)
    if groups:
        query = query.where(processed_events.c.consumer.in_(groups))
    recent = session.execute(query.order_by(processed_events.c.handled_at.desc()).limit(since)).all()
    session.rollback()
    seen: set[tuple[str, str]] = set()
    last = None
    for row in reversed(recent):
        seen.add((row.consumer, row.event_id))
        last = row.handled_at
        yield _row(row)
    while follow:
        time.sleep(poll)
        newer = query.order_by(processed_events.c.handled_at)
        if last is not None:
            newer = newer.where(processed_events.c.handled_at >= last)
        rows = session.execute(newer.limit(1000)).all()
        session.rollback()
        for row in rows:
            key = (row.consumer, row.event_id)
            if key in seen:
                continue
            seen.add(key)
            last = row.handled_at
            yield _row(row)


def _row(row) -> dict:
    return {
        "handled_at": row.handled_at,
        "consumer": row.consumer,
        "event_id": row.event_id,
        "type": row.type or "?",
        "subject": row.subject or "",
    }


def dead_letters_list(session: Session, *, group: str | None = None, include_replayed: bool = False):
    query = select(dead_letters).order_by(dead_letters.c.id)
    if group:
        query = query.where(dead_letters.c.consumer == group)
    if not include_replayed:
        query = query.where(dead_letters.c.replayed_at.is_(None))
    rows = session.execute(query).all()
    session.rollback()
    return rows


def replay(
    session: Session, broker_url: str, *, ids: list[int] | None, group: str | None = None
) -> tuple[int, str | None]:
    """Republish dead letters to their group's queue with attempts reset; mark the ones the
    broker took as replayed. Returns how many it took, and why it refused the rest (or None)."""
    query = select(dead_letters).where(dead_letters.c.replayed_at.is_(None)).order_by(dead_letters.c.id)
    if ids is not None:
        query = query.where(dead_letters.c.id.in_(ids))
    if group:
        query = query.where(dead_letters.c.consumer == group)
    rows = session.execute(query).all()
    session.rollback()
    if ids is not None and len(rows) != len(ids):
        found = {row.id for row in rows}
        missing = [str(i) for i in ids if i not in found]
        raise LookupError(f"no dead letter waiting for replay with id {', '.join(missing)}")
    if not rows:
        return 0, None
    connection = connect(broker_url)
    publisher = Publisher(connection)
    try:
        ok, failed = publisher.publish(
            [
                OutgoingMessage(
                    row.event_id,
                    row.type,
                    row.envelope,
                    "",
                    topology.queue_name(row.consumer),
                    True,
                    {"x-attempts": 0, "x-replayed": 1},
                )
                for row in rows
            ]
        )
    finally:
        publisher.close()
        connection.release()
    confirmed = set(ok)
    done = [row.id for row in rows if row.event_id in confirmed]
    if done:  # stored when the caller's unit of work commits
        session.execute(update(dead_letters).where(dead_letters.c.id.in_(done)).values(replayed_at=utcnow()))
    refused = f"the broker refused {len(failed)} of them: {next(iter(failed.values()))}" if failed else None
    return len(done), refused
