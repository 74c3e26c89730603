"""Saving answers without ever losing one, and keeping completeness up to date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qad.answer_rows import answer_for_writing, answer_store
from qad.answers import clean_answer_value, is_answered
from qad.attachments import attachments
from qad.enums import AnswerType
from qad.models import Answer, AnswerConflict, Revision
from qad.rules import can_edit_answer
from qualification.audit import audit_record
from qualification.contention import SomeoneElseSaving, retry_on_contention
from qualification.models import User
from qualification.outbox import enqueue_on_commit


class RevisionFrozen(Exception):
    """The revision was submitted; its answers can no longer change."""


class AnswerLocked(Exception):
    """This user may not change this answer now (submitted, signed, or not reopened)."""


class StaleAnswer(Exception):
    """Someone saved this answer since the writer last read it. The writer's text is kept
    as an AnswerConflict for them to resolve (`conflict`), unless the writer keeps it
    themselves (a system writing through the API: `conflict` None)."""

    def __init__(self, answer: Answer, conflict: AnswerConflict | None):
        self.current = answer
        self.conflict = conflict
        super().__init__(
            f"Answer to {answer.question.ref} was changed by {answer.updated_by} "
            f"(now version {answer.version})"
        )


@retry_on_contention
def answer_save(
    *, answer: Answer, value: Any, expected_version: int, by: User, keep_conflict: bool = True
) -> Answer:
    """Save a new value if nobody else saved the answer since `expected_version`.

    Raises ValidationError for a value the question does not accept (nothing saved),
    RevisionFrozen / AnswerLocked when the answer may not change, and StaleAnswer for a
    stale write, after keeping the writer's value as a conflict to resolve. While the writer
    has a conflict open on this answer every save of theirs goes into that conflict (their
    latest words, kept): only settling it, with conflict_resolve, changes the answer.

    `keep_conflict` False (a writer that keeps its own copy: the API): a stale write changes
    nothing at all, and a save while a conflict is open is refused with it unchanged.
    """
    question = answer.question
    cleaned = clean_answer_value(question, value)
    stale: StaleAnswer | None = None
    with transaction.atomic():
        revision, current, open_conflict_id = _lock_for_writing(answer, by)
        open_conflict = (
            AnswerConflict.objects.select_for_update().get(pk=open_conflict_id)
            if open_conflict_id is not None
            else None
        )
        if open_conflict is not None:
            # The page may send the current version by now; the writer still has not seen
            # the other text they would replace, so this is not theirs to overwrite yet.
            if keep_conflict and open_conflict.value != cleaned:
                open_conflict.value = cleaned
                open_conflict.save(update_fields=["value"])
            stale = StaleAnswer(current, open_conflict)
        elif current.value == cleaned:
            return current  # nothing changes (or the same words arrived twice)
        elif current.version != expected_version and not keep_conflict:
            stale = StaleAnswer(current, None)
        elif current.version != expected_version:
            # Keep the later writer's words (committed with this block), then tell them.
            conflict = AnswerConflict.objects.create(
                answer=current, value=cleaned, base_version=expected_version, written_by=by
            )
            stale = StaleAnswer(current, conflict)
        else:
            _write(revision, current, cleaned, by)
    if stale is not None:
        raise stale
    # Only what the save changed, as written under the revision's lock: the caller's answer
    # keeps its question and section.
    _copy_saved(current, answer)
    return answer


class ConflictSettled(Exception):
    """The conflict was already settled (in another window, or by a second click)."""


RESOLUTIONS = ("mine", "theirs")


@retry_on_contention
def conflict_resolve(
    *,
    conflict: AnswerConflict,
    value: Any,
    expected_version: int,
    by: User,
    resolution: str,
) -> Answer:
    """Settle a conflict with the value the writer chose: theirs (the saved text) or mine
    (their own text, which may combine both).

    `expected_version` is the version of the saved text the writer was shown: if someone
    saved again since, StaleAnswer is raised and the conflict stays open (with the writer's
    chosen text kept in it) so they compare once more. Who settled it, when and with what
    goes into the audit trail.
    """
    if resolution not in RESOLUTIONS:
        raise ValueError(f"unknown resolution {resolution!r}")
    if conflict.written_by_id != by.pk:
        raise AnswerLocked(_("Only the person whose text is kept in the conflict can settle it."))
    answer = conflict.answer
    question = answer.question
    cleaned = clean_answer_value(question, value)
    stale: StaleAnswer | None = None
    with transaction.atomic():
        revision, current, _open_conflict_id = _lock_for_writing(answer, by)
        locked = AnswerConflict.objects.select_for_update().get(pk=conflict.pk)
        if locked.resolved_at is not None:
            raise ConflictSettled(_("This conflict was already settled."))
        if current.version != expected_version:
            if resolution == "mine" and locked.value != cleaned:
                locked.value = cleaned
                locked.save(update_fields=["value"])
            stale = StaleAnswer(current, locked)
        else:
            before = current.value
            if current.value != cleaned:
                _write(revision, current, cleaned, by)
            now = timezone.now()
            AnswerConflict.objects.filter(pk=locked.pk).update(
                resolved_at=now, resolution=resolution
            )
            audit_record(
                kind="answer.conflict_resolved",
                actor=by,
                summary=(
                    f"Edit conflict on {question.ref} settled: "
                    + (
                        f"the saved answer replaced with {by.full_name}'s text"
                        if resolution == "mine"
                        else "the saved answer kept"
                    )
                ),
                qualification=revision.submission.qualification,
                target=current,
                section_ref=question.section.ref,
                before=before,
                after=cleaned,
            )
    if stale is not None:
        raise stale
    _copy_saved(current, answer)
    return answer


def _copy_saved(saved: Answer, answer: Answer) -> None:
    for name in ("value", "version", "updated_by", "updated_at"):
        setattr(answer, name, getattr(saved, name))


def _lock_for_writing(answer: Answer, by: User) -> tuple[Revision, Answer, int | None]:
    """Lock the answer's revision (one writer at a time) and read the answer as stored, with
    the id of the writer's open conflict on it (None if none).

    Call inside a transaction. Raises RevisionFrozen / AnswerLocked when it may not change.
    """
    found = answer_for_writing(answer, by)
    current = found.answer
    revision = current.revision
    if revision.is_frozen:
        raise RevisionFrozen(f"{revision} was submitted and is read-only")
    current.question = answer.question  # a published question never changes
    if not can_edit_answer(by, current, revision):
        raise AnswerLocked(_("This answer cannot be changed now."))
    return revision, current, found.open_conflict_id


def _write(revision: Revision, current: Answer, cleaned: Any, by: User) -> None:
    """Store a new value as the next version; the caller holds the revision's lock."""
    question = current.question
    _check_date_order(current, cleaned)
    now = timezone.now()
    if not answer_store(current, cleaned, by, now):
        # Cannot happen while the answer's lock is held; should it, nothing is written.
        raise SomeoneElseSaving()
    before = current.value
    audit_record(
        kind="answer.saved",
        actor=by,
        summary=f"Answer to {question.ref} saved",
        qualification=revision.submission.qualification,
        target=current,
        section_ref=question.section.ref,
        before=before,
        after=cleaned,
    )
    # `current` now holds what was written: nobody else writes while the lock is held.
    current.value, current.version, current.updated_by, current.updated_at = (
        cleaned,
        current.version + 1,
        by,
        now,
    )
    _completeness_changed(revision, current, before)


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


