"""Saving an answer reaches a real worker through Redis, and the worker's result reaches the
participant's progress bar."""

import pytest

from qad.enums import AnswerType, SubmissionStage
from qad.models import Revision
from qad.services.answers import answer_save
from tests.integration.conftest import wait_for
from tests.qualification.factories import member_of, start_qualification

pytestmark = pytest.mark.integration


def test_an_answer_saved_is_counted_by_a_real_worker(celery_worker_process, shipped_versions):
    qualification = start_qualification()
    revision = Revision.objects.get(
        submission__qualification=qualification, submission__stage=SubmissionStage.INITIAL
    )
    # The first recompute (sent on commit of the new QAD) comes back from the worker.
    wait_for(
        lambda: not Revision.objects.get(pk=revision.pk).completeness_stale,
        worker=celery_worker_process,
    )
    revision.refresh_from_db()
    assert revision.answered_count == 0 and revision.required_count > 0

    answer = revision.answers.filter(
        question__answer_type=AnswerType.FREE_TEXT, question__required=True
    ).first()
    answer_save(
        answer=answer,
        value="Documented in our operating manual.",
        expected_version=0,
        by=member_of(qualification),
    )

    counted = wait_for(
        lambda: Revision.objects.filter(
            pk=revision.pk, answered_count=1, completeness_stale=False
        ).first(),
        worker=celery_worker_process,
    )
    assert counted.section_progress[answer.question.section.ref][0] == 1
    assert "qad.submissions.recompute_completeness" in celery_worker_process.log()
    assert "succeeded" in celery_worker_process.log()
