"""Partnerships between a centre and a partner, their agreements, collaborations and activities."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.types import UTCDateTime
from mitra.extensions import Model
from mitra.models.enums import (
    ActivityStatus,
    ActivityType,
    AgreementKind,
    CollaborationStatus,
    PartnershipStatus,
    one_of,
)
from mitra.models.mixins import Timestamps
from mitra.models.organisations import Centre, Partner


class Partnership(Timestamps, Model):
    """Centre x partner; its status is moved by the partnership-status worker."""

    __tablename__ = "partnerships"
    __table_args__ = (
        UniqueConstraint("centre_id", "partner_id", name="uq_partnerships_centre_partner"),
        one_of("status", PartnershipStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=PartnershipStatus.PROSPECT, index=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    centre: Mapped[Centre] = relationship()
    partner: Mapped[Partner] = relationship()


class Agreement(Timestamps, Model):
    """A signed MoU or PKS (perjanjian kerja sama) that gives a partnership its validity."""

    __tablename__ = "agreements"
    __table_args__ = (
        one_of("kind", AgreementKind),
        CheckConstraint("valid_until >= signed_on", name="valid_after_signed"),
        UniqueConstraint("partnership_id", "number", name="uq_agreements_partnership_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    kind: Mapped[str] = mapped_column(String(3), default=AgreementKind.MOU)
    number: Mapped[str] = mapped_column(String(80))
    signed_on: Mapped[date]
    valid_until: Mapped[date] = mapped_column(index=True)
    document_ref: Mapped[str | None] = mapped_column(String(255))

    partnership: Mapped[Partnership] = relationship()


class Collaboration(Timestamps, Model):
    """One proposal from a centre to a partner, and the work that follows if accepted."""

    __tablename__ = "collaborations"
    __table_args__ = (
        one_of("status", CollaborationStatus),
        CheckConstraint("ends_on >= starts_on", name="ends_after_starts"),
        CheckConstraint("target_umkm >= 0", name="target_umkm_non_negative"),
        Index("ix_collaborations_status_respond_by", "status", "respond_by"),
        Index("ix_collaborations_status_starts_on", "status", "starts_on"),
        Index("ix_collaborations_status_ends_on", "status", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    service_area: Mapped[str] = mapped_column(ForeignKey("service_areas.code"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    respond_by: Mapped[date | None]
    target_umkm: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default=CollaborationStatus.DRAFT)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    info_question: Mapped[str | None] = mapped_column(Text)
    # How it ended: the centre's closing summary (or the lifecycle job's), optional figures.
    closing_summary: Mapped[str | None] = mapped_column(Text)
    closing_outcomes: Mapped[dict[str, int] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)  # optimistic lock and ETag

    __mapper_args__ = {"version_id_col": version}

    centre: Mapped[Centre] = relationship()
    partner: Mapped[Partner] = relationship()
    partnership: Mapped[Partnership] = relationship()


class Activity(Timestamps, Model):
    """Something held under a collaboration: a training, a business-matching day, ..."""

    __tablename__ = "activities"
    __table_args__ = (
        one_of("type", ActivityType),
        one_of("status", ActivityStatus),
        CheckConstraint("participants >= 0", name="participants_non_negative"),
        CheckConstraint("umkm_reached >= 0", name="umkm_reached_non_negative"),
        # Who confirmed and when are set and cleared together.
        CheckConstraint("(confirmed_at IS NULL) = (confirmed_by_id IS NULL)", name="confirmed_together"),
        Index("ix_activities_status_date", "status", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collaboration_id: Mapped[int] = mapped_column(ForeignKey("collaborations.id"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), default="")
    service_area: Mapped[str | None] = mapped_column(ForeignKey("service_areas.code"))
    date: Mapped[date]
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default=ActivityStatus.PLANNED)
    participants: Mapped[int] = mapped_column(default=0)
    umkm_reached: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str | None] = mapped_column(Text)  # the outcome, or why it was cancelled
    # Where the evidence is kept (attendance list, report, photos): an archive number or path.
    document_ref: Mapped[str | None] = mapped_column(String(255))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The partner's confirmation that it takes part; cleared when the date or place moves.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    collaboration: Mapped[Collaboration] = relationship()
