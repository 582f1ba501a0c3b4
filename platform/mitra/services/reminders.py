"""The e-mail ledger: every e-mail is claimed as a row before it is sent, and sent at most once.

A row's key, (due_on, kind, subject, recipient), is unique in the database. A sweep claims
due reminders by INSERTing them (a key already there is skipped), commits, then sends.
This module holds the steps and never commits; `workers.mail_sender` runs each step in a
unit of work of its own, in the order that makes a send safe.
Sending takes the row `pending -> sending` by compare-and-set, so two senders never both
send it, and ends in:
- `sent` (ReminderSent is emitted in the same commit);
- `failed`: refused before the server took it; retried with exponential backoff until
  MAIL_MAX_ATTEMPTS (a 5xx refusal is not retried);
- `unknown`: the connection broke once the message was on the wire, or a sender died while
  `sending`. Nothing resends it: `mitra reminders unknown` lists them for an operator.
Users who chose the daily digest have their rows `held`; at 08:00 local one digest row
takes them all (`digested`) and is sent like any other row.
No transaction stays open while SMTP talks: on SQLite it would hold the write lock.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Select, bindparam, case, literal, null, select, true, union_all, update
from sqlalchemy.orm import Session, joinedload

from events import catalogue
from events.outbox import emit
from events.types import UTCDateTime
from mitra.extensions import changed_rows, insert_or_skip
from mitra.i18n import zone_label
from mitra.models import (
    Centre,
    EmailPreference,
    Notification,
    Reminder,
    Role,
    User,
)
from mitra.models import ReminderStatus as R
from mitra.models.enums import INDONESIAN_ZONES
from mitra.services import audit, mail, notifications

log = logging.getLogger("mitra.reminders")

DIGEST = "digest"
SENDABLE = (R.PENDING, R.FAILED)


@dataclass(frozen=True)
class MailPolicy:
    max_attempts: int = 8
    retry_base_seconds: float = 60.0  # then doubled: 1, 2, 4, ... 64 minutes (about 2 hours in all)
    sending_timeout: timedelta = timedelta(minutes=15)  # longer than any SMTP dialogue
    batch_size: int = 200
    local_hour: int = 8  # reminders and digests go out at this hour in the recipient's zone
    window: timedelta = timedelta(hours=1)  # ... and only within this window after it

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailPolicy:
        def setting(name: str, default: float) -> float:
            value = config.get(name)
            return float(value) if value not in (None, "") else default

        return cls(
            max_attempts=int(setting("MAIL_MAX_ATTEMPTS", cls.max_attempts)),
            retry_base_seconds=setting("MAIL_RETRY_BASE_SECONDS", cls.retry_base_seconds),
            sending_timeout=timedelta(seconds=setting("MAIL_SENDING_TIMEOUT_SECONDS", 900)),
            local_hour=int(setting("REMINDER_LOCAL_HOUR", cls.local_hour)),
            window=timedelta(minutes=setting("REMINDER_WINDOW_MINUTES", 60)),
        )


@dataclass(frozen=True)
class Window:
    """Zones where it is now the reminder hour, their local day, and that hour as an instant."""

    zones: tuple[str, ...]
    day: date
    due_at: datetime


def open_windows(now: datetime, policy: MailPolicy) -> list[Window]:
    """Zones sharing an offset (WIB has two IANA names) share one window."""
    found: dict[tuple[date, datetime], list[str]] = {}
    for zone in INDONESIAN_ZONES:
        local = now.astimezone(ZoneInfo(zone))
        start = datetime.combine(local.date(), time(policy.local_hour), tzinfo=ZoneInfo(zone))
        if start <= local < start + policy.window:
            found.setdefault((local.date(), start.astimezone(UTC)), []).append(zone)
    return [Window(tuple(zones), day, due_at) for (day, due_at), zones in found.items()]


def zones_by_local_date(now: datetime) -> dict[date, tuple[str, ...]]:
    """Indonesia's zones grouped by the date it is there now (one or two groups)."""
    found: dict[date, list[str]] = {}
    for zone in INDONESIAN_ZONES:
        found.setdefault(now.astimezone(ZoneInfo(zone)).date(), []).append(zone)
    return {day: tuple(zones) for day, zones in found.items()}


