"""Moving work in flight to a new template version without losing a word.

Only work that has never been submitted moves: a submission with any submitted revision
stays on the version it was submitted under until its stage completes, because its
submitted revisions, their reports and their reviews read that version.

A draft revision moves as a whole: each answer whose question still exists (by reference)
is carried over, flagged for the participant to confirm where the question was reworded or
now takes a different kind of answer (a value the new kind cannot hold is not carried, and
the earlier answer is kept, read-only, beside the question); answers whose question is gone
are kept, read-only, as orphaned answers; new questions start unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qad.answers import clean_answer_value
from qad.enums import AnswerType, OrphanReason, VersionStatus
from qad.models import (
    Answer,
    AnswerConflict,
    OrphanedAnswer,
    QadTemplate,
    Question,
    Revision,
    Submission,
    TemplateMove,
)
from qad.rules import can_edit_answer
from qad.selectors import applicability_facts, applicable_questions
from qad.services.answers import send_recompute
from qad.signals import answers_moved
from qad.templatetags.qad_answers import answer_plain_text
from qad.version_mapping import KEPT, RENUMBERED, SPLIT, Lineage, version_lineage
from qualification.audit import audit_record
from qualification.contention import lock, retry_on_contention
from qualification.models import Qualification, User
from qualification.rules import is_portal_admin


@dataclass
class MovePlan:
    qualification: Qualification
    submission: Submission | None = None
    revision: Revision | None = None
    carried: list[tuple[Answer, Question]] = field(default_factory=list)
    reworded: list[tuple[Answer, Question]] = field(default_factory=list)
    # (answer, new question, the value carried: None when the new type cannot hold it)
    retyped: list[tuple[Answer, Question, Any]] = field(default_factory=list)
    # (answer, new question, value) for each question split from one: offered to each
    split: list[tuple[Answer, Question, Any]] = field(default_factory=list)
    # (the answers, the question they were merged into, their value together)
    merged: list[tuple[list[Answer], Question, Any]] = field(default_factory=list)
    renumbered: list[tuple[Answer, Question]] = field(default_factory=list)
    orphaned: list[Answer] = field(default_factory=list)
    # {answer pk: why it is kept read-only} for the orphaned answers
    orphan_reasons: dict[int, str] = field(default_factory=dict)
    added: list[Question] = field(default_factory=list)
    blocked: str = ""

    @property
    def movable(self) -> bool:
        return not self.blocked

    @property
    def to_confirm(self) -> int:
        """Answers the participant confirms after the move: reworded or retyped questions,
        and the questions split from one or merged from several."""
        confirmed = {answer.pk for answer, _q in self.reworded} | self.retyped_ids
        return len(confirmed) + len(self.split) + len(self.merged)

    @property
    def answered(self) -> int:
        """The new version's questions that start with an answer."""
        return len(self.carried) + len(self.split) + len(self.merged)

    @property
    def orphans_explained(self) -> list[tuple[Answer, str]]:
        """Each answer kept read-only, with why in words."""
        return [(a, OrphanReason(self.orphan_reasons[a.pk]).label) for a in self.orphaned]

    @property
    def retyped_ids(self) -> set[int]:
        return {answer.pk for answer, _q, _v in self.retyped}


def converted_value(answer: Answer, question: Question) -> Any:
    """The answer in the form the question's new answer type holds, or None when that type
    cannot hold it (free text can hold anything, written as a reader sees it)."""
    if answer.value in (None, "", []):
        return None
    if question.answer_type == AnswerType.FREE_TEXT:
        value: Any = answer_plain_text(answer)
    else:
        value = answer.value
    try:
        return clean_answer_value(question, value)
    except (ValidationError, TypeError, ValueError, KeyError):
        return None


def merged_value(answers: list[Answer], question: Question) -> Any:
    """The answers of merged questions as one: free text written together, each under the
    ref it answered; otherwise the first one the new question can hold (None: none can, or
    the text together is over the question's limit)."""
    if question.answer_type == AnswerType.FREE_TEXT:
        parts = [
            f"{answer.question.ref}: {text}"
            for answer in answers
            if (text := answer_plain_text(answer))
        ]
        try:
            return clean_answer_value(question, "\n\n".join(parts)) if parts else None
        except ValidationError:
            return None
    return next(
        (value for answer in answers if (value := converted_value(answer, question)) is not None),
        None,
    )


def _carry(plan: MovePlan, answer: Answer, target: Question, *, renumbered: bool) -> None:
    plan.carried.append((answer, target))
    if renumbered:
        plan.renumbered.append((answer, target))
    if target.answer_type != answer.question.answer_type:
        plan.retyped.append((answer, target, converted_value(answer, target)))
    elif target.prompt != answer.question.prompt:
        plan.reworded.append((answer, target))


