"""The domain model; importing this package registers every table on the shared MetaData."""

from mitra.models.api import ApiToken, IdempotentRequest, ThrottleCounter, ThrottleScope
from mitra.models.audit import AuditEntry
from mitra.models.collaboration import Activity, Agreement, Collaboration, Partnership
from mitra.models.enums import (
    ActivityStatus,
    ActivityType,
    AgreementKind,
    AttachmentKind,
    CentreStatus,
    CentreTier,
    CollaborationStatus,
    EmailPreference,
    Language,
    OutcomeType,
    PartnerScope,
    PartnershipStatus,
    PartnerType,
    Role,
    UmkmScale,
)
from mitra.models.evidence import Attachment, Attendance, Outcome, Umkm
from mitra.models.notifications import (
    JobRun,
    JobRunStatus,
    Milestone,
    Notification,
    Reminder,
    ReminderStatus,
)
from mitra.models.organisations import Centre, Partner
from mitra.models.reference import SERVICE_AREAS, Province, Regency, ServiceArea
from mitra.models.statistics import ActivityTotal, AnswerTime, CollaborationCount, OutcomeTotal, UmkmAssisted
from mitra.models.user import User

__all__ = [
    "Attachment",
    "AttachmentKind",
    "Attendance",
    "Outcome",
    "OutcomeTotal",
    "OutcomeType",
    "Regency",
    "Umkm",
    "UmkmAssisted",
    "UmkmScale",
    "Activity",
    "ActivityStatus",
    "ActivityTotal",
    "ActivityType",
    "Agreement",
    "AgreementKind",
    "AnswerTime",
    "ApiToken",
    "AuditEntry",
    "Centre",
    "CentreStatus",
    "CentreTier",
    "Collaboration",
    "CollaborationCount",
    "CollaborationStatus",
    "EmailPreference",
    "IdempotentRequest",
    "JobRun",
    "JobRunStatus",
    "Language",
    "Milestone",
    "Notification",
    "Partner",
    "PartnerScope",
    "PartnerType",
    "Partnership",
    "PartnershipStatus",
    "Province",
    "Reminder",
    "ReminderStatus",
    "Role",
    "SERVICE_AREAS",
    "ServiceArea",
    "ThrottleCounter",
    "ThrottleScope",
    "User",
]