# -- claiming ----------------------------------------------------------------------------------

# The window's values in a claim statement: built once, run with these as parameters.
WINDOW_PARAMS = dict(due_on=Date(), due_at=UTCDateTime(), token=None, now=UTCDateTime())


def claim_statement(dialect: str, due: list[tuple[str, Select]]):
    """One INSERT ... SELECT claiming every row that each (kind, query) names as due, the query
    giving (subject_id, recipient_id, preference). A key claimed before is skipped by the
    database. Its parameters are the window's (WINDOW_PARAMS) and the queries' own; build it
    once per process, as SQLAlchemy then compiles it once."""
    p = {name: bindparam(name, type_=kind) for name, kind in WINDOW_PARAMS.items()}
    sources = []
    for kind, query in due:
        rows = query.subquery()
        held = rows.c.preference == EmailPreference.DIGEST
        sources.append(
            select(
                literal(kind).label("kind"),
                literal(notifications.KINDS[kind].subject_type).label("st"),
                rows.c.subject_id,
                rows.c.recipient_id,
                p["due_on"].label("due_on"),
                p["due_at"].label("due_at"),
                case((held, literal(R.HELD.value)), else_=literal(R.PENDING.value)).label("status"),
                literal(0).label("attempts"),
                case((held, null()), else_=p["due_at"]).label("next_attempt_at"),
            )
        )
    every = union_all(*sources).subquery()
    # The WHERE lets SQLite parse INSERT ... SELECT ... ON CONFLICT.
    source = select(
        every, p["token"].label("token"), p["now"].label("created_at"), p["now"].label("updated_at")
    ).where(true())
    columns = [
        "kind",
        "subject_type",
        "subject_id",
        "recipient_id",
        "due_on",
        "due_at",
        "status",
        "attempts",
        "next_attempt_at",
        "claim_token",
        "created_at",
        "updated_at",
    ]
    # On the Table, not the mapped class: with parameters, an ORM insert would be a bulk insert.
    return insert_or_skip(dialect, Reminder.__table__).from_select(columns, source).on_conflict_do_nothing()


def claim(
    session: Session, statement, *, window: Window, token: str, now: datetime, params: Mapping[str, Any]
) -> int:
    """Run a claim statement for one window; returns how many reminders were new. The caller
    commits."""
    values = {"due_on": window.day, "due_at": window.due_at, "token": token, "now": now, **params}
    return changed_rows(session, statement, values)


def stage_copy(session: Session, notification: Notification, user: User, at: datetime) -> Reminder:
    """The e-mail copy of an event's notification (the caller commits): sent at once, or held
    for the digest. Its subject is the notification, so each event mails each person once."""
    held = user.email_preference == EmailPreference.DIGEST
    reminder = Reminder(
        kind=notification.kind,
        subject_type="notification",
        subject_id=notification.id,
        recipient_id=user.id,
        due_on=at.astimezone(notifications.zone_of(user)).date(),
        due_at=at,
        status=R.HELD if held else R.PENDING,
        attempts=0,
        next_attempt_at=None if held else at,
        created_at=at,
        updated_at=at,
    )
    session.add(reminder)
    return reminder


def waiting_for_digest(session: Session, now: datetime, window: Window) -> list[int]:
    """The users of `window`'s zones with held rows due by `now`."""
    zone = case((User.role == Role.CENTRE_MANAGER, Centre.zone), else_=User.zone)
    return list(
        session.scalars(
            select(Reminder.recipient_id)
            .distinct()
            .join(User, User.id == Reminder.recipient_id)
            .outerjoin(Centre, Centre.id == User.centre_id)
            .where(Reminder.status == R.HELD, Reminder.due_at <= now, zone.in_(window.zones))
        )
    )


