"""Every event type Mitra emits: its name, version and data schema, declared once.

An event type is called like a class to make an event:
`CollaborationProposed(collaboration_id=7, ...)`; its data is validated there and again
when a consumer receives it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from uuid import uuid4

from marshmallow import Schema, ValidationError

from events.schemas import (
    ActivityData,
    AgreementData,
    AttachmentData,
    AttendanceData,
    CollaborationData,
    OutcomeData,
    PartnershipStatusData,
    ReminderData,
)
from events.types import utcnow

TYPE_PREFIX = "mitra."


class EventDataError(ValueError):
    """An event's data does not match its declared schema."""

    def __init__(self, event_type: str, messages: Any):
        super().__init__(f"{event_type}: invalid data: {messages}")
        self.messages = messages


@dataclass(frozen=True)
class Event:
    """One immutable fact, ready for the outbox: data is already in its JSON form."""

    type: EventType
    subject: str
    data: Mapping[str, Any]
    id: str = field(default_factory=lambda: str(uuid4()))
    time: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class EventType:
    name: str  # "collaboration.proposed"
    schema: type[Schema]
    subject: str  # template over the data, e.g. "collaboration/{collaboration_id}"
    version: int = 1

    @cached_property
    def _schema(self) -> Schema:
        """One instance per type: marshmallow schemas are reusable, and building one per
        event cost more than the dump itself."""
        return self.schema()

    @property
    def type(self) -> str:
        """The CloudEvents `type` and the AMQP routing key."""
        return TYPE_PREFIX + self.name

    @property
    def dataschema(self) -> str:
        return f"urn:mitra:schema:{self.name}:v{self.version}"

    def __call__(self, **data: Any) -> Event:
        payload = self.dump(data)
        return Event(type=self, subject=self.subject.format(**payload), data=payload)

    def dump(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Python values to JSON values, validated both ways."""
        try:
            payload = self._schema.dump(data)
        except (TypeError, ValueError, AttributeError) as exc:
            raise EventDataError(self.name, str(exc)) from exc
        self.load(payload)
        unknown = set(data) - set(payload)
        if unknown:
            raise EventDataError(self.name, {name: ["Unknown field."] for name in sorted(unknown)})
        return payload

    def load(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """JSON values to Python values, or EventDataError."""
        try:
            return self._schema.load(payload)
        except ValidationError as exc:
            raise EventDataError(self.name, exc.messages) from exc


CATALOGUE: dict[str, EventType] = {}


def declare(name: str, schema: type[Schema], subject: str, version: int = 1) -> EventType:
    event_type = EventType(name=name, schema=schema, subject=subject, version=version)
    if event_type.type in CATALOGUE:
        raise ValueError(f"event type {name} declared twice")
    CATALOGUE[event_type.type] = event_type
    return event_type


def lookup(type_: str) -> EventType:
    try:
        return CATALOGUE[type_]
    except KeyError:
        raise EventDataError(type_, {"type": [f"Unknown event type {type_!r}."]}) from None


_COLLABORATION = "collaboration/{collaboration_id}"
CollaborationDrafted = declare("collaboration.drafted", CollaborationData, _COLLABORATION)
CollaborationProposed = declare("collaboration.proposed", CollaborationData, _COLLABORATION)
CollaborationAccepted = declare("collaboration.accepted", CollaborationData, _COLLABORATION)
CollaborationDeclined = declare("collaboration.declined", CollaborationData, _COLLABORATION)
CollaborationInfoRequested = declare("collaboration.info_requested", CollaborationData, _COLLABORATION)
CollaborationRevised = declare("collaboration.revised", CollaborationData, _COLLABORATION)
CollaborationExpired = declare("collaboration.expired", CollaborationData, _COLLABORATION)
CollaborationActivated = declare("collaboration.activated", CollaborationData, _COLLABORATION)
CollaborationExtended = declare("collaboration.extended", CollaborationData, _COLLABORATION)
CollaborationCompleted = declare("collaboration.completed", CollaborationData, _COLLABORATION)
CollaborationCancelled = declare("collaboration.cancelled", CollaborationData, _COLLABORATION)

_ACTIVITY = "activity/{activity_id}"
ActivityPlanned = declare("activity.planned", ActivityData, _ACTIVITY)
ActivityReported = declare("activity.reported", ActivityData, _ACTIVITY)
ActivityCancelled = declare("activity.cancelled", ActivityData, _ACTIVITY)
ActivityMoved = declare("activity.moved", ActivityData, _ACTIVITY)
ActivityConfirmed = declare("activity.confirmed", ActivityData, _ACTIVITY)

_AGREEMENT = "agreement/{agreement_id}"
AgreementSigned = declare("agreement.signed", AgreementData, _AGREEMENT)
AgreementExpiring = declare("agreement.expiring", AgreementData, _AGREEMENT)
AgreementExpired = declare("agreement.expired", AgreementData, _AGREEMENT)

PartnershipStatusChanged = declare(
    "partnership.status_changed", PartnershipStatusData, "partnership/{partnership_id}"
)
ReminderSent = declare("reminder.sent", ReminderData, "reminder/{reminder_id}")

_ATTACHMENT = "attachment/{attachment_id}"
AttachmentAdded = declare("attachment.added", AttachmentData, _ATTACHMENT)
AttachmentRemoved = declare("attachment.removed", AttachmentData, _ATTACHMENT)
AttendanceRecorded = declare("activity.attendance_recorded", AttendanceData, _ACTIVITY)
OutcomeRecorded = declare("umkm.outcome_recorded", OutcomeData, "umkm/{umkm_id}/outcome/{outcome_id}")
