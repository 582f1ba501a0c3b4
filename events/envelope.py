"""CloudEvents 1.0 structured JSON: the one wire format, readable by any AMQP client."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events.catalogue import Event, EventDataError, EventType, lookup

SPECVERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
DEFAULT_SOURCE = "/mitra"
REQUIRED = ("specversion", "id", "source", "type", "time", "datacontenttype", "data")


class EnvelopeError(ValueError):
    """A message that is not a valid Mitra CloudEvent (a poison message)."""


def to_cloudevent(event: Event, source: str = DEFAULT_SOURCE) -> dict[str, Any]:
    return {
        "specversion": SPECVERSION,
        "id": event.id,
        "source": source,
        "type": event.type.type,
        "subject": event.subject,
        "time": event.time.isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "dataschema": event.type.dataschema,
        "data": dict(event.data),
    }


def encode(event: Event, source: str = DEFAULT_SOURCE) -> str:
    return json.dumps(to_cloudevent(event, source), separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class ReceivedEvent:
    """An event as a consumer sees it: envelope checked, data loaded by its schema."""

    id: str
    type: EventType
    subject: str
    time: datetime
    data: dict[str, Any]
    envelope: dict[str, Any]

    @property
    def name(self) -> str:
        return self.type.name


def decode(body: str | bytes | dict) -> ReceivedEvent:
    """Parse and validate a CloudEvent; EnvelopeError says what is wrong."""
    try:
        envelope = body if isinstance(body, dict) else json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EnvelopeError(f"not JSON: {exc}") from exc
    if not isinstance(envelope, dict):
        raise EnvelopeError("a CloudEvent is a JSON object")
    missing = [name for name in REQUIRED if name not in envelope]
    if missing:
        raise EnvelopeError(f"missing CloudEvents attributes: {', '.join(missing)}")
    if envelope["specversion"] != SPECVERSION:
        raise EnvelopeError(f"specversion {envelope['specversion']!r} is not {SPECVERSION}")
    try:
        event_type = lookup(envelope["type"])
        data = event_type.load(envelope["data"])
        time = datetime.fromisoformat(str(envelope["time"]).replace("Z", "+00:00"))
    except (EventDataError, ValueError) as exc:
        raise EnvelopeError(str(exc)) from exc
    return ReceivedEvent(
        id=str(envelope["id"]),
        type=event_type,
        subject=str(envelope.get("subject", "")),
        time=time,
        data=data,
        envelope=envelope,
    )
