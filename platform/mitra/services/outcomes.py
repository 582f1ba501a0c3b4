"""Outcomes per business: what a business got (financing with its amount, a certificate, a
permit, an NIB, a marketplace shop, an export), recorded by the ministry or a centre, and
optionally tied to the activity or collaboration behind it.

The rules, enforced here:
- a ministry admin or a centre manager records; a partner user finds a business of its own
  activities but may not record for it (403, after the scope check's 404);
- financing has an amount in whole rupiah, and nothing else has one (422 `amount_idr`);
- an outcome names an activity or a collaboration, or neither, never both; what it names
  is in the recorder's scope (a centre's own), else 422 on that field, the same as for an
  id that does not exist. An activity's outcome is of a business on its attendance (422
  `activity_id` otherwise), and its collaboration is the activity's, stored with it; a
  collaboration named alone is one the partner agreed to (accepted, active, completed);
- the date is not after today (in WIT, the day that comes first in Indonesia).
Who reads them: the ministry and every centre all of a business's outcomes (the register is
national, and outcomes carry no personal data); a partner those of its own collaborations.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, exists, false, select, true
from sqlalchemy.orm import joinedload

from events import catalogue
from events.outbox import emit
from events.types import utcnow
from mitra.extensions import db
from mitra.models import (
    Activity,
    Attendance,
    Collaboration,
    CollaborationStatus,
    Outcome,
    OutcomeType,
    Role,
    Umkm,
)
from mitra.security.auth import SYSTEM_ROLE, Principal
from mitra.services import audit, scoping, umkm
from mitra.services.errors import InvalidInput

SORTABLE = {
    "id": Outcome.id,
    "date": Outcome.date,
    "type": Outcome.type,
    "amount_idr": Outcome.amount_idr,
    "recorded_at": Outcome.recorded_at,
}
# A collaboration named on its own: one the partner agreed to, where work is done.
AGREED = (CollaborationStatus.ACCEPTED, CollaborationStatus.ACTIVE, CollaborationStatus.COMPLETED)
# The latest calendar day anywhere in Indonesia: no outcome of today is refused, wherever.
EARLIEST_ZONE = ZoneInfo("Asia/Jayapura")


def criterion(principal: Principal) -> ColumnElement[bool]:
    """The outcomes `principal` may read."""
    if principal.role == Role.PARTNER_USER:
        own = scoping.collaborations(principal).with_only_columns(Collaboration.id)
        return Outcome.collaboration_id.in_(own.scalar_subquery())
    if principal.role in scoping.CENTRE_ROLES or principal.role == SYSTEM_ROLE:
        return true()
    return false()


def _listed(statement: Select, sort: str) -> Select:
    statement = statement.options(joinedload(Outcome.umkm, innerjoin=True))
    return scoping.ordered(statement, SORTABLE, sort, Outcome.id)


def of_business(principal: Principal, nib: str, *, type: str | None = None, sort: str = "-date") -> Select:  # noqa: A002 - the contract's field name
    """A business's outcomes that `principal` may read; NotFound when the business is out of scope."""
    business = umkm.find(principal, nib)
    statement = select(Outcome).where(Outcome.umkm_id == business.id, criterion(principal))
    return _listed(scoping.where_given(statement, (Outcome.type, type)), sort)


def of_collaboration(
    principal: Principal,
    collaboration_id: int,
    *,
    type: str | None = None,  # noqa: A002 - the contract's field name
    sort: str = "-date",
) -> Select:
    """A collaboration's outcomes, its activities' included (they carry its id); NotFound
    when the collaboration is out of scope."""
    scoping.one(scoping.collaborations(principal), Collaboration, collaboration_id, "collaboration")
    statement = select(Outcome).where(Outcome.collaboration_id == collaboration_id)
    return _listed(scoping.where_given(statement, (Outcome.type, type)), sort)


def ties(
    principal: Principal, items: list[Outcome]
) -> dict[int, tuple[Collaboration | None, Activity | None]]:
    """Per outcome (by id), the collaboration and the activity it names, where `principal`
    may see them (a centre reading another centre's outcome of a business learns no title)."""
    named = {o.collaboration_id for o in items if o.collaboration_id is not None}
    held = {o.activity_id for o in items if o.activity_id is not None}
    found_c = {}
    if named:
        statement = scoping.collaborations(principal).where(Collaboration.id.in_(named))
        found_c = {c.id: c for c in db.session.scalars(statement)}
    found_a = {}
    if held:
        found_a = {
            a.id: a for a in db.session.scalars(scoping.activities(principal).where(Activity.id.in_(held)))
        }
    return {
        o.id: (
            found_c.get(o.collaboration_id) if o.collaboration_id is not None else None,
            found_a.get(o.activity_id) if o.activity_id is not None else None,
        )
        for o in items
    }


def may_record(principal: Principal) -> bool:
    return principal.role in scoping.CENTRE_ROLES


def activities_attended(principal: Principal, business: Umkm) -> list[Activity]:
    """The activities in `principal`'s scope with `business` on their attendance, latest first:
    what an outcome of it may name."""
    statement = (
        scoping.activities(principal)
        .join(Attendance, Attendance.activity_id == Activity.id)
        .where(Attendance.umkm_id == business.id)
        .order_by(Activity.date.desc(), Activity.id.desc())
    )
    return list(db.session.scalars(statement))


