"""Code Body reviews: opening them on submission, assigning, recording outcomes, and
agreeing a submission complete."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import (
    Clarification,
    CriteriaSet,
    Criterion,
    CriterionOutcome,
    Review,
    ReviewAssignment,
    WorkOffItem,
)
from assessment.published import CriteriaOutline, criteria_outline, criteria_set_outline
from assessment.rules import can_assess, is_lead, role_in
from assessment.services.clarifications import clarification_raise, clarifications_send
from qad.enums import SubmissionStage, SubmissionState
from qad.models import Revision, Submission
from qad.notifications import notify
from qad.selectors import submitted_revision
from qad.services.submissions import submission_transition
from qualification.audit import audit_record
from qualification.enums import CodeBodyRole, QualificationState
from qualification.models import CodeBody, User
from qualification.services import qualification_transition

REVIEWABLE = (SubmissionState.SUBMITTED, SubmissionState.UNDER_REVIEW)
# While the participant answers one Code Body's clarifications in a new revision, the other
# Code Bodies go on reviewing the revision that was submitted.
ASSESSABLE = (*REVIEWABLE, SubmissionState.CLARIFICATION_REQUESTED)


def review_open_check(review: Review) -> None:
    """Refuse work on a review that is not open: complete, waiting for the participant to
    answer its clarifications, or on a submission out of review."""
    if review.state == Review.State.AWAITING_PARTICIPANT:
        raise ValidationError(
            _(
                "%(body)s is waiting for the participant to answer its clarifications; "
                "review the answers once they are submitted."
            )
            % {"body": review.code_body.code}
        )
    if review.state == Review.State.COMPLETE or review.submission.state not in ASSESSABLE:
        raise ValidationError(_("This submission is not open for review now."))


def reviews_open(*, submission: Submission, revision: Revision) -> list[Review]:
    """A submitted revision waits for every Code Body that approves one of the roles."""
    bodies = CodeBody.objects.filter(
        approved_roles__in=[r.market_role_id for r in submission.qualification.roles.all()]
    ).distinct()
    reopened = list(
        revision.answers.filter(reopened=True).values_list("question__assessed_by", flat=True)
    )
    reviews = []
    for body in bodies:
        review, _created = Review.objects.get_or_create(submission=submission, code_body=body)
        changed = False
        if review.criteria_set_id is None:
            # The review starts with the Code Body's criteria of the day and keeps them.
            review.criteria_set = criteria_outline(
                code_body_id=body.pk, template_id=submission.template_id
            ).criteria_set
            changed = review.criteria_set is not None
        # A Code Body that had completed looks again only if a question it assesses changed.
        touched = any(body.code in assessed_by for assessed_by in reopened)
        if review.state == Review.State.COMPLETE and touched:
            audit_record(
                kind="review.reopened",
                actor=revision.submitted_by,
                summary=f"{body.code} assessment opened again: revision {revision.number} "
                "changed answers it assesses",
                qualification=submission.qualification,
                target=review,
                before={"state": review.state},
                after={"state": Review.State.WAITING},
            )
        if review.state != Review.State.COMPLETE or touched:
            review.state = Review.State.WAITING
            review.completed_at = None
            review.completed_by = None
            review.waiting_since = revision.submitted_at
            changed = True
        if changed:  # a complete review nothing touched is left as it was
            review.save()
        reviews.append(review)
    return reviews


def _review_criteria(review: Review) -> CriteriaOutline:
    """The criteria the review keeps; the Code Body's current ones while it keeps none (no
    criteria were published when it started)."""
    if review.criteria_set_id is not None:
        return criteria_set_outline(review.criteria_set_id)
    return criteria_outline(
        code_body_id=review.code_body_id, template_id=review.submission.template_id
    )


def criteria_set_for(review: Review) -> CriteriaSet | None:
    return _review_criteria(review).criteria_set


def applicable_criteria(
    review: Review, revision: Revision, *, present: set[int] | None = None
) -> list[Criterion]:
    """The review's criteria that assess at least one question of the revision (`present`:
    the ids of the revision's questions, when the caller has them)."""
    outline = _review_criteria(review)
    if outline.criteria_set is None:
        return []
    if present is None:
        present = set(revision.answers.values_list("question_id", flat=True))
    return [c for c in outline.criteria if {q.pk for q in c.questions.all()} & present]