def claim_digest(session: Session, user_id: int, now: datetime, window: Window) -> bool:
    """The user's digest row for `window`, taking every held row due by `now`; False when
    another run claimed it already (its key is unique)."""
    digest_id = session.scalar(
        insert_or_skip(session, Reminder)
        .values(
            kind=DIGEST,
            subject_type="user",
            subject_id=user_id,
            recipient_id=user_id,
            due_on=window.day,
            due_at=window.due_at,
            status=R.PENDING,
            attempts=0,
            next_attempt_at=window.due_at,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing()
        .returning(Reminder.id)
    )
    if digest_id is None:
        return False
    session.execute(
        update(Reminder)
        .where(Reminder.recipient_id == user_id, Reminder.status == R.HELD, Reminder.due_at <= now)
        .values(status=R.DIGESTED, digest_id=digest_id, updated_at=now)
    )
    return True


# -- sending: each function is one step, which the sender commits before the next ----------------


def due(session: Session, now: datetime, limit: int) -> list[int]:
    """The rows to send now (pending, or failed and due for a retry), oldest first."""
    return list(
        session.scalars(
            select(Reminder.id)
            .where(Reminder.status.in_(SENDABLE), Reminder.next_attempt_at <= now)
            .order_by(Reminder.next_attempt_at, Reminder.id)
            .limit(limit)
        )
    )


def take(session: Session, ident: int, now: datetime) -> bool:
    """pending|failed -> sending by compare-and-set; False when another sender has it, or it
    changed meanwhile. Committed before anything is sent."""
    return bool(
        changed_rows(
            session,
            update(Reminder)
            .where(Reminder.id == ident, Reminder.status.in_(SENDABLE), Reminder.next_attempt_at <= now)
            .values(status=R.SENDING, attempts=Reminder.attempts + 1, updated_at=now),
        )
    )


@dataclass(frozen=True)
class Taken:
    """A row taken for sending: its message (None: nothing to send), or why it cannot be composed."""

    ident: int
    attempts: int
    facts: dict[str, Any]
    message: EmailMessage | None
    error: str | None = None


def prepare(session: Session, ident: int, now: datetime) -> Taken:
    """The message of a taken row; a template that fails is reported, never raised, so the
    row does not stay `sending`."""
    reminder = session.get_one(Reminder, ident)
    attempts, facts = reminder.attempts, _sent_facts(reminder)
    try:
        return Taken(ident, attempts, facts, compose(session, reminder, now))
    except Exception as exc:  # noqa: BLE001 - a broken template must not strand the row
        log.exception("reminder %s: cannot compose", ident)
        return Taken(ident, attempts, facts, None, f"cannot compose: {exc}")


def record_sent(session: Session, taken: Taken, now: datetime) -> str:
    emit(session, catalogue.ReminderSent(**taken.facts))  # in the commit that records it sent
    return finish(session, taken.ident, now, status=R.SENT, sent_at=now, last_error=None)


def record_failure(
    session: Session, taken: Taken, now: datetime, error: str | None, permanent: bool, policy: MailPolicy
) -> str:
    retry = not permanent and taken.attempts < policy.max_attempts
    delay = timedelta(seconds=policy.retry_base_seconds * 2 ** (taken.attempts - 1))
    log.warning(
        "reminder %s: attempt %d failed%s: %s",
        taken.ident,
        taken.attempts,
        f"; retrying in {delay}" if retry else "; giving up",
        error,
    )
    return finish(
        session,
        taken.ident,
        now,
        status=R.FAILED,
        last_error=error,
        next_attempt_at=now + delay if retry else None,
    )


def finish(session: Session, ident: int, now: datetime, **values: Any) -> str:
    session.execute(update(Reminder).where(Reminder.id == ident).values(updated_at=now, **values))
    return str(values["status"])


def _sent_facts(reminder: Reminder) -> dict[str, Any]:
    """The ReminderSent data, read while the row is loaded (no query once the mail is out)."""
    return {
        "reminder_id": reminder.id,
        "kind": reminder.kind,
        "recipient_id": reminder.recipient_id,
        "subject_type": reminder.subject_type,
        "subject_id": reminder.subject_id,
        "due_on": reminder.due_on,
    }


def compose(session: Session, reminder: Reminder, now: datetime) -> EmailMessage | None:
    """The e-mail of one ledger row, in the recipient's language; None when nothing in it is
    still true (e.g. the proposal was answered since)."""
    user = session.scalar(
        select(User).options(joinedload(User.centre)).where(User.id == reminder.recipient_id)
    )
    if user is None or not user.is_active:
        return None
    language = notifications.language_of(user)
    renderer = notifications.Renderer(session, language)
    # The digest hour is the reader's own clock: say whose (WIB, WITA, WIT).
    context: dict[str, Any] = {"name": user.name, "zone": zone_label(notifications.zone_of(user).key)}
    if reminder.kind == DIGEST:
        items = session.scalars(
            select(Reminder).where(Reminder.digest_id == reminder.id).order_by(Reminder.due_at, Reminder.id)
        ).all()
        rendered = [r for r in renderer.render(items) if r is not None]
        if not rendered:
            return None
        day = renderer.day(reminder.due_on)
        subject = str(renderer.texts.digest_subject({"day": day, "count": len(rendered)})).strip()
        text, html = mail.render(DIGEST, language, subject=subject, items=rendered, day=day, **context)
        about = f"user/{user.id}"
    else:
        item = renderer.render([reminder])[0]
        if item is None:
            return None
        subject, about = item.title, f"{item.subject_type}/{item.subject_id}"
        text, html = mail.render("message", language, subject=subject, item=item, **context)
    # For filters and operators: what the message is, and about which record.
    headers = {"X-Mitra-Kind": reminder.kind, "X-Mitra-Subject": about}
    return mail.compose(
        formataddr((user.name, user.email)),
        subject,
        text,
        html,
        headers=headers,
        message_id=f"mitra-reminder-{reminder.id}",
        language=language,
        when=now,
    )


def release_stuck(session: Session, now: datetime, policy: MailPolicy) -> int:
    """A row left `sending` longer than any SMTP dialogue lasts had its sender die mid-way:
    whether the message left is unknown, so it goes to an operator, not back to the queue."""
    released = changed_rows(
        session,
        update(Reminder)
        .where(Reminder.status == R.SENDING, Reminder.updated_at < now - policy.sending_timeout)
        .values(
            status=R.UNKNOWN,
            updated_at=now,
            last_error="the sender stopped while sending; whether the message left is unknown",
        ),
    )
    return released


# -- what operators see and decide -----------------------------------------------------------------


def ambiguous(session: Session) -> list[tuple[Reminder, User]]:
    """Rows whose outcome is unknown, oldest first, with their recipients."""
    rows = session.execute(
        select(Reminder, User)
        .join(User, User.id == Reminder.recipient_id)
        .where(Reminder.status == R.UNKNOWN)
        .order_by(Reminder.updated_at, Reminder.id)
    ).all()
    return [(reminder, user) for reminder, user in rows]


RESOLUTIONS = {"sent": R.SENT, "resend": R.PENDING, "cancel": R.CANCELLED}


def resolve(session: Session, ident: int, outcome: str, *, actor: str, now: datetime) -> Reminder:
    """An operator's verdict on an unknown (or abandoned failed) row: it arrived (`sent`), send
    it again (`resend`), or let it go (`cancel`). Audited."""
    reminder = session.get(Reminder, ident)
    if reminder is None:
        raise LookupError(f"no reminder has id {ident}")
    if reminder.status not in (R.UNKNOWN, R.FAILED):
        raise ValueError(f"reminder {ident} is {reminder.status}; only unknown or failed ones are resolved")
    before = reminder.status
    reminder.status = RESOLUTIONS[outcome]
    reminder.next_attempt_at = now if outcome == "resend" else None
    reminder.updated_at = now
    audit.record(
        session,
        actor=actor,
        action=f"reminder.{outcome}",
        subject_type="reminder",
        subject_id=reminder.id,
        before={"status": before},
        after={"status": reminder.status},
    )
    session.flush()
    return reminder
