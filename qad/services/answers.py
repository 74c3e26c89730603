"""Saving answers without ever losing one, and keeping completeness up to date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qad.answers import clean_answer_value, is_answered
from qad.enums import AnswerType
from qad.models import Answer, AnswerConflict, Revision
from qad.rules import can_edit_answer
from qualification.audit import audit_record
from qualification.models import User
from qualification.tasking import enqueue_on_commit


class RevisionFrozen(Exception):
    """The revision was submitted; its answers can no longer change."""


class AnswerLocked(Exception):
    """This user may not change this answer now (submitted, signed, or not reopened)."""


class StaleAnswer(Exception):
    """Someone saved this answer since the writer last read it. The writer's text is kept
    as an AnswerConflict for them to resolve."""

    def __init__(self, answer: Answer, conflict: AnswerConflict):
        self.current = answer
        self.conflict = conflict
        super().__init__(
            f"Answer to {answer.question.ref} was changed by {answer.updated_by} "
            f"(now version {answer.version})"
        )


def answer_save(*, answer: Answer, value: Any, expected_version: int, by: User) -> Answer:
    """Save a new value if nobody else saved the answer since `expected_version`.

    Raises ValidationError for a value the question does not accept (nothing saved),
    RevisionFrozen / AnswerLocked when the answer may not change, and StaleAnswer for a
    stale write, after keeping the writer's value as a conflict to resolve.
    """
    question = answer.question
    cleaned = clean_answer_value(question, value)
    stale: StaleAnswer | None = None
    with transaction.atomic():
        revision = (
            Revision.objects.select_for_update()
            .select_related("submission__qualification__organisation")
            .get(pk=answer.revision_id)
        )
        if revision.is_frozen:
            raise RevisionFrozen(f"{revision} was submitted and is read-only")
        current = Answer.objects.select_related("question", "updated_by").get(pk=answer.pk)
        if not can_edit_answer(by, current, revision):
            raise AnswerLocked(_("This answer cannot be changed now."))
        if current.value == cleaned:
            return current  # nothing changes (or the same words arrived twice)
        if current.version != expected_version:
            # Keep the later writer's words (committed with this block), then tell them.
            conflict = AnswerConflict.objects.create(
                answer=current, value=cleaned, base_version=expected_version, written_by=by
            )
            stale = StaleAnswer(current, conflict)
        else:
            _check_date_order(current, cleaned)
            Answer.objects.filter(pk=answer.pk).update(
                value=cleaned,
                version=F("version") + 1,
                updated_by=by,
                updated_at=timezone.now(),
            )
            audit_record(
                kind="answer.saved",
                actor=by,
                summary=f"Answer to {question.ref} saved",
                qualification=revision.submission.qualification,
                target=current,
                section_ref=question.section.ref,
                before=current.value,
                after=cleaned,
            )
            _completeness_changed(revision)
    if stale is not None:
        raise stale
    # Only what the save changed: the caller's answer keeps its question and section.
    answer.refresh_from_db(fields=["value", "version", "updated_by", "updated_at"])
    return answer


def conflict_resolve(
    *,
    conflict: AnswerConflict,
    value: Any,
    expected_version: int,
    by: User,
    resolution: str,
) -> Answer:
    """Settle a conflict with the value the writer chose (theirs, mine or merged)."""
    if conflict.written_by_id != by.pk:
        raise AnswerLocked(_("Only the person whose text is kept in the conflict can settle it."))
    with transaction.atomic():
        answer = answer_save(
            answer=conflict.answer, value=value, expected_version=expected_version, by=by
        )
        AnswerConflict.objects.filter(pk=conflict.pk).update(
            resolved_at=timezone.now(), resolution=resolution
        )
    return answer


def _check_date_order(answer: Answer, cleaned: Any) -> None:
    """Dates the template orders (`not_before`) must stay in order, whichever is changed."""
    question = answer.question
    if question.answer_type != AnswerType.DATE or cleaned is None:
        return
    date = dt.date.fromisoformat(cleaned)
    earlier_ref = question.options.get("not_before")
    related = Answer.objects.filter(revision_id=answer.revision_id).select_related("question")
    for other in related:
        later = other.question.options.get("not_before") == question.ref
        if other.value is None or not (later or other.question.ref == earlier_ref):
            continue
        other_date = dt.date.fromisoformat(other.value)
        if not later and date < other_date:
            raise ValidationError(
                _("This date is before the date given in %(ref)s (%(date)s).")
                % {"ref": earlier_ref, "date": other_date.strftime("%d %b %Y")}
            )
        if later and other_date < date:
            raise ValidationError(
                _("The date given in %(ref)s (%(date)s) would then be before this one.")
                % {"ref": other.question.ref, "date": other_date.strftime("%d %b %Y")}
            )


def _completeness_changed(revision: Revision) -> None:
    """Mark the revision's completeness stale; the caller holds the revision's row lock.

    Only the change that flips the flag sends a recompute: while it is set a recompute is
    already on its way (or the sweep will find it), and it will read this change too.
    """
    flipped = Revision.objects.filter(pk=revision.pk, completeness_stale=False).update(
        completeness_stale=True
    )
    if flipped:
        send_recompute(revision)


def send_recompute(revision: Revision) -> None:
    from qad.tasks import recompute_completeness  # the tasks module imports this one

    enqueue_on_commit(recompute_completeness, durable=False, revision_id=revision.pk)


def revision_recompute_completeness(*, revision_id: int) -> Revision:
    """Count answered required questions, overall and per section.

    A question counts as answered when it has an answer and every evidence type it requires
    is attached; an evidence-only question needs only its evidence.
    """
    from qad.checklist import attached_evidence_types

    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision_id)
        answers = Answer.objects.filter(revision=revision).select_related(
            "question", "question__section"
        )
        attached = attached_evidence_types(revision)
        per_section: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for answer in answers:
            if not answer.question.required:
                continue
            counts = per_section[answer.question.section.ref]
            counts[1] += 1
            if question_complete(answer, attached.get(answer.question_id, set())):
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


def question_complete(answer: Answer, attached_types: set[str]) -> bool:
    question = answer.question
    evidence_ok = set(question.required_evidence_types) <= attached_types
    if question.answer_type == AnswerType.EVIDENCE_ONLY:
        return evidence_ok and bool(attached_types or not question.evidence)
    return is_answered(question, answer.value) and evidence_ok