def _completeness_changed(revision: Revision, answer: Answer, before: Any) -> None:
    """Count the saved answer in the revision's completeness; the caller holds the revision's
    row lock and has just written `answer` (its value was `before`).

    Counts that are up to date are changed in place, and only when this answer's change
    makes its question complete or incomplete: typing in an answer already given changes
    nothing. While the counts are stale a recompute is already on its way (or the sweep will
    find it) and it will read this change too.
    """
    if revision.completeness_stale:
        return
    question = answer.question
    if not question.required or question.answer_type == AnswerType.EVIDENCE_ONLY:
        return  # not counted, or complete by its evidence alone
    answered = is_answered(question, answer.value)
    if answered == is_answered(question, before):
        return
    if question.required_evidence_types:
        attached = attachments().evidence_types(revision, question_id=question.pk)
        if not set(question.required_evidence_types) <= attached.get(question.pk, set()):
            return  # incomplete before and after: its evidence is still missing
    progress = dict(revision.section_progress or {})
    counts = progress.get(question.section.ref)
    if counts is None:
        _mark_stale(revision)  # counts from before this question was asked: count afresh
        return
    step = 1 if answered else -1
    done, required = counts
    progress[question.section.ref] = [min(max(done + step, 0), required), required]
    revision.section_progress = progress
    revision.answered_count = min(max(revision.answered_count + step, 0), revision.required_count)
    revision.completeness_updated_at = timezone.now()
    revision.save(update_fields=["section_progress", "answered_count", "completeness_updated_at"])


def _mark_stale(revision: Revision) -> None:
    """Mark the revision's completeness stale and send a recompute; the caller holds the
    revision's row lock. Only the change that flips the flag sends one."""
    flipped = Revision.objects.filter(pk=revision.pk, completeness_stale=False).update(
        completeness_stale=True
    )
    if flipped:
        send_recompute(revision)


def send_recompute(revision: Revision) -> None:
    enqueue_on_commit(
        "qad.submissions.recompute_completeness", durable=False, revision_id=revision.pk
    )


def revision_recompute_completeness(*, revision_id: int) -> Revision:
    """Count answered required questions, overall and per section.

    A question counts as answered when it has an answer and every evidence type it requires
    is attached; an evidence-only question needs only its evidence.
    """
    with transaction.atomic():
        revision = Revision.objects.select_for_update(no_key=True).get(pk=revision_id)
        answers = Answer.objects.filter(revision=revision).select_related(
            "question", "question__section"
        )
        attached = attachments().evidence_types(revision)
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


def section_counts(revision: Revision, section_ref: str) -> tuple[int, int]:
    """(complete, required) of one section's required questions, by the one rule
    (`question_complete`): as the revision keeps them, or counted now while it keeps nothing
    for the section (before its first count)."""
    stored = (revision.section_progress or {}).get(section_ref)
    if stored is not None:
        done, required = stored
        return done, required
    answers = list(
        Answer.objects.filter(
            revision=revision, question__section__ref=section_ref, question__required=True
        ).select_related("question")
    )
    if not answers:
        return 0, 0
    attached = attachments().evidence_types(revision)
    done = sum(question_complete(a, attached.get(a.question_id, set())) for a in answers)
    return done, len(answers)


def question_complete(answer: Answer, attached_types: set[str]) -> bool:
    question = answer.question
    evidence_ok = set(question.required_evidence_types) <= attached_types
    if question.answer_type == AnswerType.EVIDENCE_ONLY:
        return evidence_ok and bool(attached_types or not question.evidence)
    return is_answered(question, answer.value) and evidence_ok
