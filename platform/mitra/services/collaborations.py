"""Collaborations: a centre drafts and proposes, a partner answers, the centre follows up.

Each function loads through the principal's scope (out of scope is "not found"), changes
state only through `lifecycle`, and flushes; the caller's unit of work commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select

from events.types import utcnow
from mitra.extensions import db
from mitra.models import AuditEntry, Centre, Collaboration, CollaborationStatus, Partner, Role, User
from mitra.security.auth import Principal
from mitra.services import activities, lifecycle, partners, scoping
from mitra.services.errors import Conflict, InvalidInput

SORTABLE = {
    "id": Collaboration.id,
    "title": Collaboration.title,
    "status": Collaboration.status,
    "starts_on": Collaboration.starts_on,
    "ends_on": Collaboration.ends_on,
    "respond_by": Collaboration.respond_by,
    "created_at": Collaboration.created_at,
    "updated_at": Collaboration.updated_at,
}
HISTORY_SORTABLE = {"id": AuditEntry.id, "at": AuditEntry.at}
EDITABLE = lifecycle.PROPOSAL


def search(
    principal: Principal,
    *,
    status: str | None = None,
    centre_id: int | None = None,
    partner_id: int | None = None,
    service_area: str | None = None,
    starts_from: date | None = None,
    starts_until: date | None = None,
    q: str | None = None,
    sort: str = "-created_at",
) -> Select:
    statement = scoping.collaborations(principal)
    statement = scoping.where_given(
        statement,
        (Collaboration.status, status),
        (Collaboration.centre_id, centre_id),
        (Collaboration.partner_id, partner_id),
        (Collaboration.service_area, service_area),
    )
    if starts_from is not None:
        statement = statement.where(Collaboration.starts_on >= starts_from)
    if starts_until is not None:
        statement = statement.where(Collaboration.starts_on <= starts_until)
    if q:
        statement = statement.where(scoping.matches(Collaboration.title, q))
    return scoping.ordered(statement, SORTABLE, sort, Collaboration.id)


def get(
    principal: Principal, ident: int, *, for_update: bool = False, with_centre: bool = False
) -> Collaboration:
    return scoping.collaboration(principal, ident, for_update=for_update, with_centre=with_centre)


def _to_change(
    principal: Principal, ident: int, precondition: lifecycle.Precondition | None
) -> Collaboration:
    """The collaboration locked for a change, after the caller's `precondition` (an If-Match)."""
    # The centre comes in the same query: a deadline or a start is judged in its zone.
    collaboration = get(principal, ident, for_update=True, with_centre=True)
    if precondition:
        precondition(collaboration)
    return collaboration


def create(principal: Principal, data: Mapping[str, Any]) -> Collaboration:
    """A new draft; a centre manager's is always for their own centre."""
    scoping.require_centre_role(principal, "draft a collaboration")
    centre_id = data.get("centre_id")
    if principal.role == Role.CENTRE_MANAGER:
        if centre_id not in (None, principal.centre_id):
            raise InvalidInput.field("centre_id", "must be your own centre, or left out")
        centre_id = principal.centre_id
    elif centre_id is not None and db.session.get(Centre, centre_id) is None:
        raise InvalidInput.field("centre_id", f"no centre has id {centre_id}")
    if centre_id is None:
        raise InvalidInput.field("centre_id", "is required: name the centre that proposes")
    if db.session.get(Partner, data["partner_id"]) is None:
        raise InvalidInput.field("partner_id", f"no partner has id {data['partner_id']}")
    _check_dates(data["starts_on"], data["ends_on"])

    partnership = partners.partnership_for(principal, centre_id, data["partner_id"])
    collaboration = Collaboration(
        centre_id=centre_id,
        partner_id=data["partner_id"],
        partnership_id=partnership.id,
        status=CollaborationStatus.DRAFT,
        created_by_id=principal.id if isinstance(principal, User) else None,
        **{name: data[name] for name in EDITABLE if name in data},
    )
    db.session.add(collaboration)
    lifecycle.created(collaboration, principal)
    db.session.flush()
    return collaboration


