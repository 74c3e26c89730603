"""The broker is down when a participant submits: the submission stands, its follow-up work
waits in the outbox, and a real worker does it once the broker is back."""

import time

import pytest
from django.core import mail

from assessment.enums import CheckRunStatus
from assessment.models import CheckRun, Review
from qad.enums import SubmissionState
from qad.services.submissions import submission_submit
from qualification.models import OutboxMessage
from qualification.outbox import outbox_flush
from tests.assessment.test_check_runs import ANSWERS
from tests.integration.conftest import wait_for
from tests.participants import Participant
from tests.qad.test_submit_and_sign import fill
from tests.version_files import JOURNEY_TEMPLATE, journey_criteria_doc, template_published

pytestmark = pytest.mark.integration


def test_follow_up_work_of_a_submission_made_while_the_broker_is_down_is_done_when_it_returns(
    private_broker, reference_data
):
    redis, worker = private_broker
    template_published("journey.yaml", JOURNEY_TEMPLATE, criteria=[journey_criteria_doc()])
    participant = Participant()
    fill(participant, ANSWERS)
    OutboxMessage.objects.all().delete()  # only what the submission leaves

    redis.stop()
    started = time.monotonic()
    submission_submit(submission=participant.submission, by=participant.admin, revision_number=1)
    took = time.monotonic() - started

    participant.submission.refresh_from_db()
    assert participant.submission.state == SubmissionState.SUBMITTED, "the submission stands"
    assert Review.objects.filter(submission=participant.submission).exists()
    assert took < 20, f"submitting waited {took:.1f}s on the broker"
    waiting = list(OutboxMessage.objects.filter(sent_at__isnull=True))
    assert "qad.assessment.run_checks" in {m.task_name for m in waiting}
    assert all(m.attempts == 1 and m.last_error for m in waiting)
    assert not CheckRun.objects.exists()

    redis.start()
    # What beat's sweep runs every minute (in a worker; here in this process, whose tasks go
    # to this test's queues). The worker takes them once it has reconnected.
    assert outbox_flush() == len(waiting)

    run = wait_for(
        lambda: CheckRun.objects.filter(
            revision=participant.revision, status=CheckRunStatus.COMPLETE
        ).first(),
        timeout=120,
        interval=0.5,
        worker=worker,
    )
    assert run.trigger == "submitted"
    wait_for(
        lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(),
        worker=worker,
    )
    assert CheckRun.objects.count() == 1, "the work is done once"
    assert mail.outbox == [], "e-mails go from the worker, not from the submitting request"
    assert "Connection to broker lost" in worker.log()