def agreed_collaborations(principal: Principal) -> list[Collaboration]:
    """The collaborations in `principal`'s scope an outcome may name on its own."""
    statement = scoping.collaborations(principal).where(Collaboration.status.in_(AGREED))
    return list(db.session.scalars(statement.order_by(Collaboration.title, Collaboration.id)))


def record(principal: Principal, nib: str, data: Mapping[str, Any], clock=utcnow) -> Outcome:
    """Record what the business with NIB `nib` got: `type`, `date`, and optionally
    `amount_idr` (financing only, and required there), `activity_id` or `collaboration_id`,
    `note`. Audited, and announced as `umkm.outcome_recorded` in the caller's unit of work."""
    business = umkm.find(principal, nib)
    scoping.require_centre_role(principal, "record an outcome")
    _check_amount(data["type"], data.get("amount_idr"))
    _check_date(data["date"], clock)
    activity, collaboration = _tied_to(
        principal, business, data.get("activity_id"), data.get("collaboration_id")
    )
    outcome = Outcome(
        umkm=business,
        type=data["type"],
        date=data["date"],
        amount_idr=data.get("amount_idr"),
        activity_id=activity.id if activity is not None else None,
        collaboration_id=collaboration.id if collaboration is not None else None,
        centre_id=principal.centre_id,
        note=data.get("note") or None,
        recorded_by_id=principal.id,
        recorded_at=clock(),
    )
    db.session.add(outcome)
    db.session.flush()
    audit.record(
        db.session(),
        actor=principal.actor,
        action="outcome.record",
        subject_type="outcome",
        subject_id=outcome.id,
        after={
            "umkm_id": business.id,
            "nib": business.nib,
            "type": outcome.type,
            "date": outcome.date.isoformat(),
            "amount_idr": outcome.amount_idr,
            "activity_id": outcome.activity_id,
            "collaboration_id": outcome.collaboration_id,
            "note": outcome.note,
        },
    )
    # Where the statistics count it: the collaboration's centre and partner, else the
    # recording centre's with no partner (None; the ministry's: no centre either).
    emit(
        db.session(),
        catalogue.OutcomeRecorded(
            outcome_id=outcome.id,
            umkm_id=business.id,
            nib=business.nib,
            type=outcome.type,
            date=outcome.date,
            amount_idr=outcome.amount_idr,
            activity_id=outcome.activity_id,
            collaboration_id=outcome.collaboration_id,
            centre_id=collaboration.centre_id if collaboration is not None else outcome.centre_id,
            partner_id=collaboration.partner_id if collaboration is not None else None,
            actor=principal.actor,
        ),
    )
    return outcome


def _check_amount(kind: str, amount: int | None) -> None:
    if kind == OutcomeType.FINANCING and amount is None:
        raise InvalidInput.field("amount_idr", "financing needs its amount, in whole rupiah")
    if kind != OutcomeType.FINANCING and amount is not None:
        raise InvalidInput.field("amount_idr", f"only financing has an amount; a {kind} outcome has none")


def _check_date(day: date, clock) -> None:
    today = clock().astimezone(EARLIEST_ZONE).date()
    if day > today:
        raise InvalidInput.field("date", f"{day.isoformat()} has not come yet (today is {today.isoformat()})")


def _tied_to(
    principal: Principal, business: Umkm, activity_id: int | None, collaboration_id: int | None
) -> tuple[Activity | None, Collaboration | None]:
    """The activity and collaboration an outcome names (the activity's collaboration when it
    names an activity), each checked against the recorder's scope."""
    if activity_id is not None and collaboration_id is not None:
        both = "name the activity or the collaboration, not both (an activity's collaboration is known)"
        raise InvalidInput(both, {"activity_id": [both], "collaboration_id": [both]})
    if activity_id is not None:
        activity = db.session.scalar(
            scoping.activities(principal)
            .where(Activity.id == activity_id)
            .options(joinedload(Activity.collaboration, innerjoin=True))
        )
        if activity is None:
            raise InvalidInput.field("activity_id", f"no activity {activity_id} is yours to name")
        attended = db.session.scalar(
            select(exists().where(Attendance.activity_id == activity.id, Attendance.umkm_id == business.id))
        )
        if not attended:
            raise InvalidInput.field(
                "activity_id", f"business {business.nib} is not on the attendance of activity {activity.id}"
            )
        return activity, activity.collaboration
    if collaboration_id is not None:
        collaboration = db.session.scalar(
            scoping.collaborations(principal).where(Collaboration.id == collaboration_id)
        )
        if collaboration is None:
            raise InvalidInput.field(
                "collaboration_id", f"no collaboration {collaboration_id} is yours to name"
            )
        if collaboration.status not in AGREED:
            raise InvalidInput.field(
                "collaboration_id",
                f"collaboration {collaboration.id} is {collaboration.status}; outcomes are recorded under "
                "one that is accepted, active or completed",
            )
        return None, collaboration
    return None, None
