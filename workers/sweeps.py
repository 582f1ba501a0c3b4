"""The scheduled sweeps: plain functions of (session, now_utc), so tests call them with a
fixed clock and the scheduler calls them with its own.

Every sweep selects only what is due now through indexed predicates (a status and an exact
date, or a short date range), so its cost follows the due rows, not the table sizes.
"Tomorrow" and "in 3 days" are days of the recipient's calendar: a centre manager's is the
centre's zone, a partner user's the zone of their profile. Reminders of a zone are claimed
only while it is the reminder hour there (08:00-08:59 local), so none goes out at another
hour (a retry after an SMTP failure aside). E-mails of events go out at once, at any hour.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from uuid import uuid4

from flask import current_app
from sqlalchemy import BindParameter, Date, Select, and_, bindparam, exists, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from events import catalogue
from events.outbox import emit
from mitra.extensions import insert_or_skip
from mitra.models import (
    Activity,
    ActivityStatus,
    Agreement,
    Centre,
    Collaboration,
    CollaborationStatus,
    Milestone,
    Partnership,
    Role,
    User,
)
from mitra.security.auth import SystemActor
from mitra.services import lifecycle, notifications, reminders
from mitra.services.errors import ServiceError
from mitra.services.mail import Transport
from mitra.services.reminders import MailPolicy
from mitra.services.unit_of_work import UnitOfWork
from workers import mail_sender

log = logging.getLogger("mitra.sweeps")

S = CollaborationStatus
UNDER_WAY = (S.ACCEPTED, S.ACTIVE)
# A rule's query names its window by parameters: the recipients' zones, and the days it
# compares dates with, "day+3" being 3 days after the window's local day.
ZONES: BindParameter[list[str]] = bindparam("zones", expanding=True)


def day(offset: int):
    return bindparam(f"day{offset:+d}", type_=Date())


def day_params(window_day: date) -> dict[str, date]:
    return {f"day{n:+d}": window_day + timedelta(days=n) for n in (-2, 1, 3, *AGREEMENT_DAYS)}


@dataclass(frozen=True)
class Rule:
    """Which subjects are due for a `kind` reminder to one audience: (subject_id, recipient_id,
    preference) of the recipients in the window's zones."""

    kind: str
    due: Callable[[], Select]


def _partner_users(statement: Select, partner_id) -> Select:
    return statement.join(User, User.partner_id == partner_id).where(
        User.role == Role.PARTNER_USER, User.is_active.is_(True), User.zone.in_(ZONES)
    )


def _centre_managers(statement: Select, centre_id) -> Select:
    return (
        statement.join(Centre, Centre.id == centre_id)
        .join(User, User.centre_id == Centre.id)
        .where(Centre.zone.in_(ZONES), User.role == Role.CENTRE_MANAGER, User.is_active.is_(True))
    )


def _audience(statement: Select, audience: str, centre_id, partner_id) -> Select:
    if audience == notifications.PARTNER:
        return _partner_users(statement, partner_id)
    return _centre_managers(statement, centre_id)


def _rows(subject_id) -> Select:
    return select(
        subject_id.label("subject_id"),
        User.id.label("recipient_id"),
        User.email_preference.label("preference"),
    )


def proposal_unanswered(days: int) -> Callable[[], Select]:
    def due() -> Select:
        statement = _rows(Collaboration.id).where(
            Collaboration.status == S.PROPOSED, Collaboration.respond_by == day(days)
        )
        return _partner_users(statement, Collaboration.partner_id)

    return due


def _planned_activities(on_day, statuses) -> Select:
    """The activities still planned for `on_day`, of collaborations in `statuses`."""
    return (
        _rows(Activity.id)
        .join(Collaboration, Collaboration.id == Activity.collaboration_id)
        .where(
            Activity.status == ActivityStatus.PLANNED,
            Activity.date == on_day,
            Collaboration.status.in_(statuses),
        )
    )


def activity_tomorrow(audience: str) -> Callable[[], Select]:
    def due() -> Select:
        statement = _planned_activities(day(1), UNDER_WAY)
        return _audience(statement, audience, Collaboration.centre_id, Collaboration.partner_id)

    return due


def outcome_overdue(days: int) -> Callable[[], Select]:
    def due() -> Select:
        statement = _planned_activities(day(-days), (*UNDER_WAY, S.COMPLETED))
        return _centre_managers(statement, Collaboration.centre_id)

    return due


def agreement_ending(days: int, audience: str) -> Callable[[], Select]:
    def due() -> Select:
        later = aliased(Agreement)  # a renewed partnership is not reminded of the old one's end
        statement = (
            _rows(Agreement.id)
            .join(Partnership, Partnership.id == Agreement.partnership_id)
            .where(
                Agreement.valid_until == day(days),
                ~exists().where(
                    later.partnership_id == Agreement.partnership_id,
                    later.valid_until > Agreement.valid_until,
                ),
            )
        )
        return _audience(statement, audience, Partnership.centre_id, Partnership.partner_id)

    return due


AGREEMENT_DAYS = (60, 30, 7)
RULES: tuple[Rule, ...] = (
    Rule("proposal-3d", proposal_unanswered(3)),
    Rule("proposal-1d", proposal_unanswered(1)),
    Rule("activity-tomorrow", activity_tomorrow(notifications.CENTRE)),
    Rule("activity-tomorrow", activity_tomorrow(notifications.PARTNER)),
    Rule("outcome-overdue", outcome_overdue(2)),
    *(
        Rule(f"agreement-{n}d", agreement_ending(n, audience))
        for n in AGREEMENT_DAYS
        for audience in (notifications.CENTRE, notifications.PARTNER)
    ),
)


