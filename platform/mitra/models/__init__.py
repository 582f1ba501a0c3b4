"""The domain model; importing this package registers every table on the shared MetaData."""

from mitra.models.audit import AuditEntry
from mitra.models.collaboration import Activity, Agreement, Collaboration, Partnership
from mitra.models.enums import (
    ActivityStatus,
    ActivityType,
    AgreementKind,
    CentreStatus,
    CentreTier,
    CollaborationStatus,
    EmailPreference,
    Language,
    PartnerScope,
    PartnershipStatus,
    PartnerType,
    Role,
)
from mitra.models.organisations import Centre, Partner
from mitra.models.reference import SERVICE_AREAS, Province, ServiceArea
from mitra.models.user import User

__all__ = [
    "Activity",
    "ActivityStatus",
    "ActivityType",
    "Agreement",
    "AgreementKind",
    "AuditEntry",
    "Centre",
    "CentreStatus",
    "CentreTier",
    "Collaboration",
    "CollaborationStatus",
    "EmailPreference",
    "Language",
    "Partner",
    "PartnerScope",
    "PartnerType",
    "Partnership",
    "PartnershipStatus",
    "Province",
    "Role",
    "SERVICE_AREAS",
    "ServiceArea",
    "User",
]
