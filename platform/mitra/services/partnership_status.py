"""Partnership status: prospect -> active -> dormant -> ended, and back to active on new work.

The rules, as one pure function (`judge`) of a partnership's facts and the day:
- a **prospect** stays one until its first work: a collaboration accepted (even if cancelled
  since) or an agreement signed;
- **active** while a collaboration is accepted or active, and for N days
  (`PARTNERSHIP_DORMANT_AFTER_DAYS`, default 180) after its latest work: an activity held, a
  collaboration accepted or completed (the day it was), an agreement signed or recorded in
  Mitra (whichever is later), or the day it last became active;
- **ended** when its latest agreement has expired and nothing is active, unless there was work
  after the expiry that is younger than N days;
- **dormant** after N days without any of that.
A late report of an activity held long ago is not new work: the day it was held counts.

"Today" is the centre's calendar day. The `partnerships` consumer refreshes the partnership an
event names; the nightly `sweep_partnership_status` refreshes every partnership (nothing else
moves one to dormant or ended). A change sets the status, audits it as
`system:partnership-status` and emits `partnership.status_changed`, all in the caller's
transaction: nothing here commits, and a refresh that finds nothing to change writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from events.catalogue import PartnershipStatusChanged
from events.outbox import emit
from events.types import utcnow
from mitra.models import (
    Activity,
    ActivityStatus,
    Agreement,
    Centre,
    Collaboration,
    CollaborationStatus,
    Partnership,
    PartnershipStatus,
)
from mitra.security.auth import SystemActor
from mitra.services import audit

ACTOR = SystemActor("partnership-status")
LIVE = (CollaborationStatus.ACCEPTED.value, CollaborationStatus.ACTIVE.value)
WORKED = (*LIVE, CollaborationStatus.COMPLETED.value)
DEFAULT_DORMANT_AFTER_DAYS = 180

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class PartnershipRules:
    """The thresholds, from configuration."""

    dormant_after_days: int = DEFAULT_DORMANT_AFTER_DAYS

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PartnershipRules:
        days = int(config.get("PARTNERSHIP_DORMANT_AFTER_DAYS", DEFAULT_DORMANT_AFTER_DAYS))
        if days < 1:
            raise ValueError(f"PARTNERSHIP_DORMANT_AFTER_DAYS must be at least 1, not {days}")
        return cls(dormant_after_days=days)


@dataclass(frozen=True)
class Facts:
    """What the rules look at; every date is the centre's calendar day."""

    status: str
    active_since: date | None = None  # the day it last became active, while it is
    live_collaborations: int = 0  # accepted or active now
    accepted_collaborations: int = 0  # ever accepted (see `accepted_once`)
    last_accepted_on: date | None = None
    last_completed_on: date | None = None  # the day the latest completed one was completed
    last_held_on: date | None = None
    last_signed_on: date | None = None
    last_recorded_on: date | None = None  # the day the latest agreement was entered in Mitra
    latest_valid_until: date | None = None


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str


def judge(facts: Facts, today: date, rules: PartnershipRules) -> Verdict:
    """The status the rules give a partnership with these facts on `today`."""
    if facts.live_collaborations:
        return Verdict(PartnershipStatus.ACTIVE, "a collaboration is accepted or under way")
    if facts.status == PartnershipStatus.PROSPECT and not (
        facts.accepted_collaborations or facts.last_signed_on
    ):
        return Verdict(PartnershipStatus.PROSPECT, "no collaboration accepted and no agreement signed yet")
    work = [
        (min(day, today), what)
        for day, what in (
            (facts.last_held_on, "an activity was held"),
            (facts.last_accepted_on, "a collaboration was accepted"),
            (facts.last_completed_on, "a collaboration was completed"),
            (facts.last_signed_on, "an agreement was signed"),
            (facts.last_recorded_on, "an agreement was recorded"),
            (facts.active_since, "the partnership became active"),
        )
        if day is not None
    ]
    latest = max(work, key=lambda item: item[0], default=None)  # ties: the first listed
    idle = latest is None or (today - latest[0]).days >= rules.dormant_after_days
    expired_on = facts.latest_valid_until
    if expired_on is not None and expired_on < today and (idle or latest is None or latest[0] <= expired_on):
        return Verdict(
            PartnershipStatus.ENDED,
            f"the agreement expired on {expired_on.isoformat()} and no collaboration is active",
        )
    if idle or latest is None:
        since = f"; latest: {latest[1]} on {latest[0].isoformat()}" if latest else ""
        return Verdict(
            PartnershipStatus.DORMANT,
            f"no activity held and no active collaboration for {rules.dormant_after_days} days{since}",
        )
    return Verdict(PartnershipStatus.ACTIVE, f"{latest[1]} on {latest[0].isoformat()}")


def refresh(
    session: Session,
    partnership: Partnership,
    today: date,
    settings: PartnershipRules,
    *,
    clock: Clock = utcnow,
) -> Verdict | None:
    """Judge `partnership` now and record a change of status; None when it keeps its status."""
    facts = load_facts(session, [partnership.id]).get(partnership.id, Facts(partnership.status))
    verdict = judge(facts, today, settings)
    if verdict.status == partnership.status:
        return None
    previous = partnership.status
    partnership.status = verdict.status
    partnership.status_changed_at = clock()
    session.flush()
    audit.record(
        session,
        actor=ACTOR.actor,
        action="partnership.status_changed",
        subject_type="partnership",
        subject_id=partnership.id,
        before={"status": previous},
        after={"status": verdict.status, "reason": verdict.reason},
    )
    emit(
        session,
        PartnershipStatusChanged(
            partnership_id=partnership.id,
            centre_id=partnership.centre_id,
            partner_id=partnership.partner_id,
            previous_status=previous,
            status=verdict.status,
            reason=verdict.reason,
            actor=ACTOR.actor,
        ),
    )
    return verdict


