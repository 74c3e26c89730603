"""Approval of Qualification, per market role and per approving Code Body, and the SMS
exemption decisions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessment.models import SmsExemptionDecision
from assessment.rules import SMS_EXEMPTION_DECIDERS, can_decide, is_lead
from assessment.services.activation import activation_start, qualification_active_if_ready
from qad.notifications import notify
from qualification.audit import audit_record
from qualification.enums import ApprovalOutcome, QualificationState
from qualification.models import CodeBody, Qualification, QualificationRole, RoleApproval, User
from qualification.services import qualification_transition
from qualification.text_limits import text_within

DECIDED = (
    ApprovalOutcome.APPROVED,
    ApprovalOutcome.APPROVED_WITH_CONDITIONS,
    ApprovalOutcome.DEFERRED,
    ApprovalOutcome.REJECTED,
)
APPROVING = (ApprovalOutcome.APPROVED, ApprovalOutcome.APPROVED_WITH_CONDITIONS)


def _decidable(approval: RoleApproval, by: User) -> Qualification:
    if not can_decide(by, approval):
        raise PermissionDenied(
            _("Only a lead assessor of %(body)s records its decision.")
            % {"body": approval.code_body.code}
        )
    qualification = approval.qualification_role.qualification
    if qualification.state != QualificationState.AWAITING_APPROVAL:
        raise ValidationError(_("Approval is decided after the Final QAD is signed."))
    if approval.outcome in (
        ApprovalOutcome.APPROVED,
        ApprovalOutcome.APPROVED_WITH_CONDITIONS,
        ApprovalOutcome.REJECTED,
    ):
        raise ValidationError(_("This approval has already been decided."))
    return qualification


def role_qualified(role: QualificationRole, approvals: list[RoleApproval] | None = None) -> bool:
    """A role is Qualified once every Code Body that approves it has approved it (with or
    without conditions): `approval_decide` then records the day in `qualified_on`. Pass the
    role's approvals when they are already loaded."""
    approvals = list(role.approvals.all()) if approvals is None else approvals
    return (
        role.qualified_on is not None
        and bool(approvals)
        and all(a.outcome in APPROVING for a in approvals)
    )


def approval_schedule(
    *, approval: RoleApproval, meeting_date: dt.date, by: User, conditions: str = ""
) -> RoleApproval:
    """The BSC decides at a Performance Assurance Board meeting: schedule it first. The
    conditions the assessors propose, if any, go to the board in its pack; the board's
    decision records the conditions it settles on."""
    qualification = _decidable(approval, by)
    if not approval.code_body.decides_at_meeting:
        raise ValidationError(
            _("%(body)s decides directly, without a board meeting.")
            % {"body": approval.code_body.code}
        )
    if meeting_date < timezone.localdate():
        raise ValidationError(_("Choose a meeting date that is not in the past."))
    with transaction.atomic():
        approval.outcome = ApprovalOutcome.SCHEDULED
        approval.meeting_date = meeting_date
        approval.conditions = conditions.strip()
        approval.save(update_fields=["outcome", "meeting_date", "conditions"])
        audit_record(
            kind="approval.scheduled",
            actor=by,
            summary=f"{approval.qualification_role.market_role.name}: "
            f"{approval.code_body.approver_name} meeting on {meeting_date:%d %b %Y}",
            qualification=qualification,
            target=approval,
            after={"meeting_date": meeting_date.isoformat(), "conditions": approval.conditions},
        )
    return approval


def approval_decision_check(
    *, approval: RoleApproval, outcome: str, by: User, reason: str = "", conditions: str = ""
) -> Qualification:
    """Whether this person may record this decision as it stands, writing nothing: what the
    confirmation step shows has passed every check the recording makes. Returns the
    qualification; raises PermissionDenied or ValidationError with the person's message."""
    qualification = _decidable(approval, by)
    if outcome not in DECIDED:
        raise ValidationError(_("Choose a decision."))
    if approval.code_body.decides_at_meeting and approval.outcome != ApprovalOutcome.SCHEDULED:
        raise ValidationError(_("Schedule the board meeting before recording its decision."))
    if approval.code_body.decides_at_meeting and timezone.localdate() < approval.meeting_date:
        raise ValidationError(
            _("The %(board)s meets on %(date)s: its decision can be recorded from that day.")
            % {
                "board": approval.code_body.approver_name,
                "date": date_format(approval.meeting_date, "j M Y"),
            }
        )
    if outcome == ApprovalOutcome.APPROVED_WITH_CONDITIONS and not conditions.strip():
        raise ValidationError(_("Write down the conditions."))
    if outcome in (ApprovalOutcome.DEFERRED, ApprovalOutcome.REJECTED) and not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))
    return qualification


