"""How records change: the collaboration state machine, and audited edits of any record.

Every collaboration transition is one row of `TRANSITIONS`: its verb, the states it leaves,
the state it reaches, who may take it, the event it emits and the text it requires. Taking
it (`transition`) writes the audit entry and stages the event in the outbox in the caller's
transaction; it never commits, so a request's service and a consumer's delivery each commit
it together with the rest of their work.

Workers call it with a system actor::

    transition(collaboration, "expire", actor=SystemActor("proposal-expiry"))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, inspect, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from events import catalogue
from events.catalogue import EventType
from events.outbox import emit
from events.types import utcnow
from mitra.extensions import changed_rows, db
from mitra.models import Centre, Collaboration, Role
from mitra.models import CollaborationStatus as S
from mitra.security.auth import SYSTEM_ROLE, Principal, SystemActor
from mitra.services import audit
from mitra.services.errors import Conflict, Forbidden, InvalidInput

__all__ = [
    "PERSON_VERBS",
    "TRANSITIONS",
    "SystemActor",
    "Transition",
    "available",
    "may_edit",
    "may_extend",
    "transition",
    "url_word",
]

# The system actor of the scheduled job that starts and closes collaborations.
LIFECYCLE_ACTOR = SystemActor("lifecycle")

Clock = Callable[[], datetime]
Precondition = Callable[[Any], None]  # raises when the client's copy is stale (If-Match)

CENTRE = frozenset({Role.CENTRE_MANAGER.value, Role.MINISTRY_ADMIN.value})
PARTNER = frozenset({Role.PARTNER_USER.value})
SYSTEM = frozenset({SYSTEM_ROLE})

# How long a partner has to answer when the centre names no date.
DEFAULT_RESPONSE_DAYS = 14

ROLE_NAMES = {
    Role.CENTRE_MANAGER.value: "a centre manager",
    Role.MINISTRY_ADMIN.value: "a ministry admin",
    Role.PARTNER_USER.value: "the partner's user",
    SYSTEM_ROLE: "the system",
}


@dataclass(frozen=True)
class Transition:
    verb: str
    sources: tuple[str, ...]
    target: str
    who: frozenset[str]
    event: EventType
    requires: str | None = None  # the text field the verb cannot do without

    @property
    def action(self) -> str:
        return f"collaboration.{self.verb}"


TRANSITIONS: dict[str, Transition] = {
    t.verb: t
    for t in (
        Transition("propose", (S.DRAFT,), S.PROPOSED, CENTRE, catalogue.CollaborationProposed),
        Transition("accept", (S.PROPOSED,), S.ACCEPTED, PARTNER, catalogue.CollaborationAccepted),
        Transition("decline", (S.PROPOSED,), S.DECLINED, PARTNER, catalogue.CollaborationDeclined, "reason"),
        Transition(
            "request_info",
            (S.PROPOSED,),
            S.INFO_REQUESTED,
            PARTNER,
            catalogue.CollaborationInfoRequested,
            "question",
        ),
        Transition(
            "revise", (S.INFO_REQUESTED,), S.PROPOSED, CENTRE, catalogue.CollaborationRevised, "answer"
        ),
        Transition("expire", (S.PROPOSED,), S.EXPIRED, SYSTEM, catalogue.CollaborationExpired),
        Transition("activate", (S.ACCEPTED,), S.ACTIVE, SYSTEM, catalogue.CollaborationActivated),
        Transition(
            "complete",
            (S.ACTIVE,),
            S.COMPLETED,
            CENTRE | SYSTEM,
            catalogue.CollaborationCompleted,
            "summary",
        ),
        Transition(
            "cancel",
            (S.DRAFT, S.PROPOSED, S.INFO_REQUESTED, S.ACCEPTED, S.ACTIVE),
            S.CANCELLED,
            CENTRE,
            catalogue.CollaborationCancelled,
            "reason",
        ),
    )
}

# The verbs people take (the rest are the scheduler's): each has its form on the
# collaboration page and its path in the API, and tests/unit/test_actions.py holds them to it.
PERSON_VERBS = tuple(t.verb for t in TRANSITIONS.values() if t.who - SYSTEM)

# While a collaboration is in one of these, the centre may still edit what it proposes.
EDITABLE_STATES = (S.DRAFT, S.INFO_REQUESTED)
# While it is active, the centre may move its end later (`extend`: a new date, the same state).
EXTENDABLE_STATES = (S.ACTIVE,)
# What the centre proposes: the fields it edits, and the ones a proposal's audit entry keeps,
# so that the partner's history (which starts at the proposal) shows what was proposed.
PROPOSAL = ("title", "service_area", "description", "starts_on", "ends_on", "respond_by", "target_umkm")


def available(collaboration: Collaboration, principal: Principal) -> list[str]:
    """The verbs `principal` may take on `collaboration` now."""
    return [
        t.verb for t in TRANSITIONS.values() if collaboration.status in t.sources and principal.role in t.who
    ]


def may_edit(collaboration: Collaboration, principal: Principal) -> bool:
    """Whether `principal` may still change what the centre proposes."""
    return principal.role in CENTRE and collaboration.status in EDITABLE_STATES


def may_extend(collaboration: Collaboration, principal: Principal) -> bool:
    return principal.role in CENTRE and collaboration.status in EXTENDABLE_STATES


def url_word(verb: str) -> str:
    """How `verb` reads in a URL, the same in the web's action paths and the API's."""
    return verb.replace("_", "-")


def today_at(centre: Centre, clock: Clock = utcnow) -> date:
    """The date at the centre: "today" and deadlines are always the centre's local ones."""
    return clock().astimezone(ZoneInfo(centre.zone)).date()


