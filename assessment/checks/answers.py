"""required_answers_present: every required question the criterion covers is answered."""

from __future__ import annotations

from assessment.checks.context import CriterionView, RevisionContext
from assessment.checks.registry import CheckOutcome, Params, register
from assessment.checks.text import refs
from assessment.enums import CheckStatus
from evidence.enums import ScanState
from qad.answers import is_answered
from qad.enums import AnswerType


def answered(ctx: RevisionContext, ref: str) -> bool:
    """A question is answered when its answer has content; an evidence-only question when a
    file that was not rejected is attached to it."""
    question = ctx.questions[ref]
    if question.answer_type == AnswerType.EVIDENCE_ONLY:
        return any(
            link.item.stored_file.scan_state != ScanState.REJECTED
            for link in ctx.links.get(ref, [])
        )
    return is_answered(question, ctx.value(ref))


@register(
    "required_answers_present",
    label="Required questions answered",
    summary="Every required question the criterion covers (of those that apply) is answered; "
    "an evidence-only question counts as answered once a file that was not rejected is "
    "attached.",
)
def required_answers_present(
    ctx: RevisionContext, criterion: CriterionView, params: Params
) -> CheckOutcome:
    required = [ref for ref in criterion.question_refs if ctx.questions[ref].required]
    if not required:
        return CheckOutcome(
            CheckStatus.NOT_APPLICABLE,
            f"None of the questions that apply ({refs(criterion.question_refs)}) is required.",
            questions=criterion.question_refs,
        )
    missing = [ref for ref in required if not answered(ctx, ref)]
    if not missing:
        return CheckOutcome(
            CheckStatus.PASS,
            f"Every required question is answered: {refs(required)}.",
            questions=tuple(required),
        )
    described = [
        f"{ref} (no evidence attached)"
        if ctx.questions[ref].answer_type == AnswerType.EVIDENCE_ONLY
        else ref
        for ref in missing
    ]
    if len(required) == 1:
        message = f"The required question {described[0]} is not answered."
    else:
        message = (
            f"{len(missing)} of {len(required)} required questions "
            f"{'is' if len(missing) == 1 else 'are'} not answered: {refs(described)}."
        )
    return CheckOutcome(CheckStatus.FAIL, message, questions=tuple(missing))
