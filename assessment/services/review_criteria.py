"""Moving a review onto its Code Body's newer criteria: a review keeps the criteria it
started with until its lead assessor moves it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.models import CriteriaSet, Criterion, CriterionOutcome, Review
from assessment.published import criteria_outline
from assessment.rules import is_lead
from assessment.services.checks import enqueue_run
from assessment.services.reviews import review_open_check
from qad.selectors import submitted_revision
from qualification.audit import audit_record
from qualification.models import User


def newer_criteria(review: Review) -> CriteriaSet | None:
    """The Code Body's current criteria for the review's template version, when they are not
    the ones the review keeps: what its lead assessor may move it to."""
    current = criteria_outline(
        code_body_id=review.code_body_id, template_id=review.submission.template_id
    ).criteria_set
    if current is None or current.pk == review.criteria_set_id:
        return None
    return current


def review_criteria_move(*, review: Review, by: User) -> CriteriaSet:
    """Move a review onto its Code Body's current criteria. Outcomes recorded on a criterion
    that the new version keeps word for word (same reference, title and what the assessor
    looks for) are carried; the others are assessed again. Checks run on the new criteria."""
    if not is_lead(by, review.code_body):
        raise PermissionDenied(
            _("Only a lead assessor of %(body)s can move a review onto new criteria.")
            % {"body": review.code_body.code}
        )
    review_open_check(review)
    target = newer_criteria(review)
    if target is None:
        raise ValidationError(_("This review already uses the current criteria."))
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.criteria_set_id == target.pk:
            raise ValidationError(_("This review already uses the current criteria."))
        earlier = review.criteria_set
        carried = _carry_outcomes(review, target)
        review.criteria_set = target
        review.save(update_fields=["criteria_set"])
        audit_record(
            kind="review.criteria_moved",
            actor=by,
            summary=f"{review.code_body.code} review moved from "
            f"{earlier or 'no criteria'} to {target}: {carried} outcome(s) carried",
            qualification=review.submission.qualification,
            target=review,
            before={"criteria_set": earlier.pk if earlier else None},
            after={"criteria_set": target.pk, "carried": carried},
        )
        revision = submitted_revision(review.submission)
        if revision is not None:
            enqueue_run(revision.pk, review.code_body_id, trigger="criteria_moved")
    return target


def _carry_outcomes(review: Review, target: CriteriaSet) -> int:
    """Copy the outcomes whose criterion the target keeps unchanged; returns how many."""
    kept = {
        (c.ref, c.title, c.looks_for): c
        for c in Criterion.objects.filter(criteria_set=target).only("ref", "title", "looks_for")
    }
    carried = 0
    for outcome in review.outcomes.select_related("criterion").filter(
        criterion__criteria_set_id=review.criteria_set_id
    ):
        old = outcome.criterion
        new = kept.get((old.ref, old.title, old.looks_for))
        if new is None:
            continue
        CriterionOutcome.objects.update_or_create(
            review=review,
            criterion=new,
            defaults={
                "outcome": outcome.outcome,
                "comment": outcome.comment,
                "revision_id": outcome.revision_id,
                "recorded_by_id": outcome.recorded_by_id,
            },
        )
        carried += 1
    return carried
