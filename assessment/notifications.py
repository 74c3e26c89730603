"""The e-mails of a review's hand-overs: an assessor assigned, clarifications asked. Sent by
the notification task of the QAD app (`qad.notifications.notify`), which they are registered
with in AssessmentConfig.ready."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from assessment.models import Review
from qad.notifications import participant_recipients, qualification_link, send_to
from qualification.models import User


def send_assigned(*, review_id: int, assignee_id: int) -> int:
    review = Review.objects.select_related(
        "submission__qualification__organisation", "code_body"
    ).get(pk=review_id)
    assignee = User.objects.get(pk=assignee_id)
    organisation = review.submission.qualification.organisation
    subject = f"Assigned to you: {organisation.legal_name}, {review.submission.get_stage_display()}"
    body = (
        f"You have been assigned the {review.code_body.code} review of "
        f"{organisation.legal_name}'s {review.submission.get_stage_display()}.\n\n"
        f"{settings.PORTAL_URL.rstrip('/')}"
        f"{reverse('review-detail', kwargs={'public_id': review.public_id})}\n"
    )
    return send_to(subject, body, [assignee.email])


def send_clarification_requested(*, review_id: int) -> int:
    review = Review.objects.select_related(
        "submission__qualification__organisation", "code_body"
    ).get(pk=review_id)
    qualification = review.submission.qualification
    subject = (
        f"{review.code_body.code} asks for clarification on your "
        f"{review.submission.get_stage_display()}"
    )
    body = (
        f"The {review.code_body.name} has questions about your "
        f"{review.submission.get_stage_display()}. Answer each one in the portal; only the "
        f"questions asked about are open for changes.\n\n{qualification_link(qualification)}\n"
    )
    return send_to(subject, body, participant_recipients(qualification))


SENDERS = {
    "assigned": send_assigned,
    "clarification_requested": send_clarification_requested,
}