def update(
    principal: Principal,
    ident: int,
    changes: Mapping[str, Any],
    precondition: lifecycle.Precondition | None = None,
) -> Collaboration:
    """Edit what the centre proposes, while it is a draft or the partner asked a question."""
    collaboration = get(principal, ident, for_update=True)
    scoping.require_centre_role(principal, "change a collaboration")
    if precondition:
        precondition(collaboration)
    if collaboration.status not in lifecycle.EDITABLE_STATES:
        allowed = " or ".join(lifecycle.EDITABLE_STATES)
        raise Conflict(
            f"a collaboration can be changed only while {allowed}; this one is {collaboration.status}",
            {"status": [f"is {collaboration.status}; changes need {allowed}"]},
        )
    _check_dates(
        changes.get("starts_on", collaboration.starts_on), changes.get("ends_on", collaboration.ends_on)
    )
    if lifecycle.edit(principal, collaboration, "collaboration", changes, EDITABLE):
        db.session.flush()
    return collaboration


def act(
    principal: Principal,
    ident: int,
    verb: str,
    text: str | None = None,
    precondition: lifecycle.Precondition | None = None,
    clock=utcnow,
) -> Collaboration:
    """Take one lifecycle step (propose, accept, decline, ...) and commit it."""
    collaboration = _to_change(principal, ident, precondition)
    lifecycle.transition(collaboration, verb, actor=principal, text=text, clock=clock)
    if verb == "cancel":
        activities.cancel_planned(principal, collaboration, reason=text)
    if verb == "accept" and collaboration.starts_on <= lifecycle.today_at(collaboration.centre, clock):
        # Accepted on or after its start date: it starts now, not at the job's next run.
        lifecycle.transition(collaboration, "activate", actor=lifecycle.LIFECYCLE_ACTOR, clock=clock)
    db.session.flush()
    return collaboration


def complete(
    principal: Principal,
    ident: int,
    summary: str | None,
    outcomes: Mapping[str, int] | None = None,
    precondition: lifecycle.Precondition | None = None,
    clock=utcnow,
) -> Collaboration:
    """The centre closes an active collaboration with a summary and, if it has them, figures."""
    collaboration = _to_change(principal, ident, precondition)
    if outcomes:
        collaboration.closing_outcomes = dict(outcomes)
    lifecycle.transition(collaboration, "complete", actor=principal, text=summary, clock=clock)
    db.session.flush()
    return collaboration


def extend(
    principal: Principal,
    ident: int,
    ends_on: date,
    precondition: lifecycle.Precondition | None = None,
) -> Collaboration:
    """The centre moves the end of an active collaboration later; the partner is told."""
    collaboration = get(principal, ident, for_update=True, with_centre=True)
    scoping.require_centre_role(principal, "extend a collaboration")
    if precondition:
        precondition(collaboration)
    if collaboration.status not in lifecycle.EXTENDABLE_STATES:
        raise Conflict(
            f"only an active collaboration can be extended; this one is {collaboration.status}",
            {"status": [f"is {collaboration.status}; extending needs active"]},
        )
    if ends_on <= collaboration.ends_on:
        raise InvalidInput.field(
            "ends_on", f"must be later than the current end ({collaboration.ends_on.isoformat()})"
        )
    lifecycle.extend(collaboration, ends_on, actor=principal)
    db.session.flush()
    return collaboration


def history(principal: Principal, ident: int, *, sort: str = "id") -> Select:
    """The collaboration's audit trail: who did what, with the state before and after; a
    partner's starts at the first proposal (`audit.described` names the people in it)."""
    get(principal, ident)
    statement = scoping.collaboration_history(principal, ident)
    return scoping.ordered(statement, HISTORY_SORTABLE, sort, AuditEntry.id)


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise InvalidInput.field("ends_on", f"must not be before starts_on ({starts_on.isoformat()})")
