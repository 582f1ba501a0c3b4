"""The two kinds of organisation Mitra connects: PLUT-KUMKM centres and partners."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mitra.extensions import Model
from mitra.models.enums import (
    INDONESIAN_ZONES,
    CentreStatus,
    CentreTier,
    PartnerScope,
    PartnerType,
    one_of,
)
from mitra.models.mixins import Timestamps
from mitra.models.reference import Province


class Centre(Timestamps, Model):
    """A PLUT-KUMKM: one per regency or city, or a province-level unit in the capital."""

    __tablename__ = "centres"
    __table_args__ = (
        one_of("tier", CentreTier),
        one_of("status", CentreStatus),
        one_of("zone", INDONESIAN_ZONES),
        CheckConstraint("established_year BETWEEN 2013 AND 2100", name="established_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique handle: the Kemendagri regency code, suffixed "-P" for a province-level PLUT.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    region_code: Mapped[str] = mapped_column(String(4), index=True)  # Kemendagri regency code
    name: Mapped[str] = mapped_column(String(120))
    regency_name: Mapped[str] = mapped_column(String(80))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    zone: Mapped[str] = mapped_column(String(40))  # IANA zone: "today" and "08:00" are local
    tier: Mapped[str] = mapped_column(String(12), default=CentreTier.REGULER)
    status: Mapped[str] = mapped_column(String(20), default=CentreStatus.OPERATIONAL)
    established_year: Mapped[int | None]
    funding: Mapped[str | None] = mapped_column(String(120))

    province: Mapped[Province] = relationship(lazy="joined")


class Partner(Timestamps, Model):
    """An organisation that collaborates with centres: national ones with many at once."""

    __tablename__ = "partners"
    __table_args__ = (one_of("type", PartnerType), one_of("scope", PartnerScope))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    type: Mapped[str] = mapped_column(String(20), index=True)
    scope: Mapped[str] = mapped_column(String(10), default=PartnerScope.NATIONAL)
    # A local partner is registered by one centre; national ones by the ministry.
    registered_by_centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id", ondelete="SET NULL"))
