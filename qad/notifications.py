"""E-mails at each hand-over, sent from a Celery task after the change commits: one per
hand-over, whatever pages people reload."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from qad.models import Revision, Submission
from qualification.enums import MembershipRole
from qualification.models import Qualification, RoleApproval, User
from qualification.outbox import enqueue_on_commit


def notify(kind: str, **ids: int) -> None:
    """Send the `kind` e-mail once the current change commits."""
    enqueue_on_commit("qad.notifications.send", kind=kind, **ids)


def notify_submitted(submission: Submission, revision: Revision) -> None:
    notify("submitted", submission_id=submission.pk, revision_id=revision.pk)


def qualification_link(qualification: Qualification) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse(
        "qualification-detail", kwargs={"public_id": qualification.public_id}
    )


def send_to(subject: str, body: str, recipients: list[str]) -> int:
    if not recipients:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, sorted(set(recipients)))


def code_body_recipients(submission: Submission, codes: list[str] | None = None) -> list[str]:
    bodies = codes or list(
        submission.qualification.roles.values_list("market_role__approvers__code", flat=True)
    )
    return list(
        User.objects.filter(
            is_active=True,
            code_body_memberships__code_body__code__in=bodies,
            code_body_memberships__role__in=["assessor", "lead_assessor"],
        ).values_list("email", flat=True)
    )


def participant_recipients(qualification: Qualification, roles=None) -> list[str]:
    members = User.objects.filter(
        is_active=True, memberships__organisation_id=(qualification.organisation_id)
    )
    if roles:
        members = members.filter(memberships__role__in=roles)
    return list(members.values_list("email", flat=True))


def send_submitted(*, submission_id: int, revision_id: int) -> int:
    submission = Submission.objects.select_related("qualification__organisation").get(
        pk=submission_id
    )
    revision = Revision.objects.get(pk=revision_id)
    organisation = submission.qualification.organisation
    subject = (
        f"{organisation.legal_name} submitted its {submission.get_stage_display()} "
        f"(revision {revision.number})"
    )
    body = (
        f"{organisation.legal_name} submitted revision {revision.number} of its "
        f"{submission.get_stage_display()} on {revision.submitted_at:%d %b %Y at %H:%M}.\n\n"
        f"Content hash: {revision.content_hash}\n\n"
        f"Open it in the QAD Portal: {qualification_link(submission.qualification)}\n"
    )
    return send_to(subject, body, code_body_recipients(submission))


def send_clarification_answered(*, submission_id: int, revision_id: int) -> int:
    submission = Submission.objects.select_related("qualification__organisation").get(
        pk=submission_id
    )
    codes = list(submission.clarifications.values_list("code_body__code", flat=True).distinct())
    organisation = submission.qualification.organisation
    subject = f"{organisation.legal_name} answered your clarifications"
    body = (
        f"{organisation.legal_name} answered the clarifications on its "
        f"{submission.get_stage_display()} and submitted a new revision.\n\n"
        f"{qualification_link(submission.qualification)}\n"
    )
    return send_to(subject, body, code_body_recipients(submission, codes))


def send_ready_to_sign(*, submission_id: int) -> int:
    submission = Submission.objects.select_related("qualification__organisation").get(
        pk=submission_id
    )
    qualification = submission.qualification
    subject = "Your Final QAD is agreed complete: ready to sign"
    body = (
        "Every Code Body has agreed your Final QAD is complete. A Company Director (or, for "
        "REC-only roles, a delegate) can now sign it in the portal.\n\n"
        f"{qualification_link(qualification)}\n"
    )
    return send_to(
        subject,
        body,
        participant_recipients(
            qualification, roles=[MembershipRole.SIGNATORY, MembershipRole.ORG_ADMIN]
        ),
    )


def send_approved(*, approval_id: int) -> int:
    approval = RoleApproval.objects.select_related(
        "qualification_role__qualification__organisation",
        "qualification_role__market_role",
        "code_body",
    ).get(pk=approval_id)
    role = approval.qualification_role
    subject = (
        f"{approval.code_body.approver_name}: {approval.get_outcome_display()} for "
        f"{role.market_role.name}"
    )
    body = (
        f"{approval.code_body.approver_name} decided: {approval.get_outcome_display()} for "
        f"{role.market_role.name}"
        + (f" ({role.mpid.code})" if role.mpid_id else "")
        + ".\n"
        + (f"Conditions: {approval.conditions}\n" if approval.conditions else "")
        + (f"Reason: {approval.reason}\n" if approval.reason else "")
        + f"\n{qualification_link(role.qualification)}\n"
    )
    return send_to(subject, body, participant_recipients(role.qualification))


# The e-mails by kind; the apps above add theirs (register_senders) in their AppConfig.ready,
# so that one task sends them all.
SENDERS = {
    "submitted": send_submitted,
    "clarification_answered": send_clarification_answered,
    "ready_to_sign": send_ready_to_sign,
    "approved": send_approved,
}


def register_senders(**senders) -> None:
    """Add the senders of an app above this one, by kind; a kind is sent by one app only."""
    taken = SENDERS.keys() & senders.keys()
    if taken:
        raise ValueError(f"e-mail kinds already sent by another app: {', '.join(sorted(taken))}")
    SENDERS.update(senders)
