"""The e-mails of a review's hand-overs: an assessor assigned, clarifications asked. Sent by
the notification task of the QAD app (`qad.notifications.notify`), which they are registered
with in AssessmentConfig.ready."""

from __future__ import annotations

from django.urls import reverse

from assessment.models import Review
from qad.notifications import participant_recipients
from qualification.emails import email_send, portal_link
from qualification.models import User


def send_assigned(*, review_id: int, assignee_id: int) -> int:
    review = Review.objects.select_related(
        "submission__qualification__organisation", "code_body"
    ).get(pk=review_id)
    assignee = User.objects.get(pk=assignee_id)
    return email_send(
        "assigned",
        {
            "code_body": review.code_body.code,
            "organisation": review.submission.qualification.organisation.legal_name,
            "stage": review.submission.get_stage_display(),
            "link": portal_link(review.get_absolute_url()),
        },
        [assignee.email],
    )


def send_clarification_requested(*, review_id: int) -> int:
    review = Review.objects.select_related(
        "submission__qualification__organisation", "code_body"
    ).get(pk=review_id)
    submission = review.submission
    return email_send(
        "clarification_requested",
        {
            "code_body": review.code_body.code,
            "code_body_name": review.code_body.name,
            "stage": submission.get_stage_display(),
            "link": portal_link(reverse("submission-detail", args=[submission.public_id])),
        },
        participant_recipients(submission.qualification),
    )


SENDERS = {
    "assigned": send_assigned,
    "clarification_requested": send_clarification_requested,
}
