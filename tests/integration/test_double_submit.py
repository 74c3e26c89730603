"""Two tabs pressing "Submit" at the same moment on PostgreSQL: one submission, not two."""

import os
import threading

import pytest
from django.db import connection

from qad.enums import SubmissionState
from qad.models import SubmissionTransition
from qad.services.submissions import AlreadySubmitted, submission_submit
from tests.participants import Participant
from tests.qad.test_submit_and_sign import fill
from tests.version_files import JOURNEY_TEMPLATE, template_published

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs DATABASE_URL on PostgreSQL: SQLite runs one writer at a time anyway",
    ),
]


def test_simultaneous_submissions_create_one(reference_data):

    template_published("journey.yaml", JOURNEY_TEMPLATE)
    participant = Participant()
    fill(participant)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def press_submit() -> None:
        try:
            barrier.wait()
            submission_submit(
                submission=participant.submission, by=participant.admin, revision_number=1
            )
            outcomes.append("submitted")
        except AlreadySubmitted:
            outcomes.append("already submitted")
        finally:
            connection.close()

    threads = [threading.Thread(target=press_submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["already submitted", "submitted"]
    assert SubmissionTransition.objects.filter(to_state=SubmissionState.SUBMITTED).count() == 1
    participant.submission.refresh_from_db()
    assert participant.submission.state == SubmissionState.SUBMITTED
