"""The event store tables: the outbox, what each consumer group has handled, dead letters.

They share one MetaData with the domain model (see `mitra.extensions`), so a state change,
its audit row and its outbox row commit in one transaction and one migration history.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from events.types import BigIntPK, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("type", String(80), nullable=False),
    Column("subject", String(120), nullable=False),
    Column("envelope", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("published_at", UTCDateTime, nullable=True),
    Column("publish_attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=True),
    # Set once every subscribed consumer group has recorded the event; until then the
    # relay may re-drive it (embedded transports can lose an unacked message on a crash).
    Column("settled_at", UTCDateTime, nullable=True),
    Column("redriven_at", UTCDateTime, nullable=True),
    Column("redrive_count", Integer, nullable=False, server_default="0"),
    Index("ix_outbox_published_at_id", "published_at", "id"),
    Index("ix_outbox_settled_at_published_at", "settled_at", "published_at"),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("consumer", String(40), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("handled_at", UTCDateTime, nullable=False, index=True),
    PrimaryKeyConstraint("consumer", "event_id"),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("consumer", String(40), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("type", String(80), nullable=False),
    Column("envelope", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("replayed_at", UTCDateTime, nullable=True),
    Index("ix_dead_letters_consumer_replayed_at", "consumer", "replayed_at"),
    Index("ix_dead_letters_event_id", "event_id"),
)