def transition(
    collaboration: Collaboration,
    verb: str,
    *,
    actor: Principal,
    text: str | None = None,
    clock: Clock = utcnow,
    session: Session | None = None,
) -> Transition:
    """Take `verb` on `collaboration` as `actor`: check, change, audit, emit; never commit.

    Raises Forbidden (wrong role), Conflict (wrong state, naming the states that allow
    the verb) or InvalidInput (missing reason, question or answer; a deadline in the past).
    """
    session = session or db.session()
    step = TRANSITIONS.get(verb)
    if step is None:
        raise ValueError(f"unknown collaboration verb {verb!r}; known: {', '.join(TRANSITIONS)}")
    if actor.role not in step.who:
        who = " or ".join(sorted(ROLE_NAMES[r] for r in step.who))
        raise Forbidden(f"only {who} may {_words(verb)} a collaboration")
    previous = collaboration.status
    if previous not in step.sources:
        allowed = ", ".join(step.sources)
        raise Conflict(
            f"cannot {_words(verb)} a collaboration that is {previous}: "
            f"{_words(verb)} is allowed only from {allowed}",
            {"status": [f"is {previous}; {_words(verb)} needs {allowed}"]},
        )
    text = text.strip() if text else None
    if step.requires and not text:
        raise InvalidInput.field(step.requires, f"is required to {_words(verb)} a collaboration")

    now = clock()
    changes: dict[str, Any] = {"status": step.target}
    if step.target == S.PROPOSED:
        changes.update(respond_by=_response_date(collaboration, clock), proposed_at=now, info_question=None)
    if verb in ("accept", "decline", "request_info"):
        changes["answered_at"] = now
    if verb == "decline":
        changes["decline_reason"] = text
    if verb == "request_info":
        changes["info_question"] = text
    if verb == "complete":
        changes["closing_summary"] = text
    _write(session, collaboration, changes)

    after: dict[str, Any] = {"status": step.target}
    if verb == "propose":
        after.update({name: _jsonable(getattr(collaboration, name)) for name in PROPOSAL})
    if step.requires:
        after[step.requires] = text
    audit.record(
        session,
        actor=actor.actor,
        action=step.action,
        subject_type="collaboration",
        subject_id=collaboration.id,
        before={"status": previous},
        after=after,
    )
    emit(session, step.event(**event_data(collaboration, actor, previous, text)))
    return step


def extend(
    collaboration: Collaboration, ends_on: date, *, actor: Principal, session: Session | None = None
) -> None:
    """Move `ends_on` later while active: audit `collaboration.extend`, emit
    `collaboration.extended`; never commit (the caller checked who and when)."""
    session = session or db.session()
    previous = collaboration.ends_on
    _write(session, collaboration, {"ends_on": ends_on})
    audit.record(
        session,
        actor=actor.actor,
        action="collaboration.extend",
        subject_type="collaboration",
        subject_id=collaboration.id,
        before={"ends_on": previous.isoformat()},
        after={"ends_on": ends_on.isoformat()},
    )
    emit(
        session,
        catalogue.CollaborationExtended(**event_data(collaboration, actor, collaboration.status, None)),
    )


