"""What each kind of audit event is called where people read the audit trail: its label, not
its code (`review.assigned` is "Review assigned")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "activation.checklist": _("Service Activation checklist changed"),
    "activation.started": _("Service Activation started"),
    "activation.step": _("Service Activation step confirmed"),
    "api_token.created": _("API token made"),
    "api_token.revoked": _("API token revoked"),
    "answer.confirmed": _("Answer confirmed after a new version"),
    "answer.conflict_resolved": _("Editing conflict resolved"),
    "answer.saved": _("Answer saved"),
    "approval.decided": _("Approval decided"),
    "approval.scheduled": _("Approval scheduled"),
    "checks.rerun": _("Automated checks run again"),
    "clarification.answered": _("Clarification answered"),
    "clarification.drafted": _("Clarification drafted"),
    "clarification.sent": _("Clarifications sent"),
    "code_body_membership.changed": _("Code Body role changed"),
    "evidence.justified": _("Personal data in evidence explained"),
    "evidence.relied_on": _("Evidence relied on"),
    "evidence.replaced": _("Evidence replaced"),
    "evidence.unlinked": _("Evidence removed from a question"),
    "evidence.uploaded": _("Evidence uploaded"),
    "evidence.changed": _("Evidence details changed"),
    "membership.added": _("Role in an organisation given"),
    "membership.removed": _("Role in an organisation removed"),
    "organisation.mpid_added": _("MPID added"),
    "organisation.registered": _("Organisation registered"),
    "outcome.recorded": _("Criterion outcome recorded"),
    "pack.created": _("Evidence pack published"),
    "pack.granted": _("Evidence pack shared"),
    "pack.item_added": _("File added to an evidence pack"),
    "person.activated": _("Account reactivated"),
    "person.deactivated": _("Account deactivated"),
    "person.invited": _("Person invited"),
    "person.joined": _("Invitation accepted"),
    "person.portal_admin": _("Made a portal admin"),
    "pqs.accepted": _("Pre-Qualification Submission accepted"),
    "pqs.returned": _("Pre-Qualification Submission returned"),
    "pqs.saved": _("Pre-Qualification Submission saved"),
    "pqs.submitted": _("Pre-Qualification Submission submitted"),
    "qualification.moved": _("Qualification moved on"),
    "qualification.moved_version": _("Moved to a new QAD version"),
    "qualification.started": _("Qualification started"),
    "report.requested": _("Report requested"),
    "review.assigned": _("Review assigned"),
    "review.completed": _("Assessment complete"),
    "review.criteria_moved": _("Review moved to new criteria"),
    "review.reopened": _("Assessment opened again"),
    "role.activated": _("Role activated"),
    "role.qualified": _("Role qualified"),
    "sms_exemption.decided": _("Smart Meter Segment exemption decided"),
    "submission.submitted": _("QAD submitted"),
    "submission.under_review": _("QAD under review"),
    "submission.clarification_requested": _("Clarification requested"),
    "submission.agreed_complete": _("QAD agreed complete"),
    "submission.signed": _("QAD signed"),
    "two_factor.enabled": _("Two-factor sign-in set up"),
    "version.loaded": _("Version loaded"),
    "version.published": _("Version published"),
    "version.published_without_criteria": _("Version published without some criteria"),
    "workoff.exception": _("Work-off exception agreed"),
    "workoff.saved": _("Work-off item saved"),
}


def audit_kind_label(kind: str) -> str:
    """The label of an audit event's kind; a kind without one is written out in words."""
    label = LABELS.get(kind)
    if label is not None:
        return str(label)
    return kind.replace(".", ": ").replace("_", " ").capitalize()
