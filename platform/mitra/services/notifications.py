"""In-app notifications, and the words of everything Mitra tells people.

Each kind names what it is about (a collaboration, an activity, an agreement) and who hears
of it. Its title and body live in `templates/mail/<language>/texts.txt`, one macro pair per
kind, and are rendered when read, in the reader's language, from the subject as it is then;
`params` keep only the facts of the moment (a decline reason, a question).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import current_app
from sqlalchemy import Select, func, insert, literal, select, update
from sqlalchemy.orm import Session, joinedload

from events.types import utcnow
from mitra import links
from mitra.extensions import changed_rows, db
from mitra.models import (
    Activity,
    ActivityStatus,
    Agreement,
    Attachment,
    Centre,
    Collaboration,
    CollaborationStatus,
    Notification,
    Partnership,
    Reminder,
    Role,
    User,
)
from mitra.services import scoping

LANGUAGES = ("id", "en")
PARTNER, CENTRE, BOTH = "partner", "centre", "both"


def _always(_subject: Any) -> bool:
    return True


def _proposal_open(collaboration: Collaboration) -> bool:
    return collaboration.status == CollaborationStatus.PROPOSED


def _collaboration_active(collaboration: Collaboration) -> bool:
    return collaboration.status == CollaborationStatus.ACTIVE


def _activity_planned(activity: Activity) -> bool:
    return activity.status == ActivityStatus.PLANNED


@dataclass(frozen=True)
class Kind:
    name: str
    subject_type: str  # collaboration | activity | agreement | attachment
    audience: str  # partner (the partner's users) | centre (its managers) | both
    days: int | None = None  # a reminder's distance from its date
    still_due: Callable[[Any], bool] = _always  # checked again just before a reminder is sent
    page: str = "collaboration"  # which page the link opens

    @property
    def macro(self) -> str:
        return self.name.replace(".", "_").replace("-", "_")


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        # Told when it happens (the reminders consumer group).
        Kind("collaboration.proposed", "collaboration", PARTNER),
        Kind("collaboration.revised", "collaboration", PARTNER),
        Kind("collaboration.accepted", "collaboration", CENTRE),
        Kind("collaboration.declined", "collaboration", CENTRE),
        Kind("collaboration.info_requested", "collaboration", CENTRE),
        Kind("collaboration.expired", "collaboration", CENTRE),
        Kind("collaboration.activated", "collaboration", BOTH),
        Kind("collaboration.extended", "collaboration", PARTNER),
        # The partner's users; the centre's managers too when the lifecycle job closed it.
        Kind("collaboration.completed", "collaboration", PARTNER),
        Kind("activity.planned", "activity", PARTNER),
        Kind("activity.moved", "activity", PARTNER),
        Kind("activity.cancelled", "activity", PARTNER),
        Kind("activity.confirmed", "activity", CENTRE),
        # New evidence: the side that did not upload it (both, when the ministry did).
        Kind("attachment.added", "attachment", BOTH, page="attachment"),
        # Told by the lifecycle job, once each: the end date came, the automatic close is near.
        Kind("collaboration-ended", "collaboration", CENTRE, 0, _collaboration_active),
        Kind("collaboration-closing-7d", "collaboration", CENTRE, 7, _collaboration_active),
        # Reminders, at 08:00 in the recipient's zone (the sweeps).
        Kind("proposal-3d", "collaboration", PARTNER, 3, _proposal_open),
        Kind("proposal-1d", "collaboration", PARTNER, 1, _proposal_open),
        Kind("activity-tomorrow", "activity", BOTH, 1, _activity_planned),
        Kind("outcome-overdue", "activity", CENTRE, 2, _activity_planned, page="report"),
        Kind("agreement-60d", "agreement", BOTH, 60, page="agreements"),
        Kind("agreement-30d", "agreement", BOTH, 30, page="agreements"),
        Kind("agreement-7d", "agreement", BOTH, 7, page="agreements"),
    )
}

LINKS: dict[str, Callable[[Any], str]] = {
    "collaboration": lambda s: f"/collaborations/{s.id}",
    "activity": lambda s: f"/collaborations/{s.collaboration_id}",
    "report": lambda s: f"/activities/{s.id}/report",
    "agreements": lambda s: "/agreements",
    "attachment": lambda s: _attachment_page(s.subject),
}


def _attachment_page(subject: Collaboration | Activity | Agreement) -> str:
    """The page that shows an attachment: its subject's, and the list of evidence on it."""
    if isinstance(subject, Agreement):
        return f"/agreements/{subject.id}#attachments"
    if isinstance(subject, Activity):
        return f"/activities/{subject.id}#attachments"
    return f"/collaborations/{subject.id}#attachments"


class Item(Protocol):
    """What is rendered: a notification, or a reminder of the e-mail ledger."""

    kind: str
    subject_type: str
    subject_id: int


