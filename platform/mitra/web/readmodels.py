"""What the pages read that no service offers as one call: the centre's dashboard, a
collaboration's timeline, upcoming activities. Read-only, and always through the principal's
scope (`services.scoping`), so a page can never show more than the API would."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from events.types import utcnow
from mitra.extensions import db
from mitra.models import (
    Activity,
    ActivityStatus,
    AuditEntry,
    Collaboration,
    CollaborationStatus,
    Partnership,
    User,
)
from mitra.security.auth import Principal
from mitra.services import activities, audit, collaborations, scoping

WAITING = (CollaborationStatus.PROPOSED, CollaborationStatus.INFO_REQUESTED)


def today_for(user: User) -> date:
    """Today where the person is: the centre's zone for a manager, else the profile's."""
    zone = user.centre.zone if user.centre is not None else user.zone
    return utcnow().astimezone(ZoneInfo(zone)).date()


@dataclass
class Waiting:
    collaboration: Collaboration
    days: int  # since it was proposed


@dataclass
class CentreDashboard:
    partnerships: Counter
    waiting: list[Waiting]
    this_month: list[Activity]
    overdue: list[Activity]
    month_start: date


def centre_dashboard(principal: User) -> CentreDashboard:
    today = today_for(principal)
    counts = Counter(
        dict(
            db.session.execute(
                select(Partnership.status, func.count())
                .where(scoping.partnership_criterion(principal))
                .group_by(Partnership.status)
            ).all()
        )
    )
    now = utcnow()
    waiting = [
        Waiting(c, max(0, (now - c.proposed_at).days) if c.proposed_at else 0)
        for c in db.session.scalars(
            scoping.collaborations(principal)
            .where(Collaboration.status.in_(WAITING))
            .order_by(Collaboration.proposed_at.asc(), Collaboration.id)
        )
    ]
    month_start = today.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    this_month = list(
        db.session.scalars(
            activities.search(principal, date_from=month_start, date_until=next_month - timedelta(days=1))
        )
    )
    overdue = list(
        db.session.scalars(
            activities.search(principal, status=ActivityStatus.PLANNED, date_until=today - timedelta(days=1))
        )
    )
    return CentreDashboard(counts, waiting, this_month, overdue, month_start)


def upcoming_activities(principal: User, limit: int = 100) -> list[Activity]:
    return list(
        db.session.scalars(
            activities.search(principal, status=ActivityStatus.PLANNED, date_from=today_for(principal)).limit(
                limit
            )
        )
    )


def status_counts(principal: Principal) -> Counter:
    return Counter(
        dict(
            db.session.execute(
                select(Collaboration.status, func.count())
                .where(scoping.collaboration_criterion(principal))
                .group_by(Collaboration.status)
            ).all()
        )
    )


@dataclass
class TimelineEntry:
    at: datetime
    action: str
    actor: audit.Actor
    text: str | None  # the reason, question, answer, summary or outcome notes recorded with it
    subject_type: str
    subject_id: int | None
    activity: Activity | None = None  # the activity an activity entry is about
    document_ref: str | None = None  # where the evidence of an activity held is kept


# The free text an action records, in the audit entry's `after`, first found wins.
TEXT_KEYS = ("reason", "question", "answer", "summary", "notes")


def timeline(principal: Principal, collaboration: Collaboration) -> list[TimelineEntry]:
    """The collaboration's audit trail and its activities', oldest first (a partner's from
    the proposal on, as the API's history); an activity's entries name the activity, and its
    report shows the outcome notes and document."""
    entries = list(db.session.scalars(collaborations.history(principal, collaboration.id)))
    found = {a.id: a for a in db.session.scalars(activities.search_in(principal, collaboration.id))}
    if found:
        entries += list(
            db.session.scalars(
                select(AuditEntry).where(
                    AuditEntry.subject_type == "activity", AuditEntry.subject_id.in_(list(found))
                )
            )
        )
    entries.sort(key=lambda e: e.id)
    actors = audit.actors(e.actor for e in entries)
    result = []
    for entry in entries:
        after = entry.after or {}
        text = next((after[key] for key in TEXT_KEYS if after.get(key)), None)
        activity = found.get(entry.subject_id) if entry.subject_type == "activity" else None
        document = after.get("document_ref")
        if entry.action == "activity.report" and activity is not None:
            # Reports audited before notes and document were: the activity holds what was reported.
            text, document = text or activity.notes, document or activity.document_ref
        result.append(
            TimelineEntry(
                entry.at,
                entry.action,
                actors[entry.actor],
                text,
                entry.subject_type,
                entry.subject_id,
                activity,
                document,
            )
        )
    return result
