"""Arranging a submitted revision and running one check on it, as the run does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from assessment.checks import CriterionView, RevisionContext
from assessment.checks.registry import CheckOutcome
from assessment.checks.runner import evaluate
from qad.answers import clean_answer_value
from qad.enums import SubmissionState
from qad.models import Answer, Question, Revision
from qad.services.submissions import submission_transition

# Every test revision is submitted at this moment, so that messages give fixed dates.
SUBMITTED_AT = dt.datetime(2025, 6, 2, 9, 30, tzinfo=dt.UTC)


def set_answers(participant, answers: Mapping[str, Any]) -> None:
    """Answers as they would be stored, written directly (dates out of order included:
    that is what some checks are there to find)."""
    for ref, value in answers.items():
        answer = Answer.objects.select_related("question").get(
            revision=participant.revision, question__ref=ref
        )
        Answer.objects.filter(pk=answer.pk).update(value=clean_answer_value(answer.question, value))


def submit(participant, *, at: dt.datetime = SUBMITTED_AT) -> Revision:
    """Freeze the current revision (content hash recorded) as submitted at `at`."""
    submission_transition(
        submission=participant.submission, target=SubmissionState.SUBMITTED, actor=participant.admin
    )
    revision = participant.revision
    Revision.objects.filter(pk=revision.pk).update(submitted_at=at)
    revision.refresh_from_db()
    return revision


def run_check(
    name: str,
    participant,
    refs: Iterable[str],
    params: Mapping[str, Any] | None = None,
    *,
    code_body: str = "BSC",
    ctx: RevisionContext | None = None,
) -> CheckOutcome:
    """Run one check for a criterion over question `refs` of the participant's revision."""
    ctx = ctx or RevisionContext.build(participant.revision)
    questions = Question.objects.filter(template=participant.submission.template, ref__in=refs)
    criterion = CriterionView.of(
        id=0,
        ref="TEST-01",
        title="Criterion under test",
        code_body=code_body,
        questions=questions,
        present=ctx.questions,
    )
    return evaluate(ctx, criterion, name, params or {})


def ids(*items) -> tuple[str, ...]:
    return tuple(str(item.public_id) for item in items)