@dataclass(frozen=True)
class Rendered:
    kind: str
    subject_type: str
    subject_id: int
    title: str
    body: str
    link: str
    zone: str | None = None  # the subject's centre's zone: its moments are told in it


# -- who hears of what -------------------------------------------------------------------------


def partner_users(session: Session, partner_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.partner_id == partner_id, User.role == Role.PARTNER_USER, User.is_active.is_(True))
            .order_by(User.id)
        )
    )


def centre_managers(session: Session, centre_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .options(joinedload(User.centre))
            .where(User.centre_id == centre_id, User.role == Role.CENTRE_MANAGER, User.is_active.is_(True))
            .order_by(User.id)
        )
    )


def centre_of(subject: Collaboration | Activity | Agreement | Attachment) -> Centre:
    """The centre whose clock a notification's subject keeps."""
    if isinstance(subject, Attachment):
        subject = subject.subject
    if isinstance(subject, Activity):
        return subject.collaboration.centre
    if isinstance(subject, Agreement):
        return subject.partnership.centre
    return subject.centre


def zone_of(user: User) -> ZoneInfo:
    """A centre manager lives by the centre's clock; anyone else by their profile's zone."""
    if user.role == Role.CENTRE_MANAGER and user.centre is not None:
        return ZoneInfo(user.centre.zone)
    return ZoneInfo(user.zone or "Asia/Jakarta")


def language_of(user: User) -> str:
    return user.language if user.language in LANGUAGES else "id"


# -- in-app ------------------------------------------------------------------------------------


def create(
    session: Session,
    user: User,
    kind: str,
    subject_id: int,
    *,
    at: datetime,
    params: dict[str, Any] | None = None,
) -> Notification:
    """One in-app notification, immediately visible (the caller commits)."""
    notification = Notification(
        user_id=user.id,
        kind=kind,
        subject_type=KINDS[kind].subject_type,
        subject_id=subject_id,
        params=params or None,
        created_at=at,
    )
    session.add(notification)
    session.flush()
    return notification


def copy_claimed_reminders(session: Session, token: str, day: date, now: datetime) -> int:
    """The in-app copy of every reminder a sweep run just claimed (set-based: no row-by-row)."""
    claimed = select(
        Reminder.recipient_id,
        Reminder.kind,
        Reminder.subject_type,
        Reminder.subject_id,
        literal(now, Notification.created_at.type),
    ).where(Reminder.due_on == day, Reminder.claim_token == token)
    columns = ["user_id", "kind", "subject_type", "subject_id", "created_at"]
    statement = insert(Notification).from_select(columns, claimed)
    return changed_rows(session, statement)


SORTABLE = {"created_at": Notification.created_at}


def search(user: User, unread: bool | None = None, sort: str = "-created_at") -> Select:
    """The user's own notifications, newest first unless `sort` says otherwise."""
    statement = scoping.notifications(user)
    if unread is True:
        statement = statement.where(Notification.read_at.is_(None))
    elif unread is False:
        statement = statement.where(Notification.read_at.is_not(None))
    return scoping.ordered(statement, SORTABLE, sort, Notification.id)


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(user: User, ident: int, clock: Callable[[], datetime] = utcnow) -> Notification:
    """Mark one of the user's notifications read (again: no change); someone else's is 404."""
    notification = scoping.one(scoping.notifications(user), Notification, ident, "notification")
    if notification.read_at is None:
        notification.read_at = clock()
        db.session.flush()
    return notification


def mark_all_read(user: User, clock: Callable[[], datetime] = utcnow) -> int:
    changed = changed_rows(
        db.session(),
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=clock()),
    )
    db.session.flush()
    return changed


def describe(notifications: Sequence[Notification], user: User) -> list[dict[str, Any]]:
    """The API's view of notifications: their words in the reader's language."""
    texts = Renderer(db.session(), language_of(user)).render(notifications, check_due=False)
    return [
        {
            "id": n.id,
            "kind": n.kind,
            "title": t.title if t else n.kind,
            "body": t.body if t else "",
            "link": t.link if t else "",
            "subject_type": n.subject_type,
            "subject_id": n.subject_id,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }
        for n, t in zip(notifications, texts, strict=True)
    ]


# -- words ---------------------------------------------------------------------------------------