def _draft(qualification: Qualification) -> tuple[Submission | None, Revision | None]:
    submission = qualification.submissions.order_by("-created_at").first()
    if submission is None:
        return None, None
    revision = submission.revisions.order_by("-number").first()
    return submission, revision


def plan_move(qualification: Qualification, to_template: QadTemplate) -> MovePlan:
    plan = MovePlan(qualification=qualification)
    submission, revision = _draft(qualification)
    plan.submission, plan.revision = submission, revision
    if to_template.status != VersionStatus.PUBLISHED:
        plan.blocked = _("%(t)s is not published yet.") % {"t": to_template}
    elif submission is None:
        plan.blocked = _("No QAD yet: it will be built on the current version.")
    elif submission.revisions.filter(submitted_at__isnull=False).exists():
        # Its submitted revisions, their reports and reviews read submission.template.
        plan.blocked = _("Stays on %(t)s because it has been submitted.") % {
            "t": submission.template
        }
    elif submission.template_id == to_template.pk:
        plan.blocked = _("Already on %(t)s.") % {"t": to_template}
    elif submission.template.document_code != to_template.document_code:
        plan.blocked = _("%(t)s is a different kind of document.") % {"t": to_template}
    elif AnswerConflict.objects.filter(
        answer__revision=revision, resolved_at__isnull=True
    ).exists():
        plan.blocked = _("Someone has an unresolved edit conflict; it must be settled first.")
    if plan.blocked:
        return plan
    new_questions = {
        q.ref: q
        for q in applicable_questions(
            template=to_template, qualification=qualification, stage=submission.stage
        )
    }
    lineage = version_lineage(submission.template, to_template)
    # A question still in the version but not asked of this participant (its roles, route,
    # stage or conditions) is not a removed one: the participant is told which.
    facts = applicability_facts(qualification, submission.stage)
    why_not = {
        question.ref: question.section.why_not(**facts) or question.why_not(**facts)
        for question in Question.objects.filter(template=to_template).select_related("section")
    }
    # The question of the new version that took each old one's place (its ref otherwise).
    successor = {old: new for new, found in (lineage or {}).items() for old in found.refs}
    answers = {a.question.ref: a for a in revision.answers.select_related("question")}
    used: set[int] = set()
    for ref, target in new_questions.items():
        if lineage is None:
            found = Lineage((ref,), KEPT) if ref in answers else None
        else:
            found = lineage.get(ref)
        sources = [answers[old] for old in (found.refs if found else ()) if old in answers]
        if not sources:
            plan.added.append(target)
            continue
        used.update(answer.pk for answer in sources)
        if found.kind == SPLIT:
            plan.split.append((sources[0], target, converted_value(sources[0], target)))
        elif len(sources) > 1:
            plan.merged.append((sources, target, merged_value(sources, target)))
        else:
            _carry(plan, sources[0], target, renumbered=found.kind == RENUMBERED)
    for answer in answers.values():
        if answer.pk not in used:
            plan.orphaned.append(answer)
            plan.orphan_reasons[answer.pk] = (
                why_not.get(successor.get(answer.question.ref, answer.question.ref))
                or OrphanReason.REMOVED
            )
    return plan


