"""The broker topology, declared once: the events exchange, one queue per consumer group
(bound to the event types that group handles), and a dead-letter queue per group."""

from __future__ import annotations

from functools import cache

from kombu import Connection, Exchange, Queue, binding

from events import catalogue as c

EXCHANGE = Exchange("mitra.events", type="topic", durable=True)
DEAD_LETTER_EXCHANGE = Exchange("mitra.dead-letters", type="direct", durable=True)

# Which event types each consumer group handles. Workers' handler tables must match this.
GROUPS: dict[str, tuple[str, ...]] = {
    "reminders": tuple(
        t.type
        for t in (
            c.CollaborationProposed,
            c.CollaborationRevised,
            c.CollaborationAccepted,
            c.CollaborationDeclined,
            c.CollaborationInfoRequested,
            c.CollaborationExpired,
            c.CollaborationActivated,
            c.CollaborationExtended,
            c.CollaborationCompleted,
            c.ActivityPlanned,
            c.ActivityMoved,
            c.ActivityCancelled,
            c.ActivityConfirmed,
            c.AttachmentAdded,
        )
    ),
    "partnerships": tuple(
        t.type
        for t in (
            c.CollaborationAccepted,
            c.CollaborationActivated,
            c.CollaborationCompleted,
            c.CollaborationCancelled,
            c.CollaborationExpired,
            c.CollaborationDeclined,
            c.ActivityReported,
            c.AgreementSigned,
            c.AgreementExpired,
        )
    ),
    "statistics": tuple(
        name
        for name in c.CATALOGUE
        if name.startswith(("mitra.collaboration.", "mitra.activity.", "mitra.partnership.", "mitra.umkm."))
    ),
}


@cache
def groups_for(event_type: str) -> tuple[str, ...]:
    """The consumer groups that must each record an event of this type."""
    return tuple(group for group, types in GROUPS.items() if event_type in types)


def queue_name(group: str) -> str:
    return f"mitra.{group}"


def dead_letter_queue_name(group: str) -> str:
    return f"mitra.{group}.dlq"


def is_amqp(connection: Connection) -> bool:
    return connection.transport.driver_type == "amqp"


def group_queue(group: str, connection: Connection) -> Queue:
    arguments = None
    if is_amqp(connection):
        # Quorum queues replicate and fsync; broker-side dead-lettering catches what a
        # crashed consumer could not (RabbitMQ's delivery limit).
        arguments = {
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name,
            "x-dead-letter-routing-key": group,
        }
    return Queue(
        queue_name(group),
        bindings=[binding(EXCHANGE, routing_key=t) for t in GROUPS[group]],
        durable=True,
        auto_delete=False,
        queue_arguments=arguments,
    )


def dead_letter_queue(group: str, connection: Connection) -> Queue:
    arguments = {"x-queue-type": "quorum"} if is_amqp(connection) else None
    return Queue(
        dead_letter_queue_name(group),
        exchange=DEAD_LETTER_EXCHANGE,
        routing_key=group,
        durable=True,
        auto_delete=False,
        queue_arguments=arguments,
    )


def declare(connection: Connection, groups=None) -> None:
    """Declare the exchanges and the queues of `groups` (all by default). Idempotent."""
    channel = connection.default_channel
    EXCHANGE(channel).declare()
    DEAD_LETTER_EXCHANGE(channel).declare()
    for group in groups or GROUPS:
        group_queue(group, connection)(channel).declare()
        dead_letter_queue(group, connection)(channel).declare()