def sweep_partnership_status(
    session: Session,
    today: date,
    settings: PartnershipRules | None = None,
    *,
    clock: Clock = utcnow,
) -> int:
    """Refresh every partnership whose status the rules change on `today`; returns how many.

    The caller commits (one transaction: a partnership changes at most once a night). Pass
    Indonesia's date: run after 00:00 WIB (17:00 UTC), when WIB, WITA and WIT share it."""
    settings = settings or PartnershipRules.from_config(current_app.config)
    changed = 0
    for partnership_id, facts in load_facts(session).items():
        if judge(facts, today, settings).status == facts.status:
            continue
        # Judged again under the row lock: an event may have moved it meanwhile.
        if refresh(session, locked(session, partnership_id), today, settings, clock=clock):
            changed += 1
    return changed


def locked(session: Session, partnership_id: int) -> Partnership:
    """The partnership, re-read and locked against concurrent refreshes (PostgreSQL);
    NoResultFound when there is none."""
    return session.scalars(
        select(Partnership)
        .where(Partnership.id == partnership_id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: new rows may still refer to it
        .execution_options(populate_existing=True)
    ).one()


def load_facts(session: Session, partnership_ids: Iterable[int] | None = None) -> dict[int, Facts]:
    """The facts of the given partnerships (all by default), in three grouped reads at most."""
    ids = None if partnership_ids is None else list(partnership_ids)
    facts = {}
    for row in session.execute(_facts_query(ids)):
        zone = ZoneInfo(row.zone)
        facts[row.id] = Facts(
            status=row.status,
            active_since=(
                _local_day(row.status_changed_at, zone) if row.status == PartnershipStatus.ACTIVE else None
            ),
            live_collaborations=int(row.live or 0),
            accepted_collaborations=int(row.accepted or 0),
            last_accepted_on=_local_day(row.last_accepted_at, zone),
            last_completed_on=_local_day(row.last_completed_at, zone),
            last_held_on=row.last_held_on,
            last_signed_on=row.last_signed_on,
            last_recorded_on=_local_day(row.last_recorded_at, zone),
            latest_valid_until=row.latest_valid_until,
        )
    return facts


def accepted_once() -> ColumnElement[bool]:
    """The collaboration was accepted at some point: it still is, is active or completed, or was
    cancelled after the partner's acceptance (an answer at or after the latest proposal that
    was neither a decline nor a question)."""
    c = Collaboration
    return or_(
        c.status.in_(WORKED),
        and_(
            c.status == CollaborationStatus.CANCELLED,
            c.answered_at >= c.proposed_at,
            c.decline_reason.is_(None),
            c.info_question.is_(None),
        ),
    )


def _facts_query(ids: list[int] | None) -> Select:
    c, a, g = Collaboration, Activity, Agreement

    def only(column):
        return [] if ids is None else [column.in_(ids)]

    accepted = accepted_once()
    collaborations = (
        select(
            c.partnership_id,
            func.sum(case((c.status.in_(LIVE), 1), else_=0)).label("live"),
            func.sum(case((accepted, 1), else_=0)).label("accepted"),
            func.max(case((accepted, c.answered_at))).label("last_accepted_at"),
            # Nothing changes a completed collaboration afterwards: its last update is the day
            # it was completed, early or after its end date.
            func.max(case((c.status == CollaborationStatus.COMPLETED, c.updated_at))).label(
                "last_completed_at"
            ),
        )
        .where(*only(c.partnership_id))
        .group_by(c.partnership_id)
        .subquery()
    )
    held = (
        select(c.partnership_id, func.max(a.date).label("last_held_on"))
        .join(a, a.collaboration_id == c.id)
        .where(a.status == ActivityStatus.HELD, *only(c.partnership_id))
        .group_by(c.partnership_id)
        .subquery()
    )
    agreements = (
        select(
            g.partnership_id,
            func.max(g.signed_on).label("last_signed_on"),
            func.max(g.created_at).label("last_recorded_at"),
            func.max(g.valid_until).label("latest_valid_until"),
        )
        .where(*only(g.partnership_id))
        .group_by(g.partnership_id)
        .subquery()
    )
    p = Partnership
    return (
        select(
            p.id,
            p.status,
            p.status_changed_at,
            Centre.zone,
            collaborations.c.live,
            collaborations.c.accepted,
            collaborations.c.last_accepted_at,
            collaborations.c.last_completed_at,
            held.c.last_held_on,
            agreements.c.last_signed_on,
            agreements.c.last_recorded_at,
            agreements.c.latest_valid_until,
        )  # fmt: skip
        .join(Centre, Centre.id == p.centre_id)
        .outerjoin(collaborations, collaborations.c.partnership_id == p.id)
        .outerjoin(held, held.c.partnership_id == p.id)
        .outerjoin(agreements, agreements.c.partnership_id == p.id)
        .where(*only(p.id))
        .order_by(p.id)
    )


def _local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return None if moment is None else moment.astimezone(zone).date()