def review_assign(*, review: Review, assignee: User, by: User) -> Review:
    """A lead assessor assigns (or reassigns); an assessor may pick up unassigned work."""
    if role_in(assignee, review.code_body) not in (
        CodeBodyRole.ASSESSOR,
        CodeBodyRole.LEAD_ASSESSOR,
    ):
        raise ValidationError(
            _("Assign the review to an assessor of %(body)s.") % {"body": review.code_body.code}
        )
    if review.assignee_id == assignee.pk:
        # Nothing changes: no second assignment on record, no second e-mail.
        raise ValidationError(
            _("The review is already assigned to %(name)s.") % {"name": assignee.full_name}
        )
    picking_up = assignee == by and review.assignee_id is None and can_assess(by, review)
    if not (is_lead(by, review.code_body) or picking_up):
        raise PermissionDenied(_("Only a lead assessor can assign reviews."))
    with transaction.atomic():
        previous = review.assignee
        review.assignee = assignee
        review.save(update_fields=["assignee"])
        ReviewAssignment.objects.create(review=review, assignee=assignee, assigned_by=by)
        audit_record(
            kind="review.assigned",
            actor=by,
            summary=f"{review.code_body.code} review assigned to {assignee.full_name}"
            + (f" (was {previous.full_name})" if previous else ""),
            qualification=review.submission.qualification,
            target=review,
            before=previous.email if previous else None,
            after=assignee.email,
        )
        if assignee != by:
            notify("assigned", review_id=review.pk, assignee_id=assignee.pk)
    return review


def outcome_record(
    *,
    review: Review,
    criterion: Criterion,
    outcome: str,
    comment: str,
    by: User,
    clarification_question=None,
) -> CriterionOutcome:
    """Record (or change) this Code Body's outcome on one criterion for the current revision.

    "Clarification needed" drafts a clarification on the question concerned, which reaches the
    participant when the review's clarifications are sent together.
    """
    if not can_assess(by, review):
        raise PermissionDenied(
            _("Only %(body)s assessors can record outcomes.") % {"body": review.code_body.code}
        )
    if criterion.criteria_set.code_body_id != review.code_body_id:
        raise PermissionDenied(_("That criterion belongs to another Code Body."))
    if outcome not in CriterionOutcome.Outcome.values:
        raise ValidationError(_("Choose an outcome."))
    if outcome in (CriterionOutcome.Outcome.NOT_MET, CriterionOutcome.Outcome.CLARIFICATION) and (
        not comment.strip()
    ):
        raise ValidationError(_("Say why, so the participant knows what to do."))
    submission = review.submission
    review_open_check(review)
    revision = submitted_revision(submission)
    with transaction.atomic():
        if submission.state == SubmissionState.SUBMITTED:
            submission_transition(
                submission=submission,
                target=SubmissionState.UNDER_REVIEW,
                actor=None,
                note=f"{review.code_body.code} review started",
            )
        if review.state == Review.State.WAITING:
            review.state = Review.State.IN_REVIEW
            review.save(update_fields=["state"])
        previous = CriterionOutcome.objects.filter(review=review, criterion=criterion).first()
        record, _created = CriterionOutcome.objects.update_or_create(
            review=review,
            criterion=criterion,
            defaults={
                "outcome": outcome,
                "comment": comment.strip(),
                "revision": revision,
                "recorded_by": by,
            },
        )
        if outcome == CriterionOutcome.Outcome.CLARIFICATION:
            questions = list(criterion.questions.all())
            question = (
                clarification_question if clarification_question in questions else (questions[0])
            )
            already = Clarification.objects.filter(
                submission=submission,
                question=question,
                code_body=review.code_body,
                state=Clarification.State.DRAFT,
            ).exists()
            if not already:
                clarification_raise(
                    submission=submission,
                    question=question,
                    code_body=review.code_body,
                    text=comment,
                    by=by,
                )
        audit_record(
            kind="outcome.recorded",
            actor=by,
            summary=f"{review.code_body.code} {criterion.ref}: "
            f"{CriterionOutcome.Outcome(outcome).label}",
            qualification=submission.qualification,
            target=record,
            before=previous.outcome if previous else None,
            after={"outcome": outcome, "comment": comment.strip()},
        )
    return record