class Renderer:
    """Titles, bodies and links of many items in one language, loading their subjects in bulk."""

    def __init__(self, session: Session, language: str, base_url: str | None = None):
        self.session = session
        self.language = language if language in LANGUAGES else "id"
        # E-mails link to MITRA_BASE_URL (never the request's host); pages pass "/".
        self.base_url = (base_url or links.base_url()).rstrip("/")
        self.texts: Any = current_app.jinja_env.get_template(f"mail/{self.language}/texts.txt").module

    def render(self, items: Sequence[Item], check_due: bool = True) -> list[Rendered | None]:
        """None for an item whose subject is gone or, with `check_due`, no longer true."""
        # An e-mail copy of a notification is about that notification: render it instead.
        copies = self._load("notification", [i.subject_id for i in items if i.subject_type == "notification"])
        shown: list[Item | None] = [
            copies.get(i.subject_id) if i.subject_type == "notification" else i for i in items
        ]
        # Then each kind of subject in one query.
        subjects: dict[str, dict[int, Any]] = {}
        for kind in {KINDS[i.kind].subject_type for i in shown if i is not None and i.kind in KINDS}:
            wanted = [i.subject_id for i in shown if i is not None and i.subject_type == kind]
            subjects[kind] = self._load(kind, wanted)
        return [self._one(i, subjects, check_due) for i in shown]

    def _one(self, item: Item | None, subjects: dict[str, dict[int, Any]], check_due: bool):
        kind = KINDS.get(item.kind) if item is not None else None
        if item is None or kind is None:
            return None
        subject = subjects.get(kind.subject_type, {}).get(item.subject_id)
        if subject is None or (check_due and not kind.still_due(subject)):
            return None
        facts = self.facts(kind.subject_type, subject)
        facts.update(getattr(item, "params", None) or {})
        facts["days"] = kind.days
        title = str(getattr(self.texts, f"{kind.macro}_title")(facts)).strip()
        body = " ".join(str(getattr(self.texts, f"{kind.macro}_body")(facts)).split())
        return Rendered(
            kind.name,
            item.subject_type,
            item.subject_id,
            title,
            body,
            self.base_url + LINKS[kind.page](subject),
            centre_of(subject).zone,
        )

    def _load(self, subject_type: str, ids: Iterable[int]) -> dict[int, Any]:
        ids = sorted(set(ids))
        if not ids:
            return {}
        model: Any  # one of the mapped classes below, each with an `id`
        options: tuple[Any, ...]
        model, options = {
            "notification": (Notification, ()),
            "collaboration": (
                Collaboration,
                (joinedload(Collaboration.centre), joinedload(Collaboration.partner)),
            ),
            "activity": (
                Activity,
                (
                    joinedload(Activity.collaboration).joinedload(Collaboration.centre),
                    joinedload(Activity.collaboration).joinedload(Collaboration.partner),
                ),
            ),
            "agreement": (
                Agreement,
                (
                    joinedload(Agreement.partnership).joinedload(Partnership.centre),
                    joinedload(Agreement.partnership).joinedload(Partnership.partner),
                ),
            ),
            "attachment": (
                Attachment,
                (
                    joinedload(Attachment.collaboration).joinedload(Collaboration.centre),
                    joinedload(Attachment.collaboration).joinedload(Collaboration.partner),
                    joinedload(Attachment.activity).joinedload(Activity.collaboration),
                    joinedload(Attachment.agreement).joinedload(Agreement.partnership),
                    joinedload(Attachment.uploaded_by),
                ),
            ),
        }[subject_type]
        rows = self.session.scalars(select(model).options(*options).where(model.id.in_(ids)))
        return {row.id: row for row in rows.unique()}

    def day(self, value: date | None) -> str:
        return format_date(value, format="long", locale=self.language) if value else ""

    def facts(self, subject_type: str, subject: Any) -> dict[str, Any]:
        if subject_type == "attachment":
            on = subject.subject
            facts = self.facts(subject.subject_type, on)
            facts.update(
                filename=subject.filename,
                file_title=subject.title or subject.filename,
                uploaded_by=subject.uploaded_by.name,
                on=subject.subject_type,
            )
            return facts
        if subject_type == "collaboration":
            return self._collaboration(subject)
        if subject_type == "activity":
            activity_types = getattr(self.texts, "activity_types", {})
            facts = self._collaboration(subject.collaboration)
            facts.update(
                activity=subject.title or activity_types.get(subject.type, subject.type),
                date=self.day(subject.date),
                location=subject.location or "",
                notes=subject.notes or "",
            )
            return facts
        partnership = subject.partnership
        label = {"mou": "MoU", "pks": "PKS"}.get(subject.kind, subject.kind.upper())
        named = subject.number if label.upper() in subject.number.upper() else f"{label} {subject.number}"
        return {
            "agreement": named,
            "number": subject.number,
            "centre": partnership.centre.name,
            "partner": partnership.partner.name,
            "valid_until": self.day(subject.valid_until),
        }

    def _collaboration(self, c: Collaboration) -> dict[str, Any]:
        return {
            "title": c.title,
            "centre": c.centre.name,
            "partner": c.partner.name,
            "respond_by": self.day(c.respond_by),
            "starts_on": self.day(c.starts_on),
            "reason": c.decline_reason or "",
            "question": c.info_question or "",
            "ends_on": self.day(c.ends_on),
            "summary": c.closing_summary or "",
        }
