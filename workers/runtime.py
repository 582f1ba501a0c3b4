"""The consumer runtime: one kombu ConsumerMixin serving one or more consumer groups.

Each delivery is handled in one database transaction that also records
`(group, event_id)`; the ack follows the commit, so a redelivered event has no second
effect. Deliveries that arrive together are handled in one transaction, each in its own
savepoint. A failing handler is retried with exponential backoff by republishing the event
with an attempts header (the same on every transport), then dead-lettered with its error.
When the database itself cannot be reached, no attempt is counted: the worker holds the
failed deliveries unacknowledged and tries them again, with backoff, until it can.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import Flask
from kombu import Connection, Consumer, Message
from kombu.mixins import ConsumerMixin
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from events import topology
from events.broker import OutgoingMessage, Publisher
from events.envelope import EnvelopeError, ReceivedEvent, decode
from events.store import processed_events
from events.types import utcnow
from mitra.extensions import db
from mitra.services.unit_of_work import UnitOfWork

log = logging.getLogger("mitra.worker")

Handler = Callable[[Session, ReceivedEvent], None]
HandlerTable = Mapping[str, Mapping[str, Handler]]  # group -> event type -> handler


@dataclass
class WorkerSettings:
    prefetch: int = 100
    batch_size: int = 100
    batch_wait: float = 0.02  # seconds to wait for more deliveries before committing
    max_attempts: int = 5
    retry_base: float = 1.0  # seconds; doubled at each failed attempt
    heartbeat: float = 30.0
    database_wait_max: float = 30.0  # seconds between tries while the database is unreachable


@dataclass
class Delivery:
    group: str
    message: Message
    event: ReceivedEvent | None = None
    error: str | None = None

    @property
    def attempts(self) -> int:
        return int((self.message.headers or {}).get("x-attempts", 0))

    @property
    def event_id(self) -> str:
        if self.event is not None:
            return self.event.id
        return str(self.message.properties.get("message_id") or "unknown")

    @property
    def body(self) -> str:
        body = self.message.body
        return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)


@dataclass(order=True)
class _Retry:
    due: float
    seq: int
    delivery: Delivery = field(compare=False)
    error: str = field(compare=False)


class GroupWorker(ConsumerMixin):
    def __init__(
        self,
        app: Flask,
        connection: Connection,
        groups: list[str],
        handlers: HandlerTable,
        settings: WorkerSettings | None = None,
    ):
        unknown = set(groups) - set(topology.GROUPS)
        if unknown:
            raise ValueError(f"unknown consumer group(s): {', '.join(sorted(unknown))}")
        self.app = app
        self.connection = connection
        self.groups = groups
        self.handlers = handlers
        self.settings = settings or WorkerSettings()
        self.pending: list[Delivery] = []
        self.pending_since = 0.0
        self.retries: list[_Retry] = []
        self._seq = itertools.count()
        self.publisher: Publisher | None = None
        self.handled = 0  # events whose effect committed in this process
        self.database_wait = 0.0  # the current backoff while the database is unreachable
        self.database_retry_at = 0.0  # monotonic time before which held deliveries wait

    # -- kombu wiring -------------------------------------------------------------------
    def get_consumers(self, Consumer: Callable[..., Consumer], channel) -> list[Consumer]:  # noqa: N803
        topology.declare(self.connection, self.groups)
        consumers = []
        for group in self.groups:
            consumers.append(
                Consumer(
                    queues=[topology.group_queue(group, self.connection)],
                    on_message=lambda message, g=group: self.on_message(g, message),
                    prefetch_count=self.settings.prefetch,
                    no_ack=False,
                )
            )
        return consumers

    def on_connection_revived(self) -> None:
        # Deliveries of the lost channel will come again; forget ours without acking.
        self.pending.clear()
        self.retries.clear()
        self.database_retry_at = 0.0
        if self.publisher is not None:
            self.publisher.close()
        self.publisher = None

    def consume(self, limit=None, timeout=None, safety_interval=1, **kwargs):
        """ConsumerMixin.consume, but waiting only briefly while a batch is open."""
        with self.consumer_context(**kwargs) as (conn, _channel, _consumers):
            self.publisher = Publisher(conn.clone())
            try:
                while not self.should_stop:
                    self.on_iteration()
                    batch_open = self.pending and not self._holding()
                    wait = self.settings.batch_wait if batch_open else self._idle_wait()
                    try:
                        conn.drain_events(timeout=wait)
                    except TimeoutError:  # socket.timeout
                        conn.heartbeat_check()
                        self.flush()
                    except OSError:
                        if not self.should_stop:
                            raise
                    yield
                # SIGTERM: finish what is in hand, hand back the retries.
                self.flush()
                self.release_retries()
            finally:
                self.publisher.close()
                self.publisher.connection.release()

    def _idle_wait(self) -> float:
        if self.pending:  # held while the database is unreachable
            return max(self.settings.batch_wait, min(1.0, self.database_retry_at - time.monotonic()))
        if self.retries:
            return max(0.01, min(1.0, self.retries[0].due - time.monotonic()))
        return 1.0

    def _holding(self) -> bool:
        return bool(self.pending) and time.monotonic() < self.database_retry_at

    def on_iteration(self) -> None:
        if (
            self.pending
            and not self._holding()
            and (
                len(self.pending) >= self.settings.batch_size
                or time.monotonic() - self.pending_since >= self.settings.batch_wait
            )
        ):
            self.flush()
        self.republish_due_retries()

    # -- deliveries -----------------------------------------------------------------------
    def on_message(self, group: str, message: Message) -> None:
        delivery = Delivery(group, message)
        try:
            delivery.event = decode(message.body)
        except EnvelopeError as exc:
            # A malformed message will never succeed: straight to the dead letters.
            self.dead_letter(delivery, f"malformed event: {exc}")
            return
        if not self.pending:
            self.pending_since = time.monotonic()
        self.pending.append(delivery)
        if len(self.pending) >= self.settings.batch_size and not self._holding():
            self.flush()

    def flush(self) -> None:
        """Handle the open batch: effects and `(group, event_id)` rows commit together."""
        batch, self.pending = self.pending, []
        if not batch:
            return
        with self.app.app_context():
            outcome = self._all_at_once(batch) if len(batch) > 1 else None
            if outcome is None:  # a handler failed: find which, one savepoint each
                outcome = self._one_by_one(batch)
            done, failures = outcome
            if failures and not self._database_reachable():
                self._hold([delivery for delivery, _error in failures], failures[0][1])
                failures = []
            elif not failures:
                self.database_wait = 0.0
        self.handled += len(done)
        for delivery in done:
            delivery.message.ack()
        for delivery, error in failures:
            self.schedule_retry(delivery, error)

    def _database_reachable(self) -> bool:
        """A fresh transaction that only reads: on SQLite it also takes the write lock, so a
        database locked past the busy timeout counts as unreachable too."""
        try:
            with db.engine.begin() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - whatever the driver says, it is not there
            return False

    def _hold(self, deliveries: list[Delivery], error: str) -> None:
        """The database is down: keep the deliveries (unacked, no attempt counted) and try
        them again after a backoff; the broker's prefetch stops new deliveries meanwhile."""
        self.database_wait = min(
            self.settings.database_wait_max, max(self.settings.retry_base, self.database_wait * 2)
        )
        self.database_retry_at = time.monotonic() + self.database_wait
        self.pending = deliveries + self.pending
        self.pending_since = time.monotonic()
        log.warning(
            "database unreachable (%s); holding %d deliveries, trying again in %.0f s",
            _first_line(error),
            len(deliveries),
            self.database_wait,
        )

    def _split(self, session: Session, batch: list[Delivery]) -> tuple[list[Delivery], list[Delivery]]:
        """(already recorded or repeated within the batch, new) with one query."""
        recorded = {
            (row.consumer, row.event_id)
            for row in session.execute(
                select(processed_events.c.consumer, processed_events.c.event_id).where(
                    processed_events.c.event_id.in_({d.event_id for d in batch}),
                    processed_events.c.consumer.in_(self.groups),
                )
            )
        }
        duplicates: list[Delivery] = []
        new: list[Delivery] = []
        for delivery in batch:
            key = (delivery.group, delivery.event_id)
            (duplicates if key in recorded else new).append(delivery)
            recorded.add(key)
        return duplicates, new

    def _all_at_once(self, batch: list[Delivery]):
        """The fast path: every handler, one multi-row insert, one commit; None on any error
        (then nothing was committed)."""
        session = db.session
        try:
            with UnitOfWork(session()):
                duplicates, new = self._split(session(), batch)
                for delivery in new:
                    self._handle(session(), delivery)
                if new:
                    now = utcnow()
                    session.execute(
                        insert(processed_events),
                        [{"consumer": d.group, "event_id": d.event_id, "handled_at": now} for d in new],
                    )
            return duplicates + new, []
        except Exception:  # noqa: BLE001 - rolled back; retried below, event by event
            return None
        finally:
            session.remove()

    def _one_by_one(self, batch: list[Delivery]):
        """Each event in its own savepoint, so one failure does not undo the others."""
        session = db.session
        failures: list[tuple[Delivery, str]] = []
        done: list[Delivery] = []
        try:
            with UnitOfWork(session()):
                duplicates, new = self._split(session(), batch)
                done += duplicates  # ack, no effect
                for delivery in new:
                    try:
                        with UnitOfWork():  # a step: one event's failure undoes only that event
                            # Recorded first: a concurrent duplicate fails here, before any effect.
                            session.execute(
                                insert(processed_events).values(
                                    consumer=delivery.group, event_id=delivery.event_id, handled_at=utcnow()
                                )
                            )
                            self._handle(session(), delivery)
                        done.append(delivery)
                    except IntegrityError as exc:
                        if _is_duplicate(exc):
                            done.append(delivery)  # another worker recorded it first
                        else:
                            failures.append((delivery, _describe(exc)))
                    except Exception as exc:  # noqa: BLE001 - any handler error is retried
                        failures.append((delivery, _describe(exc)))
        except Exception as exc:  # noqa: BLE001 - the commit itself failed (rolled back): retry all
            log.exception("batch of %d failed to commit", len(batch))
            return [], [(d, _describe(exc)) for d in batch]
        finally:
            session.remove()
        return done, failures

    def _handle(self, session: Session, delivery: Delivery) -> None:
        event = delivery.event
        if event is None:  # undecodable deliveries are dead-lettered before any handler
            raise ValueError(f"delivery {delivery.event_id} has no decoded event")
        handler = self.handlers.get(delivery.group, {}).get(event.type.type)
        if handler is not None:
            handler(session, event)

    # -- retries and dead letters ---------------------------------------------------------------
    def schedule_retry(self, delivery: Delivery, error: str) -> None:
        attempts = delivery.attempts + 1
        log.warning(
            "%s: %s %s failed (attempt %d): %s",
            delivery.group,
            delivery.event.type.type if delivery.event else "?",
            delivery.event_id,
            attempts,
            _first_line(error),
        )
        if attempts >= self.settings.max_attempts:
            self.dead_letter(delivery, error, attempts)
            return
        delay = self.settings.retry_base * 2 ** (attempts - 1)
        heapq.heappush(self.retries, _Retry(time.monotonic() + delay, next(self._seq), delivery, error))

    def republish_due_retries(self, everything: bool = False) -> None:
        now = time.monotonic()
        while self.retries and (everything or self.retries[0].due <= now):
            retry = heapq.heappop(self.retries)
            delivery = retry.delivery
            headers = dict(delivery.message.headers or {})
            headers.update({"x-attempts": delivery.attempts + 1, "x-last-error": retry.error[-500:]})
            self._requeue(delivery, topology.queue_name(delivery.group), headers)

    def release_retries(self) -> None:
        """On shutdown: put waiting retries back on the queue now, attempts counted."""
        self.republish_due_retries(everything=True)

    def dead_letter(self, delivery: Delivery, error: str, attempts: int | None = None) -> None:
        headers = dict(delivery.message.headers or {})
        headers.update(
            {
                "x-attempts": attempts if attempts is not None else delivery.attempts,
                "x-error": error[-2000:],
                "x-group": delivery.group,
            }
        )
        log.error(
            "%s: event %s dead-lettered after %s attempt(s)",
            delivery.group,
            delivery.event_id,
            headers["x-attempts"],
        )
        # Straight to the queue: virtual transports keep exchange bindings per process, so
        # only a queue name routes the same on every transport.
        self._requeue(delivery, topology.dead_letter_queue_name(delivery.group), headers)

    def _requeue(self, delivery: Delivery, queue: str, headers: dict) -> None:
        """Publish the delivery's event again, straight to `queue`, then ack the copy taken."""
        self._publish(
            OutgoingMessage(delivery.event_id, _type_of(delivery), delivery.body, "", queue, True, headers)
        )
        delivery.message.ack()

    def _publish(self, message: OutgoingMessage) -> None:
        if self.publisher is None:  # made with the connection, before any delivery arrives
            raise RuntimeError("no publisher before the broker connection")
        _ok, failed = self.publisher.publish([message])
        if failed:
            raise RuntimeError(failed[message.event_id])


def _type_of(delivery: Delivery) -> str:
    if delivery.event is not None:
        return delivery.event.type.type
    return str(delivery.message.properties.get("type") or "unknown")


def _first_line(error: str) -> str:
    """What went wrong, without SQLAlchemy's trailing "(Background on this error at: ...)"."""
    return (error.splitlines() or ["?"])[0][:300]


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def _is_duplicate(exc: IntegrityError) -> bool:
    """True when the failing statement was our own (group, event_id) record."""
    return "processed_events" in (exc.statement or "")
