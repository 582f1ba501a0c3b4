"""What the web pages read, each page's in one call: the centre's dashboard, a
collaboration's timeline, upcoming activities, the choices of a form. Read-only, and always
through the principal's scope (`services.scoping`), so a page can never show more than the
API would; the views query nothing themselves."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, union

from events.types import utcnow
from mitra.extensions import db
from mitra.models import (
    Activity,
    ActivityStatus,
    ActivityTotal,
    AuditEntry,
    Centre,
    Collaboration,
    CollaborationCount,
    CollaborationStatus,
    Notification,
    Partner,
    Partnership,
    Province,
    User,
)
from mitra.security.auth import Principal
from mitra.services import activities, audit, collaborations, notifications, partners, scoping, statistics

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


def activities_of(principal: Principal, collaboration_id: int) -> list[Activity]:
    """A collaboration's activities by date; NotFound when it is out of scope."""
    return list(db.session.scalars(activities.search_in(principal, collaboration_id)))


# -- what forms and filters offer ------------------------------------------------------------


def partners_by_name(principal: Principal) -> list[Partner]:
    """The partners `principal` may name in a proposal or an agreement."""
    return list(db.session.scalars(partners.search(principal, sort="name")))


def centre_names() -> dict[int, str]:
    return dict(db.session.execute(select(Centre.id, Centre.name)).all())


def provinces() -> list[Province]:
    return list(db.session.scalars(select(Province).order_by(Province.name)))


# -- the ministry's dashboard -----------------------------------------------------------------


def national_figures(principal: Principal, year: int, breakdowns: tuple[str, ...]) -> tuple[dict, dict]:
    """The year's summary, and its breakdown by each of `breakdowns`."""
    summary = statistics.summary(db.session(), principal, year)
    return summary, {by: statistics.breakdown(db.session(), principal, by, year) for by in breakdowns}


def years_with_figures(current: int) -> list[int]:
    """The years the compiled statistics hold, and `current`, newest first."""
    found = db.session.scalars(union(select(CollaborationCount.year), select(ActivityTotal.year)))
    return sorted({int(y) for y in found} | {current}, reverse=True)


# -- notifications ------------------------------------------------------------------------------


def notification_texts(items: list[Notification], language: str) -> list[notifications.Rendered | None]:
    """Each notification's words in `language`, linking within the site."""
    return notifications.Renderer(db.session(), language, base_url="/").render(items, check_due=False)
