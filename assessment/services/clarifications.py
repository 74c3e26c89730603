"""Clarifications: a Code Body asks about a question, the participant answers in the same
thread, and only that question reopens for editing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Clarification, ClarificationMessage
from qad.enums import SubmissionState
from qad.models import Answer, Question, Submission
from qad.rules import is_participant
from qad.selectors import submitted_revision
from qad.services.submissions import revision_open_for_clarifications, submission_transition
from qualification.audit import audit_record
from qualification.models import CodeBody, User
from qualification.rules import code_body_roles

# A Code Body may ask while the participant is answering another Code Body's clarifications:
# its questions reopen in the revision being prepared.
ASSESSABLE = (
    SubmissionState.SUBMITTED,
    SubmissionState.UNDER_REVIEW,
    SubmissionState.CLARIFICATION_REQUESTED,
)


def _require_assessor(user: User, code_body: CodeBody) -> None:
    if code_body.code not in code_body_roles(user):
        raise PermissionDenied(_("Only %(body)s assessors can do this.") % {"body": code_body})


def clarification_raise(
    *, submission: Submission, question: Question, code_body: CodeBody, text: str, by: User
) -> Clarification:
    """Draft a clarification; it reaches the participant when the review's clarifications are
    sent together."""
    _require_assessor(by, code_body)
    if code_body.code not in question.assessed_by:
        raise PermissionDenied(
            _("%(body)s does not assess question %(ref)s.")
            % {"body": code_body.code, "ref": question.ref}
        )
    if submission.state not in ASSESSABLE:
        raise ValidationError(_("Clarifications can be raised only on a submission in review."))
    if not text.strip():
        raise ValidationError(_("Say what needs clarifying."))
    # Raised on what the Code Body read: the submitted revision, not a draft being prepared.
    revision = submitted_revision(submission)
    with transaction.atomic():
        clarification = Clarification.objects.create(
            submission=submission,
            question=question,
            code_body=code_body,
            raised_in=revision,
            raised_by=by,
        )
        ClarificationMessage.objects.create(
            clarification=clarification, author=by, text=text.strip(), from_code_body=True
        )
        audit_record(
            kind="clarification.drafted",
            actor=by,
            summary=f"{code_body.code} clarification on {question.ref} drafted",
            qualification=submission.qualification,
            target=clarification,
            section_ref=question.section.ref,
            after=text.strip(),
        )
    return clarification


def clarifications_send(*, submission: Submission, code_body: CodeBody, by: User) -> int:
    """Send every drafted clarification of one Code Body in one request; reopen exactly their
    questions for the participant in a new revision, or in the revision the participant is
    already preparing in answer to another Code Body: all are answered in one resubmission."""
    _require_assessor(by, code_body)
    with transaction.atomic():
        locked = Submission.objects.select_for_update(no_key=True).get(pk=submission.pk)
        drafts = list(
            Clarification.objects.select_for_update().filter(
                submission=locked, code_body=code_body, state=Clarification.State.DRAFT
            )
        )
        if not drafts:
            return 0
        if locked.state not in ASSESSABLE:
            raise ValidationError(_("This submission is not open for review now."))
        now = timezone.now()
        Clarification.objects.filter(pk__in=[c.pk for c in drafts]).update(
            state=Clarification.State.OPEN, sent_at=now
        )
        question_ids = {c.question_id for c in drafts}
        if locked.state == SubmissionState.SUBMITTED:
            submission_transition(
                submission=locked,
                target=SubmissionState.UNDER_REVIEW,
                actor=None,
                note=f"{code_body.code} review started",
            )
            locked.refresh_from_db()
        if locked.state == SubmissionState.UNDER_REVIEW:
            submission_transition(
                submission=locked,
                target=SubmissionState.CLARIFICATION_REQUESTED,
                actor=None,
                note=f"{len(drafts)} clarification(s) from {code_body.code} sent by {by}",
            )
            revision_open_for_clarifications(submission=locked, reopened_question_ids=question_ids)
        else:
            # Clarification requested: another Code Body's clarifications already opened the
            # revision the participant is preparing; reopen these questions in it too.
            current = locked.revisions.order_by("-number").first()
            Answer.objects.filter(revision=current, question_id__in=question_ids).update(
                reopened=True
            )
        audit_record(
            kind="clarification.sent",
            actor=by,
            summary=f"{code_body.code} sent {len(drafts)} clarification(s)",
            qualification=locked.qualification,
            target=locked,
        )
    return len(drafts)


def clarification_answer(*, clarification: Clarification, text: str, by: User) -> Clarification:
    """The participant's reply, kept in the clarification's thread."""
    submission = clarification.submission
    if not is_participant(by, submission):
        raise PermissionDenied(_("Only the participant can answer its clarifications."))
    if clarification.state not in (Clarification.State.OPEN, Clarification.State.ANSWERED):
        raise ValidationError(_("This clarification is not waiting for an answer."))
    if submission.state != SubmissionState.CLARIFICATION_REQUESTED:
        raise ValidationError(_("This clarification can no longer be answered."))
    if not text.strip():
        raise ValidationError(_("Write your answer to the clarification."))
    with transaction.atomic():
        ClarificationMessage.objects.create(
            clarification=clarification, author=by, text=text.strip(), from_code_body=False
        )
        clarification.state = Clarification.State.ANSWERED
        clarification.answered_in = submission.revisions.order_by("-number").first()
        clarification.save(update_fields=["state", "answered_in"])
        audit_record(
            kind="clarification.answered",
            actor=by,
            summary=f"Clarification on {clarification.question.ref} answered",
            qualification=submission.qualification,
            target=clarification,
            section_ref=clarification.question.section.ref,
            after=text.strip(),
        )
    return clarification
