"""Activities held under a collaboration: planned, then reported as held, or cancelled; the
partner confirms that it takes part."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from events import catalogue
from events.catalogue import EventType
from events.outbox import emit
from events.types import utcnow
from mitra.extensions import db
from mitra.models import Activity, ActivityStatus, Attendance, Collaboration, CollaborationStatus, Role
from mitra.security.auth import Principal
from mitra.services import audit, lifecycle, scoping
from mitra.services.errors import Conflict, InvalidInput

SORTABLE = {
    "id": Activity.id,
    "date": Activity.date,
    "title": Activity.title,
    "type": Activity.type,
    "status": Activity.status,
    "created_at": Activity.created_at,
    "updated_at": Activity.updated_at,
}
EDITABLE = ("type", "title", "service_area", "date", "location")
# New activities need a collaboration the partner agreed to and that has not ended.
PLANNABLE_UNDER = (CollaborationStatus.ACCEPTED, CollaborationStatus.ACTIVE)
# An activity held before the collaboration completed may still be reported afterwards.
REPORTABLE_UNDER = (*PLANNABLE_UNDER, CollaborationStatus.COMPLETED)
CONFIRMABLE = (ActivityStatus.PLANNED, ActivityStatus.HELD)
# A confirmation is of a date and a place: moving either asks the partner again.
CONFIRMED_FACTS = ("date", "location")


def search(
    principal: Principal,
    *,
    collaboration_id: int | None = None,
    centre_id: int | None = None,
    partner_id: int | None = None,
    status: str | None = None,
    type: str | None = None,  # noqa: A002 - the contract's field name
    service_area: str | None = None,
    date_from: date | None = None,
    date_until: date | None = None,
    q: str | None = None,
    sort: str = "date",
) -> Select:
    statement = scoping.activities(principal)
    statement = scoping.where_given(
        statement,
        (Activity.collaboration_id, collaboration_id),
        (Collaboration.centre_id, centre_id),
        (Collaboration.partner_id, partner_id),
        (Activity.status, status),
        (Activity.type, type),
        (Activity.service_area, service_area),
    )
    if date_from is not None:
        statement = statement.where(Activity.date >= date_from)
    if date_until is not None:
        statement = statement.where(Activity.date <= date_until)
    if q:
        statement = statement.where(scoping.matches(Activity.title, q))
    return scoping.ordered(statement, SORTABLE, sort, Activity.id)


def search_in(principal: Principal, collaboration_id: int, **filters: Any) -> Select:
    """The activities of one collaboration; NotFound when the collaboration is out of scope."""
    scoping.one(scoping.collaborations(principal), Collaboration, collaboration_id, "collaboration")
    return search(principal, collaboration_id=collaboration_id, **filters)


def get(principal: Principal, ident: int, *, for_update: bool = False) -> Activity:
    return scoping.one(scoping.activities(principal), Activity, ident, "activity", for_update=for_update)


def may_plan(principal: Principal, collaboration: Collaboration) -> bool:
    return principal.role in scoping.CENTRE_ROLES and collaboration.status in PLANNABLE_UNDER


def steps(principal: Principal, activity: Activity, clock=utcnow) -> frozenset[str]:
    """What `principal` may do with `activity` now, by the rules `report`, `update`, `cancel`
    and `confirm` enforce: "report" (on or after its date, at the centre), "change" (move or
    cancel it), "confirm" (the partner, once)."""
    found = set()
    if principal.role in scoping.CENTRE_ROLES and activity.status == ActivityStatus.PLANNED:
        found.add("change")
        collaboration = activity.collaboration
        if collaboration.status in REPORTABLE_UNDER and activity.date <= lifecycle.today_at(
            collaboration.centre, clock
        ):
            found.add("report")
    if (
        principal.role == Role.PARTNER_USER
        and activity.status in CONFIRMABLE
        and activity.confirmed_at is None
    ):
        found.add("confirm")
    return frozenset(found)


def plan(principal: Principal, collaboration_id: int, data: Mapping[str, Any]) -> Activity:
    collaboration = scoping.one(
        scoping.collaborations(principal), Collaboration, collaboration_id, "collaboration"
    )
    scoping.require_centre_role(principal, "plan an activity")
    if collaboration.status not in PLANNABLE_UNDER:
        allowed = " or ".join(PLANNABLE_UNDER)
        raise Conflict(
            f"activities can be planned only under a collaboration that is {allowed}; "
            f"this one is {collaboration.status}",
            {"status": [f"is {collaboration.status}; planning needs {allowed}"]},
        )
    if data.get("date") is not None:
        _require_inside(collaboration, data["date"])
    activity = Activity(
        collaboration=collaboration,
        status=ActivityStatus.PLANNED,
        **{name: data[name] for name in EDITABLE if data.get(name) is not None},
    )
    if activity.service_area is None:
        activity.service_area = collaboration.service_area
    db.session.add(activity)
    db.session.flush()
    _record(principal, activity, "plan", catalogue.ActivityPlanned, None, {"status": activity.status})
    db.session.flush()
    return activity


def update(
    principal: Principal,
    ident: int,
    changes: Mapping[str, Any],
    precondition: lifecycle.Precondition | None = None,
) -> Activity:
    activity = get(principal, ident, for_update=True)
    scoping.require_centre_role(principal, "change an activity")
    if precondition:
        precondition(activity)
    _require_planned(activity, "changed")
    if changes.get("date") is not None:
        _require_inside(activity.collaboration, changes["date"])
    changed = lifecycle.edit(principal, activity, "activity", changes, EDITABLE)
    if changed:
        moved = set(changed) & set(CONFIRMED_FACTS)
        if activity.confirmed_at is not None and moved:
            activity.confirmed_at = activity.confirmed_by_id = None
        if moved:  # the partner is told of a new date or place (not of a new title)
            db.session.flush()
            emit(db.session(), _event(principal, activity, catalogue.ActivityMoved))
        db.session.flush()
    return activity


def confirm(
    principal: Principal,
    ident: int,
    precondition: lifecycle.Precondition | None = None,
    clock=utcnow,
) -> Activity:
    """The partner confirms that it takes part in a planned activity (or that a held one
    took place with it); once, until the centre moves its date or place."""
    activity = get(principal, ident, for_update=True)
    scoping.require_partner_role(principal, "confirm an activity")
    if precondition:
        precondition(activity)
    if activity.status not in CONFIRMABLE:
        raise Conflict(
            f"only a planned or held activity can be confirmed; this one is {activity.status}",
            {"status": [f"is {activity.status}; needs planned or held"]},
        )
    if activity.confirmed_at is not None:
        raise Conflict(
            f"the activity was confirmed already, at {activity.confirmed_at.isoformat()}",
            {"confirmed_at": ["is set already"]},
        )
    activity.confirmed_at = clock()
    activity.confirmed_by_id = principal.id
    db.session.flush()
    _record(
        principal,
        activity,
        "confirm",
        catalogue.ActivityConfirmed,
        {"confirmed_at": None},
        {"confirmed_at": activity.confirmed_at.isoformat(), "confirmed_by_id": principal.id},
    )
    db.session.flush()
    return activity


def report(
    principal: Principal,
    ident: int,
    data: Mapping[str, Any],
    precondition: lifecycle.Precondition | None = None,
    clock=utcnow,
) -> Activity:
    """The activity was held: how many took part, how many UMKM it reached, what came of it
    (notes) and where the evidence is kept (document_ref)."""
    activity = get(principal, ident, for_update=True)
    scoping.require_centre_role(principal, "report an activity")
    if precondition:
        precondition(activity)
    _require_planned(activity, "reported")
    collaboration = activity.collaboration
    if collaboration.status not in REPORTABLE_UNDER:
        raise Conflict(
            f"the collaboration is {collaboration.status}; activities can be reported while it is "
            + ", ".join(REPORTABLE_UNDER),
            {"status": [f"collaboration is {collaboration.status}"]},
        )
    today = lifecycle.today_at(collaboration.centre, clock)
    if activity.date > today:
        raise Conflict(
            f"an activity is reported on or after its date: it is planned for "
            f"{activity.date.isoformat()}, and today is {today.isoformat()} at the centre",
            {"date": [f"{activity.date.isoformat()} is after today ({today.isoformat()})"]},
        )
    _require_reached_matches_attendance(activity, data["umkm_reached"])
    activity.status = ActivityStatus.HELD
    activity.participants = data["participants"]
    activity.umkm_reached = data["umkm_reached"]
    activity.notes = data.get("notes")
    activity.document_ref = data.get("document_ref")
    activity.reported_at = clock()
    db.session.flush()
    _record(
        principal,
        activity,
        "report",
        catalogue.ActivityReported,
        {"status": ActivityStatus.PLANNED},
        {
            "status": activity.status,
            "participants": activity.participants,
            "umkm_reached": activity.umkm_reached,
            "notes": activity.notes,
            "document_ref": activity.document_ref,
        },
    )
    db.session.flush()
    return activity


def cancel(
    principal: Principal,
    ident: int,
    reason: str,
    precondition: lifecycle.Precondition | None = None,
) -> Activity:
    activity = get(principal, ident, for_update=True)
    scoping.require_centre_role(principal, "cancel an activity")
    if precondition:
        precondition(activity)
    _require_planned(activity, "cancelled")
    _cancel(principal, activity, reason)
    db.session.flush()
    return activity


def cancel_planned(principal: Principal, collaboration: Collaboration, reason: str | None) -> None:
    """A cancelled collaboration takes its planned activities with it (caller commits)."""
    planned = db.session.scalars(
        select(Activity).where(
            Activity.collaboration_id == collaboration.id, Activity.status == ActivityStatus.PLANNED
        )
    )
    for activity in planned:
        _cancel(principal, activity, reason or "the collaboration was cancelled")


def _cancel(principal: Principal, activity: Activity, reason: str) -> None:
    activity.status = ActivityStatus.CANCELLED
    activity.notes = reason
    db.session.flush()
    _record(
        principal,
        activity,
        "cancel",
        catalogue.ActivityCancelled,
        {"status": ActivityStatus.PLANNED},
        {"status": activity.status, "reason": reason},
    )


def _require_inside(collaboration: Collaboration, day: date) -> None:
    """An activity lies inside its collaboration's period."""
    if not collaboration.starts_on <= day <= collaboration.ends_on:
        raise InvalidInput.field(
            "date",
            f"{day.isoformat()} is outside the collaboration's period "
            f"({collaboration.starts_on.isoformat()} to {collaboration.ends_on.isoformat()})",
        )