@cache
def claim_statement(dialect: str):
    """Every rule's claim in one statement, built and compiled once per process."""
    return reminders.claim_statement(dialect, [(rule.kind, rule.due()) for rule in RULES])


def claim_reminders(session: Session, now_utc: datetime, policy: MailPolicy | None = None) -> Counter:
    """Claim every reminder due now (with its in-app copy) and the digests due now; send nothing."""
    policy = policy or MailPolicy.from_config(current_app.config)
    windows = reminders.open_windows(now_utc, policy)
    statement = claim_statement(session.get_bind().dialect.name)
    claimed: Counter = Counter()
    for window in windows:
        token = uuid4().hex  # marks this window's claims, for their in-app copies
        params = {"zones": list(window.zones), **day_params(window.day)}
        with UnitOfWork(session):  # each window's claims and their in-app copies together
            claimed["reminders"] += reminders.claim(
                session, statement, window=window, token=token, now=now_utc, params=params
            )
            notifications.copy_claimed_reminders(session, token, window.day, now_utc)
    claimed["digest"] += mail_sender.claim_digests(session, now_utc, windows)
    return +claimed


def sweep_reminders(
    session: Session, now_utc: datetime, transport: Transport | None = None, policy: MailPolicy | None = None
) -> dict[str, dict[str, int]]:
    """The reminders job: claim what is due now, commit, then send it (and any retry due)."""
    policy = policy or MailPolicy.from_config(current_app.config)
    claimed = claim_reminders(session, now_utc, policy)
    sent = mail_sender.dispatch(session, now_utc, transport, policy)
    return {"claimed": dict(claimed), "sent": dict(sent)}


def dispatch_mail(session: Session, now_utc: datetime, transport: Transport | None = None) -> dict:
    """The mail job: send notification e-mails and due retries; flag stuck sends as unknown."""
    return dict(mail_sender.dispatch(session, now_utc, transport))


def expire_proposals(session: Session, now_utc: datetime) -> int:
    """Proposals unanswered past respond_by (the centre's calendar) expire, as system actor
    `system:proposal-expiry`; the transition emits collaboration.expired."""
    actor = SystemActor("proposal-expiry")
    due: list[int] = []
    with UnitOfWork(session):
        for today, zones in reminders.zones_by_local_date(now_utc).items():
            due += session.scalars(
                select(Collaboration.id)
                .join(Centre, Centre.id == Collaboration.centre_id)
                .where(
                    Collaboration.status == S.PROPOSED,
                    Collaboration.respond_by < today,
                    Centre.zone.in_(zones),
                )
            ).all()
    expired = 0
    for ident in sorted(due):  # one unit each: a proposal answered meanwhile spoils no other
        try:
            with UnitOfWork(session, actor=actor.actor):
                collaboration = session.get(Collaboration, ident, with_for_update=_lock(session))
                if collaboration is None or collaboration.status != S.PROPOSED:
                    continue
                lifecycle.transition(
                    collaboration, "expire", actor=actor, clock=lambda: now_utc, session=session
                )
            expired += 1
        except (StaleDataError, ServiceError) as exc:  # answered or expired meanwhile
            log.info("collaboration %s not expired: %s", ident, exc)
    return expired


# Agreement milestones: (kind, event type, days from valid_until to the milestone's day).
MILESTONES = (
    *((f"agreement.expiring-{n}d", catalogue.AgreementExpiring, -n) for n in AGREEMENT_DAYS),
    ("agreement.expired", catalogue.AgreementExpired, 1),
)


def agreement_milestones(session: Session, now_utc: datetime, catch_up_days: int = 3) -> dict[str, int]:
    """AgreementExpiring once when an agreement is 60, 30 and 7 days from its end, and
    AgreementExpired once the day after valid_until (centre's calendar). A milestone row with
    a unique key commits with its event, so each is emitted once; a sweep that missed a day
    catches up for `catch_up_days`."""
    actor = SystemActor("agreement-expiry").actor
    emitted: Counter = Counter()
    with UnitOfWork(session):  # every milestone with its event, in one commit
        for today, zones in reminders.zones_by_local_date(now_utc).items():
            for kind, event_type, offset in MILESTONES:
                first, last = today - timedelta(days=catch_up_days + offset), today - timedelta(days=offset)
                rows = session.execute(
                    select(Agreement, Partnership)
                    .join(Partnership, Partnership.id == Agreement.partnership_id)
                    .join(Centre, Centre.id == Partnership.centre_id)
                    .where(
                        Agreement.valid_until.between(first, last),
                        Centre.zone.in_(zones),
                        ~exists().where(
                            and_(
                                Milestone.kind == kind,
                                Milestone.subject_type == "agreement",
                                Milestone.subject_id == Agreement.id,
                            )
                        ),
                    )
                ).all()
                for agreement, partnership in rows:
                    inserted = session.scalar(
                        insert_or_skip(session, Milestone)
                        .values(
                            kind=kind,
                            subject_type="agreement",
                            subject_id=agreement.id,
                            due_on=agreement.valid_until + timedelta(days=offset),
                            created_at=now_utc,
                        )
                        .on_conflict_do_nothing()
                        .returning(Milestone.id)
                    )
                    if inserted is not None:
                        emit(
                            session,
                            event_type(
                                agreement_id=agreement.id,
                                partnership_id=partnership.id,
                                centre_id=partnership.centre_id,
                                partner_id=partnership.partner_id,
                                kind=agreement.kind,
                                number=agreement.number,
                                signed_on=agreement.signed_on,
                                valid_until=agreement.valid_until,
                                actor=actor,
                                days_left=(agreement.valid_until - today).days if offset < 0 else None,
                            ),
                        )
                        emitted[kind] += 1
    return dict(emitted)


def _lock(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