def created(collaboration: Collaboration, actor: Principal, session: Session | None = None) -> None:
    """A new draft: its audit entry and its `collaboration.drafted` event."""
    session = session or db.session()
    session.flush()
    audit.record(
        session,
        actor=actor.actor,
        action="collaboration.create",
        subject_type="collaboration",
        subject_id=collaboration.id,
        after={"status": collaboration.status, "title": collaboration.title},
    )
    emit(session, catalogue.CollaborationDrafted(**event_data(collaboration, actor, None, None)))


def event_data(
    collaboration: Collaboration, actor: Principal, previous: str | None, reason: str | None
) -> dict[str, Any]:
    return {
        "collaboration_id": collaboration.id,
        "centre_id": collaboration.centre_id,
        "partner_id": collaboration.partner_id,
        "partnership_id": collaboration.partnership_id,
        "title": collaboration.title,
        "service_area": collaboration.service_area,
        "status": collaboration.status,
        "previous_status": previous,
        "starts_on": collaboration.starts_on,
        "ends_on": collaboration.ends_on,
        "respond_by": collaboration.respond_by,
        "target_umkm": collaboration.target_umkm,
        "actor": actor.actor,
        "reason": reason,
    }


def _response_date(collaboration: Collaboration, clock: Clock) -> date:
    """The partner's deadline for a proposal: the one set, or DEFAULT_RESPONSE_DAYS from today."""
    today = today_at(collaboration.centre, clock)
    if collaboration.respond_by is None:
        return today + timedelta(days=DEFAULT_RESPONSE_DAYS)
    if collaboration.respond_by < today:
        raise InvalidInput.field(
            "respond_by",
            f"{collaboration.respond_by.isoformat()} has passed (today is {today.isoformat()} "
            "at the centre); set a later date first",
        )
    return collaboration.respond_by


# The SET clause comes from the parameters' names (the columns a transition changes).
_VERSIONED_UPDATE = update(Collaboration.__table__).where(
    Collaboration.__table__.c.id == bindparam("expected_id"),
    Collaboration.__table__.c.version == bindparam("read_version"),
)


def _write(session: Session, collaboration: Collaboration, changes: dict[str, Any]) -> None:
    """Write `changes` now, in one UPDATE guarded by the version the row was read at: what
    the mapper's version counter does at flush, without a unit of work for a single row.

    A concurrent change fails here (StaleDataError, as from a flush), before the audit
    entry and the event; the object then holds what was written, as after a flush."""
    if inspect(collaboration).modified:  # the caller's own edits first: flushed any later,
        session.flush()  # by an autoflush, they would bump the version under our UPDATE
    version = collaboration.version
    values = {**changes, "version": version + 1, "updated_at": utcnow()}
    written = changed_rows(
        session, _VERSIONED_UPDATE, {"expected_id": collaboration.id, "read_version": version, **values}
    )
    if written != 1:
        raise StaleDataError(
            f"collaboration {collaboration.id} changed since it was read at version {version}"
        )
    for name, value in values.items():
        set_committed_value(collaboration, name, value)


def _words(verb: str) -> str:
    return verb.replace("_", " ")


# -- audited edits of any record -------------------------------------------------------------


def edit(
    principal: Principal,
    record: Any,
    subject_type: str,
    changes: Mapping[str, Any],
    allowed: Iterable[str],
    session: Session | None = None,
) -> dict[str, Any]:
    """Apply `changes` to `record` and audit `<subject_type>.update` with what really changed.

    Returns the new values of the changed fields (empty: nothing changed, nothing audited)."""
    session = session or db.session()
    allowed = set(allowed)
    before, after = {}, {}
    for name, value in changes.items():
        if name not in allowed:
            raise InvalidInput.field(name, "cannot be changed here")
        old = getattr(record, name)
        if old != value:
            before[name], after[name] = _jsonable(old), _jsonable(value)
            setattr(record, name, value)
    if after:
        audit.record(
            session,
            actor=principal.actor,
            action=f"{subject_type}.update",
            subject_type=subject_type,
            subject_id=record.id,
            before=before,
            after=after,
        )
    return after


def flush_unique(message: str, field: str, session: Session | None = None) -> None:
    """Flush; a unique key taken meanwhile by a concurrent request becomes a Conflict."""
    session = session or db.session()
    try:
        session.flush()
    except IntegrityError:  # raising rolls the unit of work back
        raise Conflict(message, {field: ["is taken"]}) from None


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value
