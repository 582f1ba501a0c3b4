"""The closed vocabularies of the domain; the database holds each as a CHECK constraint."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint


class CentreTier(StrEnum):
    REGULER = "reguler"
    PREMIUM = "premium"


class CentreStatus(StrEnum):
    OPERATIONAL = "operational"
    UNDER_CONSTRUCTION = "under_construction"
    REVITALISING = "revitalising"
    REVITALISED = "revitalised"  # rebuilt or given a new building, and open again


class PartnerType(StrEnum):
    BUMN = "bumn"
    BANK = "bank"
    TELCO = "telco"
    MARKETPLACE = "marketplace"
    RIDE_HAILING = "ride_hailing"
    UNIVERSITY = "university"
    ASSOCIATION = "association"
    CORPORATE = "corporate"
    HOTEL = "hotel"
    MEDIA = "media"
    NGO = "ngo"
    GOVERNMENT = "government"
    INTERNATIONAL = "international"


class PartnerScope(StrEnum):
    NATIONAL = "national"
    LOCAL = "local"


class Role(StrEnum):
    MINISTRY_ADMIN = "ministry_admin"
    CENTRE_MANAGER = "centre_manager"
    PARTNER_USER = "partner_user"


class Language(StrEnum):
    ID = "id"
    EN = "en"


class EmailPreference(StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"


class PartnershipStatus(StrEnum):
    PROSPECT = "prospect"
    ACTIVE = "active"
    DORMANT = "dormant"
    ENDED = "ended"


class AgreementKind(StrEnum):
    MOU = "mou"
    PKS = "pks"


class CollaborationStatus(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    INFO_REQUESTED = "info_requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ActivityType(StrEnum):
    TRAINING = "training"
    MENTORING = "mentoring"
    CONSULTATION = "consultation"
    BUSINESS_MATCHING = "business_matching"
    EXHIBITION = "exhibition"
    CERTIFICATION = "certification"
    OTHER = "other"


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class AttachmentKind(StrEnum):
    AGREEMENT = "agreement"  # the signed MoU/PKS
    ATTENDANCE = "attendance"
    PHOTO = "photo"
    REPORT = "report"
    OTHER = "other"


class UmkmScale(StrEnum):
    """The scale of a business (UU 20/2008, PP 7/2021)."""

    MIKRO = "mikro"
    KECIL = "kecil"
    MENENGAH = "menengah"


class OutcomeType(StrEnum):
    FINANCING = "financing"  # the only type with an amount, in rupiah
    HALAL_CERTIFICATE = "halal_certificate"
    SNI_CERTIFICATE = "sni_certificate"
    BPOM_PERMIT = "bpom_permit"
    NIB_ISSUED = "nib_issued"
    MARKETPLACE_ONBOARDING = "marketplace_onboarding"
    EXPORT = "export"
    OTHER = "other"


INDONESIAN_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")


def one_of(column: str, values, name: str | None = None) -> CheckConstraint:
    """CHECK (column IN (...)) named after the column, for a StrEnum or a tuple of strings."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or f"{column}_valid")
