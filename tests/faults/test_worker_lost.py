"""A whole worker is lost mid-task (its container dies: the process group killed, nothing
acknowledged). Once a new worker starts, the minute's sweep sends the lost work again and it
is finished once, long before the broker's visibility timeout would hand the old message
out."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
from django.utils import timezone

from assessment.enums import CheckRunStatus, ReportStatus
from assessment.models import CheckResult, CheckRun, Report
from assessment.reports.services import qad_report_request, reports_sweep
from assessment.services.checks import checks_resend_lost
from assessment.tasks import run_checks
from qualification.models import CodeBody
from tests.integration.conftest import _worker, needs_real_services, wait_for
from tests.integration.test_checks_worker import long_run_to_check

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WITHIN = 120  # seconds from the new worker's start


@pytest.fixture
def workers(tmp_path):
    """Start a worker; `take_over()` starts another on the same queues. Both stopped after."""
    reason = needs_real_services()
    if reason:
        pytest.skip(reason)
    started = []

    def start(queue: str | None = None):
        running = _worker(tmp_path, queue=queue)
        worker = next(running)
        started.append(running)
        return worker

    yield start
    for running in reversed(started):
        running.close()


def lose_whole(worker) -> None:
    """As when the worker's container dies: every process of it killed at once."""
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)


def a_minute_on() -> dt.datetime:
    # The sweep runs every minute: this is the clock of its next run.
    return timezone.now() + dt.timedelta(seconds=61)


def test_a_check_run_whose_whole_worker_died_is_finished_once_by_the_next(workers, reference_data):
    first = workers()
    _participant, revision = long_run_to_check()
    bsc = CodeBody.objects.get(code="BSC")
    run_checks.apply_async(
        kwargs={"revision_id": revision.pk, "code_body_id": bsc.pk, "trigger": "submitted"}
    )
    running = wait_for(
        lambda: CheckRun.objects.filter(
            revision=revision, code_body=bsc, status=CheckRunStatus.RUNNING
        ).first(),
        interval=0.02,
        worker=first,
    )
    lose_whole(first)
    assert CheckRun.objects.get(pk=running.pk).status == CheckRunStatus.RUNNING

    second = workers(first.queue)
    since = time.monotonic()
    assert checks_resend_lost(now=a_minute_on()) >= 1
    done = wait_for(
        lambda: CheckRun.objects.filter(pk=running.pk, status=CheckRunStatus.COMPLETE).first(),
        timeout=WITHIN,
        interval=0.5,
        worker=second,
    )
    assert time.monotonic() - since < WITHIN
    assert CheckRun.objects.filter(revision=revision, code_body=bsc).count() == 1
    assert CheckResult.objects.filter(run=done).count() == 6, "its results, stored once"
    # A second sweep finds nothing lost.
    assert checks_resend_lost(now=a_minute_on()) == 0


def test_a_forced_re_run_whose_worker_died_is_sent_again(workers, reference_data):
    from assessment.services.checks import checks_rerun_submission

    participant, revision = long_run_to_check()
    first = workers()
    admin = participant.admin
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    key = checks_rerun_submission(submission=participant.submission, by=admin)
    forced = wait_for(
        lambda: CheckRun.objects.filter(request_key=key, status=CheckRunStatus.RUNNING).first(),
        interval=0.02,
        worker=first,
    )
    lose_whole(first)

    second = workers(first.queue)
    assert checks_resend_lost(now=a_minute_on()) >= 1
    wait_for(
        lambda: CheckRun.objects.filter(pk=forced.pk, status=CheckRunStatus.COMPLETE).exists(),
        timeout=WITHIN,
        interval=0.5,
        worker=second,
    )
    assert CheckRun.objects.filter(request_key=key, code_body=forced.code_body).count() == 1
    assert revision.pk == forced.revision_id


def test_a_render_whose_whole_worker_died_is_rendered_once_by_the_next(workers, shipped_versions):
    from benchmarks.reports import build_full_revision

    first = workers()
    revision = build_full_revision(evidence_files=300)  # a few seconds to render
    report = qad_report_request(revision=revision, by=revision.submitted_by)
    wait_for(
        lambda: Report.objects.filter(pk=report.pk, attempts=1).exists(),
        interval=0.05,
        worker=first,
    )
    lose_whole(first)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.PREPARING

    second = workers(first.queue)
    since = time.monotonic()
    assert reports_sweep(now=a_minute_on()) == 1
    ready = wait_for(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.READY).first(),
        timeout=WITHIN,
        interval=0.5,
        worker=second,
    )
    assert time.monotonic() - since < WITHIN
    assert ready.attempts == 2 and ready.file.name
    stored = os.listdir(os.path.dirname(ready.file.path))
    assert stored == [os.path.basename(ready.file.name)], "one PDF, not two"
    assert reports_sweep(now=a_minute_on()) == 0
