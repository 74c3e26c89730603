"""E-mails at hand-overs, sent from a Celery task after the change commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from qad.models import Revision, Submission
from qualification.models import User
from qualification.tasking import enqueue_on_commit


def code_body_recipients(submission: Submission) -> list[str]:
    bodies = submission.qualification.roles.values_list("market_role__approvers__code", flat=True)
    return sorted(
        set(
            User.objects.filter(
                is_active=True, code_body_memberships__code_body__code__in=list(bodies)
            ).values_list("email", flat=True)
        )
    )


def notify_submitted(submission: Submission, revision: Revision) -> None:
    from qad.tasks import send_notification

    enqueue_on_commit(
        send_notification,
        kind="submitted",
        submission_id=submission.pk,
        revision_id=revision.pk,
    )


def send_submitted(*, submission_id: int, revision_id: int) -> int:
    submission = Submission.objects.select_related("qualification__organisation").get(
        pk=submission_id
    )
    revision = Revision.objects.get(pk=revision_id)
    recipients = code_body_recipients(submission)
    if not recipients:
        return 0
    organisation = submission.qualification.organisation
    link = settings.PORTAL_URL.rstrip("/") + reverse(
        "qualification-detail", kwargs={"public_id": submission.qualification.public_id}
    )
    subject = (
        f"{organisation.legal_name} submitted its {submission.get_stage_display()} "
        f"(revision {revision.number})"
    )
    body = (
        f"{organisation.legal_name} submitted revision {revision.number} of its "
        f"{submission.get_stage_display()} on {revision.submitted_at:%d %b %Y at %H:%M}.\n\n"
        f"Content hash: {revision.content_hash}\n\nOpen it in the QAD Portal: {link}\n"
    )
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
