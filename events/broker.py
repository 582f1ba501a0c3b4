"""Connections to the broker, and publishing with the broker's word that a message is safe.

On RabbitMQ a batch is published on a channel in confirm mode with `mandatory` set, and a
message counts as delivered only once the broker acked it and did not return it as
unroutable. Virtual transports (SQLite, Redis) store synchronously: returning is success.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from kombu import Connection

from events.envelope import CONTENT_TYPE
from events.topology import is_amqp


def connect(url: str, *, heartbeat: float | None = None, connect_timeout: float = 5) -> Connection:
    transport = None
    if url.startswith("sqla+"):
        url, transport = url.removeprefix("sqla+"), "events.sqla_transport:Transport"
    return Connection(url, transport=transport, heartbeat=heartbeat, connect_timeout=connect_timeout)


class PublishError(RuntimeError):
    """The broker did not take the batch; nothing in it may be marked published."""


@dataclass
class OutgoingMessage:
    event_id: str
    type: str
    body: str
    exchange: str  # "" publishes straight to the queue named by routing_key
    routing_key: str
    mandatory: bool = True
    headers: dict = field(default_factory=dict)


class Publisher:
    """Publishes batches and says which messages the broker took responsibility for."""

    def __init__(self, connection: Connection, confirm_timeout: float = 30.0):
        self.connection = connection
        self.confirm_timeout = confirm_timeout
        self._channel = None
        self._acked: set[int] = set()
        self._nacked: set[int] = set()
        self._returned: set[str] = set()
        self._next_tag = 1
        self._batch_first_tag = 1

    # -- channel set-up -------------------------------------------------------------
    def _ensure_channel(self):
        if self._channel is not None:
            return self._channel
        self.connection.ensure_connection(max_retries=1)
        channel = self.connection.channel()
        if is_amqp(self.connection):
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.events["basic_return"].add(self._on_return)
            self._next_tag = 1
        self._channel = channel
        return channel

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self._acked.update(range(self._batch_first_tag, delivery_tag + 1))
        else:
            self._acked.add(delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool, *_args) -> None:
        if multiple:
            self._nacked.update(range(self._batch_first_tag, delivery_tag + 1))
        else:
            self._nacked.add(delivery_tag)

    def _on_return(self, _exc, _exchange, _routing_key, message) -> None:
        message_id = message.properties.get("message_id")
        if message_id:
            self._returned.add(message_id)

    def close(self) -> None:
        if self._channel is not None:
            try:
                self._channel.close()
            except Exception:  # noqa: BLE001 - closing a broken channel may fail again  # nosec B110  # nothing to recover
                pass
        self._channel = None

    # -- publishing ---------------------------------------------------------------
    def publish(self, messages: list[OutgoingMessage]) -> tuple[list[str], dict[str, str]]:
        """Publish `messages`; return (event ids the broker holds, {event id: why not})."""
        if not messages:
            return [], {}
        channel = self._ensure_channel()
        amqp = is_amqp(self.connection)
        self._acked.clear()
        self._nacked.clear()
        self._returned.clear()
        self._batch_first_tag = self._next_tag
        tags: dict[int, OutgoingMessage] = {}
        try:
            for message in messages:
                body = channel.prepare_message(
                    message.body,
                    priority=0,
                    content_type=CONTENT_TYPE,
                    content_encoding="utf-8",
                    headers=message.headers,
                    properties={"message_id": message.event_id, "delivery_mode": 2, "type": message.type},
                )
                channel.basic_publish(
                    body,
                    exchange=message.exchange,
                    routing_key=message.routing_key,
                    mandatory=message.mandatory and amqp,
                )
                if amqp:
                    tags[self._next_tag] = message
                    self._next_tag += 1
            if amqp:
                self._wait_for_confirms(set(tags))
        except Exception as exc:
            self.close()
            raise PublishError(f"{type(exc).__name__}: {exc}") from exc
        if not amqp:
            return [m.event_id for m in messages], {}
        ok, failed = [], {}
        for tag, message in tags.items():
            if tag in self._nacked:
                failed[message.event_id] = "nacked by the broker"
            elif message.event_id in self._returned:
                failed[message.event_id] = f"unroutable: no queue bound for {message.routing_key}"
            else:
                ok.append(message.event_id)
        return ok, failed

    def _wait_for_confirms(self, tags: set[int]) -> None:
        deadline = time.monotonic() + self.confirm_timeout
        while not tags <= (self._acked | self._nacked):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishError(f"no confirm within {self.confirm_timeout:.0f} s")
            self.connection.drain_events(timeout=min(remaining, 1.0))