def approval_decide(
    *,
    approval: RoleApproval,
    outcome: str,
    by: User,
    reason: str = "",
    conditions: str = "",
    confirmed_by: User | None = None,
) -> RoleApproval:
    """Record a Code Body's decision on one role. A role is Qualified when every approver it
    needs has approved; the qualification is Qualified when every role is. `confirmed_by`:
    the person who confirmed it after reading it back (the portal's pages always ask)."""
    qualification = approval_decision_check(
        approval=approval, outcome=outcome, by=by, reason=reason, conditions=conditions
    )
    with transaction.atomic():
        before = approval.outcome
        approval.outcome = outcome
        approval.reason = reason.strip()
        approval.conditions = conditions.strip()
        approval.decided_by = by
        approval.decided_at = timezone.now()
        approval.save()
        role = approval.qualification_role
        audit_record(
            kind="approval.decided",
            actor=by,
            summary=f"{role.market_role.name}: {approval.code_body.approver_name} "
            f"{approval.get_outcome_display().lower()}",
            qualification=qualification,
            target=approval,
            before=before,
            after={
                "outcome": outcome,
                "reason": approval.reason,
                "conditions": approval.conditions,
                **({"confirmed_by": confirmed_by.email} if confirmed_by else {}),
            },
        )
        notify("approved", approval_id=approval.pk)
        if all(a.outcome in APPROVING for a in role.approvals.all()) and not role.qualified_on:
            role.qualified_on = timezone.localdate()
            role.save(update_fields=["qualified_on"])
            audit_record(
                kind="role.qualified",
                actor=None,
                summary=f"{role.market_role.name} Qualified",
                qualification=qualification,
                target=role,
            )
            # Its Service Activation starts now, whatever the organisation's other roles wait for.
            activation_start(role)
        roles = list(qualification.roles.all())
        if all(r.qualified_on for r in roles):
            qualification_transition(
                qualification=qualification,
                target=QualificationState.QUALIFIED,
                actor=None,
                note="Every approver has approved every role",
            )
            qualification_transition(
                qualification=qualification,
                target=QualificationState.SERVICE_ACTIVATION,
                actor=None,
            )
            qualification_active_if_ready(qualification)
    return approval


def sms_exemption_record(
    *,
    qualification: Qualification,
    code_body: CodeBody,
    decided_on: dt.date,
    reference: str,
    by: User,
) -> SmsExemptionDecision:
    """Record (or correct) the BSC PAB's or the REC's decision on the Smart Meter Segment
    exemption a Supplier asked for: when it was taken and its reference (a paper, a minute).
    Only a lead assessor of that Code Body records it; who did, and what it replaced, is
    audited."""
    if code_body.code not in SMS_EXEMPTION_DECIDERS:
        raise ValidationError(
            _("The SMS exemption is decided by the BSC PAB and the REC, not %(body)s.")
            % {"body": code_body.code}
        )
    if not is_lead(by, code_body):
        raise PermissionDenied(
            _("Only a %(body)s lead assessor records its SMS exemption decision.")
            % {"body": code_body.code}
        )
    if not qualification.sms_exemption_requested:
        raise ValidationError(
            _("This qualification has not asked for the Smart Meter Segment exemption.")
        )
    reference = reference.strip()
    if not reference:
        raise ValidationError(_("Give the decision's reference, e.g. the paper or minute."))
    text_within(reference, limit=100, what=_("A reference"))
    if decided_on > timezone.localdate():
        raise ValidationError(_("A decision cannot be dated after today."))
    with transaction.atomic():
        existing = (
            SmsExemptionDecision.objects.select_for_update()
            .filter(qualification=qualification, code_body=code_body)
            .first()
        )
        before = (
            {"decided_on": existing.decided_on.isoformat(), "reference": existing.reference}
            if existing
            else None
        )
        decision = existing or SmsExemptionDecision(
            qualification=qualification, code_body=code_body
        )
        decision.decided_on = decided_on
        decision.reference = reference
        decision.recorded_by = by
        decision.save()
        audit_record(
            kind="sms_exemption.decided",
            actor=by,
            summary=f"{code_body.code} SMS exemption decision of "
            f"{date_format(decided_on, 'j M Y')} recorded ({decision.reference})",
            qualification=qualification,
            target=decision,
            before=before,
            after={"decided_on": decided_on.isoformat(), "reference": decision.reference},
        )
    return decision
