"""The outbox relay: publishes committed events in order, marks them published only after
the broker took them, and re-drives events a consumer group has not recorded in time."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kombu import Connection
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.engine import Connection as DBConnection
from sqlalchemy.engine import Engine

from events import topology
from events.broker import OutgoingMessage, Publisher, PublishError, connect
from events.store import dead_letters, outbox, processed_events
from events.types import utcnow

log = logging.getLogger("mitra.relay")


@dataclass
class RelaySettings:
    batch_size: int = 500
    poll_interval: float = 0.2
    redrive_after: timedelta = timedelta(minutes=5)
    redrive_every: float = 30.0
    retention: timedelta = timedelta(days=30)
    max_backoff: float = 30.0
    # Fault injection for the crash tests: sleep between the broker's confirm and the
    # commit that marks the rows published (a SIGKILL then lands in that window).
    pause_after_confirm: float = 0.0


class Relay:
    def __init__(
        self,
        engine: Engine,
        broker_url: str,
        settings: RelaySettings | None = None,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.engine = engine
        self.broker_url = broker_url
        self.settings = settings or RelaySettings()
        self.clock = clock
        self.connection: Connection | None = None
        self.publisher: Publisher | None = None
        self._last_redrive = 0.0
        self._last_prune = 0.0

    # -- broker -----------------------------------------------------------------------
    def _publisher(self) -> Publisher:
        if self.publisher is None:
            self.connection = connect(self.broker_url)
            self.connection.ensure_connection(max_retries=1)
            topology.declare(self.connection)
            self.publisher = Publisher(self.connection)
            log.info("relay connected to %s", self.connection.as_uri())
        return self.publisher

    def _drop_connection(self) -> None:
        if self.publisher is not None:
            self.publisher.close()
        if self.connection is not None:
            try:
                self.connection.release()
            except Exception:  # noqa: BLE001 - the connection is already broken  # nosec B110  # nothing to recover
                pass
        self.publisher = self.connection = None

    def close(self) -> None:
        self._drop_connection()

    # -- publishing ---------------------------------------------------------------------
    def publish_pending(self) -> int:
        """Publish one batch of unpublished events, oldest first; return how many went out."""
        if self.engine.dialect.name == "postgresql":
            # Row locks held while publishing let several relays share the outbox.
            with self.engine.begin() as conn:
                rows = self._select_unpublished(conn, lock=True)
                return self._publish_rows(conn, rows)
        # SQLite: one relay (a file lock in the CLI); keep write locks short so web
        # requests never wait behind a broker round trip.
        with self.engine.begin() as conn:
            rows = self._select_unpublished(conn, lock=False)
        if not rows:
            return 0
        with self.engine.begin() as conn:
            return self._publish_rows(conn, rows)

    def _select_unpublished(self, conn: DBConnection, lock: bool):
        query = (
            select(outbox.c.id, outbox.c.event_id, outbox.c.type, outbox.c.envelope)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.id)
            .limit(self.settings.batch_size)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        return conn.execute(query).all()

    def _publish_rows(self, conn: DBConnection, rows) -> int:
        if not rows:
            return 0
        messages = [
            OutgoingMessage(
                event_id=row.event_id,
                type=row.type,
                body=row.envelope,
                exchange=topology.EXCHANGE.name,
                routing_key=row.type,
                # An event no group handles still goes out for outside listeners.
                mandatory=bool(topology.groups_for(row.type)),
            )
            for row in rows
        ]
        try:
            ok, failed = self._publisher().publish(messages)
        except PublishError as exc:
            self._drop_connection()
            conn.execute(
                update(outbox)
                .where(outbox.c.id.in_([row.id for row in rows]))
                .values(publish_attempts=outbox.c.publish_attempts + 1, last_error=str(exc)[:500])
            )
            raise
        if ok and self.settings.pause_after_confirm:
            log.warning(
                "fault injection: %d event(s) confirmed; pausing %.0f s before the commit",
                len(ok),
                self.settings.pause_after_confirm,
            )
            time.sleep(self.settings.pause_after_confirm)
        now = self.clock()
        if ok:
            taken = set(ok)
            unsubscribed = [m.event_id for m in messages if m.event_id in taken and not m.mandatory]
            conn.execute(update(outbox).where(outbox.c.event_id.in_(ok)).values(published_at=now))
            if unsubscribed:
                conn.execute(update(outbox).where(outbox.c.event_id.in_(unsubscribed)).values(settled_at=now))
        for event_id, why in failed.items():
            log.warning("event %s not published: %s", event_id, why)
            conn.execute(
                update(outbox)
                .where(outbox.c.event_id == event_id)
                .values(publish_attempts=outbox.c.publish_attempts + 1, last_error=why[:500])
            )
        if failed:
            # A queue may have been deleted under us: declare the topology again next time.
            self._drop_connection()
        return len(ok)

    # -- re-drive -----------------------------------------------------------------------
    def redrive(self) -> int:
        """Republish events some subscribed group has not recorded within `redrive_after`
        to that group's queue alone; settle the ones every group has. Returns re-drives."""
        now = self.clock()
        cutoff = now - self.settings.redrive_after
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(outbox.c.id, outbox.c.event_id, outbox.c.type, outbox.c.envelope)
                .where(
                    outbox.c.settled_at.is_(None),
                    outbox.c.published_at.is_not(None),
                    outbox.c.published_at < cutoff,
                    or_(outbox.c.redriven_at.is_(None), outbox.c.redriven_at < cutoff),
                )
                .order_by(outbox.c.id)
                .limit(500)
            ).all()
            if not rows:
                return 0
            ids = [row.event_id for row in rows]
            recorded = {
                (r.consumer, r.event_id)
                for r in conn.execute(
                    select(processed_events.c.consumer, processed_events.c.event_id).where(
                        processed_events.c.event_id.in_(ids)
                    )
                )
            } | {
                (r.consumer, r.event_id)
                for r in conn.execute(
                    select(dead_letters.c.consumer, dead_letters.c.event_id).where(
                        and_(dead_letters.c.event_id.in_(ids), dead_letters.c.replayed_at.is_(None))
                    )
                )
            }
        settled, messages, redriven = [], [], set()
        for row in rows:
            missing = [g for g in topology.groups_for(row.type) if (g, row.event_id) not in recorded]
            if not missing:
                settled.append(row.event_id)
                continue
            redriven.add(row.event_id)
            messages += [
                OutgoingMessage(
                    row.event_id, row.type, row.envelope, "", topology.queue_name(g), True, {"x-redriven": 1}
                )
                for g in missing
            ]
        if messages:
            ok, failed = self._publisher().publish(messages)
            redriven -= set(failed)
            log.warning(
                "re-drove %d event(s) not recorded within %s", len(redriven), self.settings.redrive_after
            )
        with self.engine.begin() as conn:
            if settled:
                conn.execute(update(outbox).where(outbox.c.event_id.in_(settled)).values(settled_at=now))
            if redriven:
                conn.execute(
                    update(outbox)
                    .where(outbox.c.event_id.in_(redriven))
                    .values(redriven_at=now, redrive_count=outbox.c.redrive_count + 1)
                )
        return len(redriven)

    def collect_dead_letters(self, limit: int = 500) -> int:
        """Move what reached the groups' dead-letter queues into `dead_letters`, where
        operators list and replay it. Workers dead-letter an event after its last attempt;
        RabbitMQ does after its own delivery limit."""
        connection = self._publisher().connection
        channel = connection.default_channel
        collected = 0
        for group in topology.GROUPS:
            queue = topology.dead_letter_queue(group, connection)(channel)
            while collected < limit and (message := queue.get(no_ack=False)) is not None:
                self._record_dead_letter(group, message)
                message.ack()
                collected += 1
        if collected:
            log.warning("recorded %d dead letter(s); see `mitra events dlq list`", collected)
        return collected

    def _record_dead_letter(self, group: str, message) -> None:
        headers = message.headers or {}
        properties = message.properties or {}
        body = message.body.decode("utf-8", "replace") if isinstance(message.body, bytes) else message.body
        event_id = str(properties.get("message_id") or headers.get("x-event-id") or "unknown")
        with self.engine.begin() as conn:
            waiting = conn.scalar(
                select(dead_letters.c.id).where(
                    dead_letters.c.consumer == group,
                    dead_letters.c.event_id == event_id,
                    dead_letters.c.replayed_at.is_(None),
                )
            )
            if waiting is None:
                conn.execute(
                    dead_letters.insert().values(
                        consumer=group,
                        event_id=event_id,
                        type=str(properties.get("type") or "unknown"),
                        envelope=body,
                        error=str(headers.get("x-error") or _broker_reason(headers)),
                        attempts=int(headers.get("x-attempts") or headers.get("x-delivery-count") or 0),
                        created_at=self.clock(),
                    )
                )

    def prune(self) -> int:
        """Forget settled events and their consumer records after the retention period."""
        cutoff = self.clock() - self.settings.retention
        with self.engine.begin() as conn:
            old = select(outbox.c.event_id).where(outbox.c.settled_at < cutoff)
            conn.execute(delete(processed_events).where(processed_events.c.event_id.in_(old)))
            return conn.execute(delete(outbox).where(outbox.c.settled_at < cutoff)).rowcount

    # -- the loop -------------------------------------------------------------------------
    def run(self, should_stop: Callable[[], bool]) -> None:
        backoff = 0.0
        while not should_stop():
            try:
                published = self.publish_pending()
                now = time.monotonic()
                if now - self._last_redrive >= self.settings.redrive_every:
                    self._last_redrive = now
                    self.collect_dead_letters()  # before re-driving: a dead letter is settled
                    self.redrive()
                if now - self._last_prune >= 3600:
                    self._last_prune = now
                    self.prune()
                backoff = 0.0
            except Exception as exc:  # noqa: BLE001 - the relay outlives broker outages
                self._drop_connection()
                backoff = min(self.settings.max_backoff, max(0.5, backoff * 2))
                log.warning("relay: %s; retrying in %.1f s", exc, backoff)
                _sleep(backoff, should_stop)
                continue
            if published < self.settings.batch_size:
                _sleep(self.settings.poll_interval, should_stop)
        self.close()


def _broker_reason(headers) -> str:
    death = headers.get("x-death") or headers.get("x-first-death-reason")
    return f"dead-lettered by the broker: {death}" if death else "dead-lettered"


def _sleep(seconds: float, should_stop: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while not should_stop() and time.monotonic() < deadline:
        time.sleep(min(0.05, seconds))