@retry_on_contention
def move_qualification(
    *, qualification: Qualification, to_template: QadTemplate, by: User
) -> TemplateMove:
    """Apply a move, all or nothing for this qualification."""
    if not is_portal_admin(by):
        raise PermissionDenied(_("Only portal admins move work to a new version."))
    with transaction.atomic():
        # The draft, its qualification, then its revision (qualification.contention): an
        # autosave holding the revision finishes before the plan reads its answers.
        lock(
            Submission.objects.filter(
                pk__in=qualification.submissions.order_by("-created_at").values("pk")[:1]
            )
        )
        locked = Qualification.objects.select_for_update(no_key=True).get(pk=qualification.pk)
        lock(
            Revision.objects.filter(
                pk__in=Revision.objects.filter(submission__qualification=locked)
                .order_by("-submission__created_at", "-number")
                .values("pk")[:1]
            )
        )
        plan = plan_move(locked, to_template)
        if plan.blocked:
            raise ValueError(plan.blocked)
        revision, submission = plan.revision, plan.submission
        from_template = submission.template
        to_confirm = {answer.pk for answer, _q in plan.reworded} | plan.retyped_ids
        retyped = {answer.pk: value for answer, _q, value in plan.retyped}
        for answer, question in plan.carried:
            changes: dict[str, Any] = {"needs_confirmation": answer.pk in to_confirm}
            if answer.pk in retyped:
                changes["value"] = retyped[answer.pk]
                if answer.value not in (None, "", []):
                    # What the participant wrote stays readable beside the question.
                    _keep_read_only(answer, revision, from_template, OrphanReason.RETYPED)
            Answer.objects.filter(pk=answer.pk).update(question=question, **changes)
        moved = {answer.question_id: question.pk for answer, question in plan.carried}
        copied = _split(plan, revision, from_template, moved)
        _merge(plan, revision, from_template, moved)
        orphaned = {
            answer.question_id: _keep_read_only(
                answer, revision, from_template, plan.orphan_reasons[answer.pk]
            )
            for answer in plan.orphaned
        }
        answers_moved.send(
            sender=Revision, revision=revision, moved=moved, copied=copied, orphaned=orphaned
        )
        Answer.objects.filter(pk__in=[answer.pk for answer in plan.orphaned]).delete()
        Answer.objects.bulk_create(Answer(revision=revision, question=q) for q in plan.added)
        submission.template = to_template
        submission.save(update_fields=["template", "updated_at"])
        move = TemplateMove.objects.create(
            qualification=locked,
            from_template=from_template,
            to_template=to_template,
            moved_by=by,
            carried=plan.answered,
            reworded=plan.to_confirm,
            orphaned=len(plan.orphaned),
            added=len(plan.added),
        )
        audit_record(
            kind="qualification.moved_version",
            actor=by,
            summary=f"Draft moved from {from_template} to {to_template}: "
            f"{move.carried} carried ({move.reworded} to confirm), {move.orphaned} kept "
            f"without a question, {move.added} new",
            qualification=locked,
            target=move,
            before=str(from_template),
            after=str(to_template),
        )
        send_recompute(revision)
    return move


def _split(
    plan: MovePlan, revision: Revision, from_template: QadTemplate, moved: dict[int, int]
) -> dict[int, list[int]]:
    """Each question split from one is offered its answer, to confirm: the answer goes to
    the first of them, a copy to each of the others. Returns {old question: the others}."""
    copied: dict[int, list[int]] = {}
    kept: set[int] = set()
    for answer, question, value in plan.split:
        if answer.question_id not in moved:
            moved[answer.question_id] = question.pk
            Answer.objects.filter(pk=answer.pk).update(
                question=question, value=value, needs_confirmation=True
            )
        else:
            Answer.objects.create(
                revision=revision, question=question, value=value, needs_confirmation=True
            )
            copied.setdefault(answer.question_id, []).append(question.pk)
        if value is None and answer.value not in (None, "", []) and answer.pk not in kept:
            # A new question cannot hold it: what was written stays readable.
            kept.add(answer.pk)
            _keep_read_only(answer, revision, from_template, OrphanReason.RETYPED)
    return copied


def _merge(
    plan: MovePlan, revision: Revision, from_template: QadTemplate, moved: dict[int, int]
) -> None:
    """Questions merged into one give it their answers together, to confirm. Unless the new
    question holds them all (free text written together), each is also kept read-only."""
    for answers, question, value in plan.merged:
        if question.answer_type != AnswerType.FREE_TEXT or value is None:
            for answer in answers:
                if answer.value not in (None, "", []):
                    _keep_read_only(answer, revision, from_template, OrphanReason.MERGED)
        head, *rest = answers
        Answer.objects.filter(pk=head.pk).update(
            question=question, value=value, needs_confirmation=True
        )
        for answer in answers:
            moved[answer.question_id] = question.pk
        Answer.objects.filter(pk__in=[answer.pk for answer in rest]).delete()


def answer_confirm(*, answer: Answer, by: User) -> Answer:
    """The participant confirms an answer still fits its reworded question."""
    if not can_edit_answer(by, answer, answer.revision):
        raise PermissionDenied(_("This answer cannot be changed now."))
    with transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(needs_confirmation=False)
        audit_record(
            kind="answer.confirmed",
            actor=by,
            summary=f"Answer to reworded question {answer.question.ref} confirmed",
            qualification=answer.revision.submission.qualification,
            target=answer,
            section_ref=answer.question.section.ref,
        )
    answer.refresh_from_db()
    return answer


def _keep_read_only(
    answer: Answer, revision: Revision, from_template: QadTemplate, reason: str
) -> OrphanedAnswer:
    """An answer the new version cannot hold, kept read-only beside the questions: nothing
    the participant wrote is lost in a move (the evidence app records the files it had)."""
    return OrphanedAnswer.objects.create(
        revision=revision,
        question_ref=answer.question.ref,
        question=answer.question,
        reason=reason,
        prompt=answer.question.prompt,
        value=answer.value,
        answer_type=answer.question.answer_type,
        from_template=from_template,
        evidence=[],
    )
