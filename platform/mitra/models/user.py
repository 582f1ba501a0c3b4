"""People who log in, each bound to the ministry, one centre or one partner."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mitra.extensions import Model
from mitra.models.enums import INDONESIAN_ZONES, EmailPreference, Language, Role, one_of
from mitra.models.mixins import Timestamps
from mitra.models.organisations import Centre, Partner


class User(Timestamps, Model):
    __tablename__ = "users"
    __table_args__ = (
        one_of("role", Role),
        one_of("language", Language),
        one_of("zone", INDONESIAN_ZONES),
        one_of("email_preference", EmailPreference),
        CheckConstraint(
            "(role = 'ministry_admin' AND centre_id IS NULL AND partner_id IS NULL)"
            " OR (role = 'centre_manager' AND centre_id IS NOT NULL AND partner_id IS NULL)"
            " OR (role = 'partner_user' AND partner_id IS NOT NULL AND centre_id IS NULL)",
            name="role_binding",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    language: Mapped[str] = mapped_column(String(2), default=Language.ID)
    zone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    email_preference: Mapped[str] = mapped_column(String(10), default=EmailPreference.IMMEDIATE)
    is_active: Mapped[bool] = mapped_column(default=True)

    centre: Mapped[Centre | None] = relationship()
    partner: Mapped[Partner | None] = relationship()

    @property
    def actor(self) -> str:
        """How the audit trail names this person."""
        return f"user:{self.id}:{self.email}"
