"""Evidence and outcomes: files attached to the work, the businesses (UMKM) it reached, and
what each business got out of it.

A business is keyed by its NIB (Nomor Induk Berusaha, 13 digits, issued by OSS); national
UMKM data is kept by business, so Mitra's is too. Owner names, phones and e-mails are
personal data (UU 27/2022): they are stored here, and who may read them is decided in
`mitra.services`, never in a view.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.types import UTCDateTime, utcnow
from mitra.extensions import Model
from mitra.models.collaboration import Activity, Agreement, Collaboration
from mitra.models.enums import AttachmentKind, OutcomeType, UmkmScale, one_of
from mitra.models.mixins import Timestamps
from mitra.models.organisations import Centre
from mitra.models.reference import Regency
from mitra.models.user import User

NIB_LENGTH = 13
KBLI_LENGTH = 5
SUBJECT_COLUMNS = ("agreement_id", "collaboration_id", "activity_id")


def _digits(column: str, length: int) -> CheckConstraint:
    """CHECK that a column is exactly `length` decimal digits, in SQL both SQLite and
    PostgreSQL read the same way (trim(x, chars) strips every listed character)."""
    return CheckConstraint(
        f"length({column}) = {length} AND trim({column}, '0123456789') = ''",
        name=f"{column}_digits",
    )


class Attachment(Model):
    """A file attached to exactly one agreement, collaboration or activity.

    The bytes live in the attachment store (`mitra.storage`), addressed by their SHA-256;
    this row is what is known of them. A removed attachment is kept, marked, and audited.
    """

    __tablename__ = "attachments"
    __table_args__ = (
        one_of("kind", AttachmentKind),
        CheckConstraint(
            " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in SUBJECT_COLUMNS) + " = 1",
            name="one_subject",
        ),
        CheckConstraint("size >= 0", name="size_non_negative"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("(removed_at IS NULL) = (removed_by_id IS NULL)", name="removed_together"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    collaboration_id: Mapped[int | None] = mapped_column(ForeignKey("collaborations.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default=AttachmentKind.OTHER)
    title: Mapped[str] = mapped_column(String(200), default="")
    filename: Mapped[str] = mapped_column(String(255))  # as sent, for Content-Disposition
    content_type: Mapped[str] = mapped_column(String(100))  # as sniffed, never as claimed
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # of the bytes stored
    thumbnail_sha256: Mapped[str | None] = mapped_column(String(64))  # images only
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agreement: Mapped[Agreement | None] = relationship()
    collaboration: Mapped[Collaboration | None] = relationship()
    activity: Mapped[Activity | None] = relationship()
    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])

    @property
    def subject_type(self) -> str:
        """agreement, collaboration or activity: the column that names its subject."""
        return next(c for c in SUBJECT_COLUMNS if getattr(self, c) is not None).removesuffix("_id")

    @property
    def subject(self) -> Agreement | Collaboration | Activity:
        """The one agreement, collaboration or activity it is attached to."""
        found = self.agreement or self.collaboration or self.activity
        if found is None:
            raise LookupError(f"attachment {self.id} has no subject (a CHECK forbids it)")
        return found


class Umkm(Timestamps, Model):
    """A micro, small or medium business, by its NIB."""

    __tablename__ = "umkm"
    __table_args__ = (
        _digits("nib", NIB_LENGTH),
        _digits("kbli", KBLI_LENGTH),
        one_of("scale", UmkmScale),
        Index("ix_umkm_regency_scale", "regency_code", "scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nib: Mapped[str] = mapped_column(String(NIB_LENGTH), unique=True)
    business_name: Mapped[str] = mapped_column(String(200), index=True)
    owner_name: Mapped[str] = mapped_column(String(120))  # personal data
    kbli: Mapped[str] = mapped_column(String(KBLI_LENGTH))  # KBLI 2020
    scale: Mapped[str] = mapped_column(String(8))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regencies.code"))
    phone: Mapped[str | None] = mapped_column(String(30))  # personal data
    email: Mapped[str | None] = mapped_column(String(254))  # personal data
    registered_by_centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)  # optimistic lock and ETag

    __mapper_args__ = {"version_id_col": version}

    regency: Mapped[Regency] = relationship()
    registered_by_centre: Mapped[Centre | None] = relationship()


class Attendance(Model):
    """One business on one activity's attendance list; the pair is the key, so importing the
    same list again adds nobody twice."""

    __tablename__ = "attendance"
    __table_args__ = (Index("ix_attendance_umkm", "umkm_id"),)

    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), primary_key=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    activity: Mapped[Activity] = relationship()
    umkm: Mapped[Umkm] = relationship()


class Outcome(Model):
    """Something a business got: financing (with its amount), a certificate, a permit, an NIB,
    a marketplace shop, an export; optionally tied to the activity or collaboration behind it."""

    __tablename__ = "outcomes"
    __table_args__ = (
        one_of("type", OutcomeType),
        # Financing has an amount and nothing else does.
        CheckConstraint("(type = 'financing') = (amount_idr IS NOT NULL)", name="amount_iff_financing"),
        CheckConstraint("amount_idr IS NULL OR amount_idr > 0", name="amount_positive"),
        Index("ix_outcomes_date", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), index=True)
    type: Mapped[str] = mapped_column(String(24))
    date: Mapped[date]
    amount_idr: Mapped[int | None] = mapped_column(BigInteger)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"), index=True)
    collaboration_id: Mapped[int | None] = mapped_column(ForeignKey("collaborations.id"), index=True)
    # The centre that recorded it: the outcome's place in the statistics when no collaboration says.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    umkm: Mapped[Umkm] = relationship()
