"""E-mails at each hand-over, sent from a Celery task after the change commits: one per
hand-over, whatever pages people reload."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from qad.models import Revision, Submission
from qualification.emails import email_send, portal_link
from qualification.enums import MembershipRole
from qualification.models import Qualification, RoleApproval, User
from qualification.outbox import enqueue_on_commit


def notify(kind: str, **ids: int) -> None:
    """Send the `kind` e-mail once the current change commits."""
    enqueue_on_commit("qad.notifications.send", kind=kind, **ids)


def notify_submitted(submission: Submission, revision: Revision) -> None:
    notify("submitted", submission_id=submission.pk, revision_id=revision.pk)


def qualification_link(qualification: Qualification) -> str:
    return portal_link(
        reverse("qualification-detail", kwargs={"public_id": qualification.public_id})
    )


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
    return email_send(
        "submitted",
        {
            "organisation": submission.qualification.organisation.legal_name,
            "stage": submission.get_stage_display(),
            "number": revision.number,
            "submitted_at": timezone.localtime(revision.submitted_at),
            "content_hash": revision.content_hash,
            "link": qualification_link(submission.qualification),
        },
        code_body_recipients(submission),
    )


def send_clarification_answered(*, submission_id: int, revision_id: int) -> int:
    submission = Submission.objects.select_related("qualification__organisation").get(
        pk=submission_id
    )
    codes = list(submission.clarifications.values_list("code_body__code", flat=True).distinct())
    return email_send(
        "clarification_answered",
        {
            "organisation": submission.qualification.organisation.legal_name,
            "stage": submission.get_stage_display(),
            "link": qualification_link(submission.qualification),
        },
        code_body_recipients(submission, codes),
    )


def send_ready_to_sign(*, submission_id: int) -> int:
    submission = Submission.objects.select_related("qualification__organisation").get(
        pk=submission_id
    )
    return email_send(
        "ready_to_sign",
        {"link": portal_link(reverse("submission-sign", args=[submission.public_id]))},
        participant_recipients(
            submission.qualification, roles=[MembershipRole.SIGNATORY, MembershipRole.ORG_ADMIN]
        ),
    )


def send_approved(*, approval_id: int) -> int:
    approval = RoleApproval.objects.select_related(
        "qualification_role__qualification__organisation",
        "qualification_role__market_role",
        "qualification_role__mpid",
        "code_body",
    ).get(pk=approval_id)
    role = approval.qualification_role
    return email_send(
        "approved",
        {
            "approver": approval.code_body.approver_name,
            "outcome": approval.get_outcome_display(),
            "role": role.market_role.name,
            "mpid": role.mpid.code if role.mpid_id else "",
            "conditions": approval.conditions,
            "reason": approval.reason,
            "link": qualification_link(role.qualification),
        },
        participant_recipients(role.qualification),
    )


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