def review_send_clarifications(*, review: Review, by: User) -> int:
    if not can_assess(by, review):
        raise PermissionDenied(
            _("Only %(body)s assessors can send clarifications.") % {"body": review.code_body.code}
        )
    review_open_check(review)
    with transaction.atomic():
        sent = clarifications_send(submission=review.submission, code_body=review.code_body, by=by)
        if sent:
            # Only this Code Body waits for the answers; the others go on reviewing the
            # submitted revision, and may send their own clarifications meanwhile.
            review.state = Review.State.AWAITING_PARTICIPANT
            review.reviewed_revision = submitted_revision(review.submission)
            review.save(update_fields=["state", "reviewed_revision"])
            notify("clarification_requested", review_id=review.pk)
    review.refresh_from_db()
    return sent


def blocking_work_off(review: Review) -> list[WorkOffItem]:
    if review.submission.stage != SubmissionStage.FINAL:
        return []
    items = WorkOffItem.objects.filter(qualification=review.submission.qualification)
    return [item for item in items.select_related("exception") if item.blocking]


def review_complete(*, review: Review, by: User) -> Review:
    """A lead assessor marks its Code Body's assessment complete: every applicable criterion
    met or not applicable, and (for a Final QAD) no required work-off item left open."""
    if not is_lead(by, review.code_body):
        raise PermissionDenied(_("Only a lead assessor can complete the assessment."))
    submission = review.submission
    review_open_check(review)
    revision = submitted_revision(submission)
    criteria = applicable_criteria(review, revision)
    outcomes = {o.criterion_id: o for o in review.outcomes.all()}
    open_criteria = [
        c.ref
        for c in criteria
        if outcomes.get(c.pk) is None
        or outcomes[c.pk].outcome
        not in (CriterionOutcome.Outcome.MET, CriterionOutcome.Outcome.NOT_APPLICABLE)
    ]
    if open_criteria:
        raise ValidationError(
            _("Every criterion must be met or not applicable first; still open: %(refs)s.")
            % {"refs": ", ".join(open_criteria)}
        )
    blocking = blocking_work_off(review)
    if blocking:
        raise ValidationError(
            _(
                "Required work-off items are still open: %(refs)s. Close them, or record an "
                "agreed exception."
            )
            % {"refs": ", ".join(i.defect_reference for i in blocking)}
        )
    with transaction.atomic():
        review.state = Review.State.COMPLETE
        review.completed_by = by
        review.completed_at = timezone.now()
        review.reviewed_revision = revision
        review.save()
        audit_record(
            kind="review.completed",
            actor=by,
            summary=f"{review.code_body.code} assessment complete",
            qualification=submission.qualification,
            target=review,
        )
        others = Review.objects.filter(submission=submission).exclude(pk=review.pk)
        # While clarifications are open another review is awaiting the participant, so the
        # last review to complete always finds the submission submitted or under review.
        if all(r.state == Review.State.COMPLETE for r in others):
            locked = Submission.objects.select_for_update(no_key=True).get(pk=submission.pk)
            if locked.state == SubmissionState.SUBMITTED:
                submission_transition(
                    submission=locked, target=SubmissionState.UNDER_REVIEW, actor=None
                )
            submission_transition(
                submission=locked, target=SubmissionState.AGREED_COMPLETE, actor=None
            )
            qualification = submission.qualification
            if (
                submission.stage == SubmissionStage.FINAL
                and qualification.state == QualificationState.FINAL_QAD
            ):
                qualification_transition(
                    qualification=qualification,
                    target=QualificationState.AWAITING_SIGNATURE,
                    actor=None,
                )
                notify("ready_to_sign", submission_id=submission.pk)
    return review
