"""Starting submissions, saving answers and keeping their completeness up to date."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from qad.answers import clean_answer_value, is_answered
from qad.content_hash import revision_content_hash
from qad.enums import SubmissionStage, SubmissionState
from qad.lifecycle import MOVES
from qad.models import Answer, QadTemplate, Revision, Submission, SubmissionTransition
from qad.selectors import applicable_questions
from qualification.lifecycle import authorise_move
from qualification.models import Qualification, User
from qualification.rules import acting_capacities
from qualification.tasking import enqueue_on_commit


class RevisionFrozen(Exception):
    """The revision was submitted; its answers can no longer change."""


class StaleAnswer(Exception):
    """Someone saved this answer since the writer last read it."""

    def __init__(self, answer: Answer):
        self.current = answer
        super().__init__(
            f"Answer to {answer.question.ref} was changed by {answer.updated_by} "
            f"(now version {answer.version})"
        )


def submission_start(
    *,
    qualification: Qualification,
    stage: SubmissionStage,
    template: QadTemplate,
) -> Submission:
    """Create the submission for a stage with its first revision: one empty answer per
    applicable question. Starting a stage that exists returns the existing submission."""
    with transaction.atomic():
        submission, created = Submission.objects.get_or_create(
            qualification=qualification, stage=stage, defaults={"template": template}
        )
        if not created:
            return submission
        revision = Revision.objects.create(submission=submission, number=1)
        Answer.objects.bulk_create(
            Answer(revision=revision, question=question)
            for question in applicable_questions(template=template, qualification=qualification)
        )
        _send_recompute(revision)
    return submission


def answer_save(*, answer: Answer, value: Any, expected_version: int, by: User) -> Answer:
    """Save a new value if nobody else saved the answer since `expected_version`.

    Raises ValidationError for a value the question does not accept, RevisionFrozen for a
    submitted revision and StaleAnswer (carrying the current answer) for a stale write.
    """
    cleaned = clean_answer_value(answer.question, value)
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=answer.revision_id)
        if revision.is_frozen:
            raise RevisionFrozen(f"{revision} was submitted and is read-only")
        updated = Answer.objects.filter(pk=answer.pk, version=expected_version).update(
            value=cleaned, version=F("version") + 1, updated_by=by, updated_at=timezone.now()
        )
        if not updated:
            raise StaleAnswer(
                Answer.objects.select_related("question", "updated_by").get(pk=answer.pk)
            )
        _completeness_changed(revision)
    answer.refresh_from_db()
    return answer


def _completeness_changed(revision: Revision) -> None:
    """Mark the revision's completeness stale; the caller holds the revision's row lock.

    Only the change that flips the flag sends a recompute: while it is set a recompute is
    already on its way (or the sweep will find it), and it will read this change too.
    """
    flipped = Revision.objects.filter(pk=revision.pk, completeness_stale=False).update(
        completeness_stale=True
    )
    if flipped:
        _send_recompute(revision)


def _send_recompute(revision: Revision) -> None:
    from qad.tasks import recompute_completeness  # the tasks module imports this one

    enqueue_on_commit(recompute_completeness, revision_id=revision.pk)


def revision_recompute_completeness(*, revision_id: int) -> Revision:
    """Count answered required questions, overall and per section."""
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision_id)
        answers = Answer.objects.filter(revision=revision).select_related(
            "question", "question__section"
        )
        per_section: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for answer in answers:
            if not answer.question.required:
                continue
            counts = per_section[answer.question.section.ref]
            counts[1] += 1
            if is_answered(answer.question, answer.value):
                counts[0] += 1
        revision.section_progress = dict(per_section)
        revision.required_count = sum(required for _, required in per_section.values())
        revision.answered_count = sum(answered for answered, _ in per_section.values())
        revision.completeness_stale = False
        revision.completeness_updated_at = timezone.now()
        revision.save(
            update_fields=[
                "section_progress",
                "required_count",
                "answered_count",
                "completeness_stale",
                "completeness_updated_at",
            ]
        )
    return revision


def submission_transition(
    *,
    submission: Submission,
    target: SubmissionState,
    actor: User | None,
    note: str = "",
) -> Submission:
    """Move a submission along its lifecycle if the move exists and the actor may make it.

    `actor=None` is the portal itself, acting on the outcome of another recorded action.
    Submitting freezes the current revision and records its content hash.
    """
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update()
            .select_related("qualification__organisation", "template")
            .get(pk=submission.pk)
        )
        move = authorise_move(
            MOVES,
            source=locked.state,
            target=target,
            capacities=acting_capacities(actor, locked.qualification),
            not_allowed=f"A submission that is '{locked.get_state_display()}' cannot become "
            f"'{SubmissionState(target).label}'",
        )
        revision = locked.revisions.order_by("-number").first()
        if target == SubmissionState.SUBMITTED:
            _freeze(revision, by=actor)
        SubmissionTransition.objects.create(
            submission=locked,
            revision=revision,
            from_state=locked.state,
            to_state=target,
            actor=actor,
            note=note or move.description,
        )
        locked.state = target
        locked.save(update_fields=["state", "updated_at"])
    submission.refresh_from_db()
    return submission


def _freeze(revision: Revision, *, by: User | None) -> None:
    if revision.is_frozen:
        raise RevisionFrozen(f"{revision} was already submitted")
    revision.submitted_at = timezone.now()
    revision.submitted_by = by
    revision.content_hash = revision_content_hash(revision)
    revision.save(update_fields=["submitted_at", "submitted_by", "content_hash"])
