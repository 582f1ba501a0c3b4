"""Reference data held in the database: provinces, regencies and the seven PLUT service areas."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from mitra.extensions import Model
from mitra.models.enums import INDONESIAN_ZONES, one_of


class Province(Model):
    __tablename__ = "provinces"
    __table_args__ = (
        one_of("iana_zone", INDONESIAN_ZONES),
        one_of("zone", ("WIB", "WITA", "WIT")),
    )

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # Kemendagri code
    name: Mapped[str] = mapped_column(String(80), unique=True)
    capital: Mapped[str] = mapped_column(String(80))
    zone: Mapped[str] = mapped_column(String(4))  # WIB, WITA, WIT
    iana_zone: Mapped[str] = mapped_column(String(40))


class Regency(Model):
    """A regency (kabupaten) or city (kota), by its 4-digit Kemendagri code: 514 of them."""

    __tablename__ = "regencies"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)


class ServiceArea(Model):
    __tablename__ = "service_areas"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(unique=True)
    name_id: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))


# The seven bidang layanan of every PLUT-KUMKM, in the programme's own order.
SERVICE_AREAS = (
    ("kelembagaan", "Kelembagaan", "Institutional"),
    ("sdm", "Sumber Daya Manusia", "Human resources"),
    ("produksi", "Produksi", "Production"),
    ("pembiayaan", "Pembiayaan", "Financing"),
    ("pemasaran", "Pemasaran", "Marketing"),
    ("teknologi_informasi", "Teknologi Informasi", "Information technology"),
    ("jaringan_kerja_sama", "Jaringan Kerja Sama", "Partnership networking"),
)
