from django.db import models
from django.utils.translation import gettext_lazy as _


class Route(models.TextChoices):
    SIT = "SIT", _("Systems Integration Testing (SIT)")
    QT = "QT", _("Non-SIT Qualification Testing")
    NON_SIT_LDSO = "NON_SIT_LDSO", _("Non-SIT LDSO")
    NEW_ENTRANT_LDSO = "NEW_ENTRANT_LDSO", _("New-entrant LDSO")
    ENDURING = "ENDURING", _("Enduring process")

    @classmethod
    def needs_pre_qualification(cls, route: str, *, places_reliance: bool) -> bool:
        """Non-SIT Suppliers and agents always submit a PQS; a new-entrant LDSO only when
        it places reliance; SIT participants and non-SIT LDSOs never."""
        if route in (cls.QT, cls.ENDURING):
            return True
        if route == cls.NEW_ENTRANT_LDSO:
            return places_reliance
        return False


class QualificationCondition(models.TextChoices):
    """Facts about a qualification that make conditional QAD questions apply."""

    PLACES_RELIANCE = "places_reliance", _("Places reliance on another party's testing")
    SMS_EXEMPTION_REQUESTED = (
        "sms_exemption_requested",
        _("Smart Meter Segment exemption requested"),
    )
    WORK_OFF_OPEN = "work_off_open", _("Has work-off items still open")


class QualificationState(models.TextChoices):
    PRE_QUALIFICATION = "pre_qualification", _("Pre-qualification")
    TESTING = "testing", _("Testing and Initial QAD")
    FINAL_QAD = "final_qad", _("Final QAD")
    AWAITING_SIGNATURE = "awaiting_signature", _("Agreed complete, awaiting signature")
    AWAITING_APPROVAL = "awaiting_approval", _("Signed, awaiting approval")
    QUALIFIED = "qualified", _("Qualified")
    SERVICE_ACTIVATION = "service_activation", _("Service activation")
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NON_COMPLETION = "non_completion", _("Non-completion")
    REQUALIFICATION_REQUIRED = "requalification_required", _("Re-qualification required")


class MembershipRole(models.TextChoices):
    CONTRIBUTOR = "contributor", _("Contributor")
    SIGNATORY = "signatory", _("Signatory")
    ORG_ADMIN = "org_admin", _("Organisation admin")


class SignatoryCapacity(models.TextChoices):
    DIRECTOR = "director", _("Company Director")
    DELEGATE = "delegate", _("Delegate (REC-only roles)")


class CodeBodyRole(models.TextChoices):
    ASSESSOR = "assessor", _("Assessor")
    LEAD_ASSESSOR = "lead_assessor", _("Lead assessor")
    REVIEWER = "reviewer", _("Reviewer (read only)")


class ContactPurpose(models.TextChoices):
    PRIMARY = "primary", _("Primary contact")
    TESTING = "testing", _("Testing lead")
    TECHNICAL = "technical", _("Technical contact")
    ESCALATION = "escalation", _("Escalation contact")


class ApprovalOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    SCHEDULED = "scheduled", _("Scheduled for a board meeting")
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", _("Approved with conditions")
    DEFERRED = "deferred", _("Deferred")
    REJECTED = "rejected", _("Rejected")


class DeadlineStage(models.TextChoices):
    PQS = "pqs", _("Pre-Qualification Submission")
    INITIAL_QAD = "initial_qad", _("Initial QAD")
    FINAL_QAD = "final_qad", _("Final QAD")


class PreQualificationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for changes")


class PitApproach(models.TextChoices):
    IN_HOUSE = "in_house", _("In-house PIT on our own systems")
    SERVICE_PROVIDER = "service_provider", _("PIT run with our service provider")
    RELIANCE = "reliance", _("PIT evidence relied on from another party")