def _require_reached_matches_attendance(activity: Activity, umkm_reached: int) -> None:
    """Once an activity has attendance, the businesses on it are the UMKM it reached
    (`services.attendance` keeps the figure so): another number is refused."""
    listed = db.session.scalar(
        select(func.count()).select_from(Attendance).where(Attendance.activity_id == activity.id)
    )
    if listed and umkm_reached != listed:
        raise InvalidInput.field(
            "umkm_reached",
            f"the activity's attendance lists {listed} businesses, so it reached {listed}, "
            f"not {umkm_reached}",
        )


def _require_planned(activity: Activity, done: str) -> None:
    if activity.status != ActivityStatus.PLANNED:
        raise Conflict(
            f"only a planned activity can be {done}; this one is {activity.status}",
            {"status": [f"is {activity.status}; needs planned"]},
        )


def _record(principal, activity: Activity, verb: str, event: EventType, before, after) -> None:
    """The audit entry and the event of one activity step, in the current transaction."""
    audit.record(
        db.session(),
        actor=principal.actor,
        action=f"activity.{verb}",
        subject_type="activity",
        subject_id=activity.id,
        before=before,
        after=after,
    )
    emit(db.session(), _event(principal, activity, event))


def _event(principal, activity: Activity, event: EventType):
    collaboration = activity.collaboration
    return event(
        activity_id=activity.id,
        collaboration_id=collaboration.id,
        centre_id=collaboration.centre_id,
        partner_id=collaboration.partner_id,
        type=activity.type,
        service_area=activity.service_area,
        date=activity.date,
        status=activity.status,
        participants=activity.participants,
        umkm_reached=activity.umkm_reached,
        actor=principal.actor,
    )
