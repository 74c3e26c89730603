from qualification.models.api_tokens import ApiToken
from qualification.models.audit import (
    AuditEvent,
    AuditRecordImmutable,
    OutboxMessage,
)
from qualification.models.participants import (
    MPID_PATTERN,
    CodeBody,
    CodeBodyMembership,
    Contact,
    Invitation,
    MarketRole,
    Membership,
    Mpid,
    Organisation,
)
from qualification.models.qualifications import (
    PreQualification,
    Qualification,
    QualificationRole,
    QualificationTransition,
    RoleApproval,
    Wave,
    WaveDeadline,
)
from qualification.models.users import User, UserManager

__all__ = [
    "MPID_PATTERN",
    "ApiToken",
    "AuditEvent",
    "AuditRecordImmutable",
    "CodeBody",
    "CodeBodyMembership",
    "Contact",
    "Invitation",
    "MarketRole",
    "Membership",
    "Mpid",
    "Organisation",
    "OutboxMessage",
    "PreQualification",
    "Qualification",
    "QualificationRole",
    "QualificationTransition",
    "RoleApproval",
    "User",
    "UserManager",
    "Wave",
    "WaveDeadline",
]
