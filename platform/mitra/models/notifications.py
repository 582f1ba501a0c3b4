"""What Mitra tells people, and what the scheduler has done: in-app notifications, the e-mail
ledger (one row per reminder or notice e-mail, claimed under a unique key before it is sent),
milestones reached once, and claimed job runs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from events.types import BigIntPK, UTCDateTime, utcnow
from mitra.extensions import Model
from mitra.models.enums import one_of


class ReminderStatus(StrEnum):
    PENDING = "pending"  # to be sent from next_attempt_at on
    HELD = "held"  # waits for the recipient's daily digest
    DIGESTED = "digested"  # went out inside the digest `digest_id`
    SENDING = "sending"  # a sender owns it; left here by a crash, it becomes unknown
    SENT = "sent"
    FAILED = "failed"  # refused before the server took it: retried while next_attempt_at is set
    UNKNOWN = "unknown"  # the outcome is ambiguous: an operator decides, nothing resends it
    CANCELLED = "cancelled"  # no longer true when its turn came (e.g. the proposal was answered)


class JobRunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Notification(Model):
    """One thing shown in a user's in-app list; its text is rendered in the reader's language."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # facts of the moment (a reason)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Reminder(Model):
    """One e-mail to one person, claimed before it is sent: the key is unique in the database.

    Reminders from the sweeps are about a collaboration, an activity or an agreement; e-mail
    copies of event notifications are about their notification; a digest is about its user.
    `due_on` is the day in the recipient's calendar; `due_at` the instant (08:00 local for
    reminders) from which it may go out.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint(
            "due_on", "kind", "subject_type", "subject_id", "recipient_id", name="uq_reminders_key"
        ),
        # Few indexes, as a sweep claims thousands of rows at once. Senders find their rows by
        # status and time; a digest its items (only digested rows are in that index). Users
        # are deactivated, never deleted, so recipient_id needs no index of its own.
        Index("ix_reminders_status_next_attempt_at", "status", "next_attempt_at"),
        Index(
            "ix_reminders_digest_id",
            "digest_id",
            sqlite_where=text("digest_id IS NOT NULL"),
            postgresql_where=text("digest_id IS NOT NULL"),
        ),
        one_of("status", ReminderStatus),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=ReminderStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="SET NULL"))
    claim_token: Mapped[str | None] = mapped_column(String(32))  # the sweep run that claimed it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Milestone(Model):
    """A moment in a record's life that is acted on once, e.g. an agreement 30 days from its
    end: the sweep that inserts it first emits its event in the same transaction."""

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("kind", "subject_type", "subject_id", "due_on", name="uq_milestones_key"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JobRun(Model):
    """One run of a scheduled job, claimed under (job, slot) before it starts: a second
    scheduler, or a restart, finds the slot taken and does nothing."""

    __tablename__ = "job_runs"
    __table_args__ = (
        UniqueConstraint("job", "slot", name="uq_job_runs_job_slot"),
        one_of("status", JobRunStatus),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    slot: Mapped[datetime] = mapped_column(UTCDateTime)  # the scheduled fire time, UTC
    manual: Mapped[bool] = mapped_column(default=False)
    claimed_by: Mapped[str] = mapped_column(String(120))  # host:pid
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=JobRunStatus.RUNNING)
    summary: Mapped[str | None] = mapped_column(Text)
