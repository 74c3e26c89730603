"""Submitting a QAD reaches a real worker through Redis, which runs the automated checks and
stores their results; sending the task again stores nothing new; a check that cannot read
its file gives an error for its criterion only."""

import os
import signal
from pathlib import Path

import pytest

from assessment.enums import CheckRunStatus
from assessment.models import CheckResult, CheckRun
from assessment.selectors import latest_check_results
from assessment.tasks import run_checks
from qad.services.submissions import submission_submit
from qualification.models import CodeBody
from tests.assessment.files import execution_log, passing_log
from tests.assessment.support import submit
from tests.assessment.test_check_runs import ANSWERS
from tests.evidence.factories import attach
from tests.integration.conftest import wait_for
from tests.participants import Participant
from tests.qad.test_submit_and_sign import fill
from tests.version_files import JOURNEY_TEMPLATE, journey_criteria_doc, template_published

pytestmark = pytest.mark.integration


REC_CRITERIA = journey_criteria_doc(
    code_body="REC",
    title="Journey REC criteria v99.0",
    criteria=[
        {
            "ref": "JR-3-01",
            "title": "Operating model described",
            "looks_for": "How the Supplier operates MHHS.",
            "questions": ["3.1"],
            "checks": ["required_answers_present"],
        }
    ],
)


def test_a_submitted_revision_is_checked_by_a_real_worker(celery_worker_process, reference_data):
    template_published(
        "journey.yaml", JOURNEY_TEMPLATE, criteria=[journey_criteria_doc(), REC_CRITERIA]
    )
    participant = Participant()
    fill(participant, ANSWERS)
    attach(
        participant,
        "4.5",
        execution_log(passing_log(30)),
        name="qt-log.csv",
        title="QT execution log",
        evidence_type="process_document",
    )
    attach(
        participant,
        "4.5",
        b'Test case ID,Result\nTC-001,"Passed"x\n',
        name="broken.csv",
        title="Broken log",
        evidence_type="process_document",
    )

    submission_submit(submission=participant.submission, by=participant.admin, revision_number=1)

    revision = participant.revision
    complete = CheckRun.objects.filter(revision=revision, status=CheckRunStatus.COMPLETE)
    # One task per Code Body whose criteria apply, each checking its own criteria.
    wait_for(lambda: complete.count() == 2, worker=celery_worker_process)
    run = complete.get(code_body__code="BSC")
    assert (run.trigger, run.criteria_checked, run.files_read) == ("submitted", 4, 2)
    rec_run = complete.get(code_body__code="REC")
    assert (rec_run.trigger, rec_run.criteria_checked, rec_run.files_read) == ("submitted", 1, 0)
    assert [(r.criterion.ref, r.status) for r in rec_run.results.all()] == [("JR-3-01", "pass")]
    found = {
        results[0].criterion.ref: [(r.check_name, r.status, r.message) for r in results]
        for results in latest_check_results(revision, run.code_body).values()
    }
    assert [status for _, status, _ in found["J-3-01"] + found["J-4-01"] + found["J-4-02"]] == [
        "pass"
    ] * 4
    assert found["J-4-03"] == [
        (
            "test_results_summary",
            "error",
            "“QT execution log”: all 30 test cases passed (pass rate 100%, threshold 90%). "
            "“Broken log” is not valid CSV (line 2): ',' expected after '\"', so it could not "
            "be summarised.",
        ),
        ("evidence_scan_clean", "pass", "All 2 files are clean: “QT execution log”, “Broken log”."),
    ]
    stored = CheckResult.objects.filter(run=run).count()
    assert stored == 6

    again = run_checks.apply_async(
        kwargs={"revision_id": revision.pk, "code_body_id": run.code_body_id, "trigger": "again"}
    )

    assert again.get(timeout=60) == (f"BSC run {run.pk} complete: pass 5, error 1")
    assert CheckRun.objects.filter(revision=revision).count() == 2
    assert CheckResult.objects.count() == stored + 1
    log = celery_worker_process.log()
    assert "qad.assessment.run_checks" in log and "succeeded" in log


def _pool_processes(worker_pid: int) -> list[int]:
    """The worker's pool processes (its children), which run the tasks."""
    children = Path(f"/proc/{worker_pid}/task/{worker_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def long_run_to_check(*, submitted: bool = True):
    """A participant whose QAD takes long enough to check to be killed in the middle of: ten
    large test logs; its revision submitted (or not yet, to attach them later)."""
    template_published("journey.yaml", JOURNEY_TEMPLATE, criteria=[journey_criteria_doc()])
    participant = Participant()
    fill(participant, ANSWERS)
    attach_long_logs(participant, prefix="R")
    return participant, submit(participant) if submitted else participant.revision


def attach_long_logs(participant, *, prefix: str) -> None:
    for number in range(10):
        attach(
            participant,
            "4.5",
            execution_log(passing_log(90_000, prefix=f"{prefix}{number}")),
            name=f"log-{prefix}-{number}.csv",
            title=f"Regression log {prefix}{number}",
            evidence_type="process_document",
        )


def test_a_worker_killed_mid_run_leaves_the_run_to_be_retried(
    celery_worker_process, reference_data
):
    _participant, revision = long_run_to_check()

    bsc = CodeBody.objects.get(code="BSC")
    run_checks.apply_async(
        kwargs={"revision_id": revision.pk, "code_body_id": bsc.pk, "trigger": "submitted"}
    )
    running = wait_for(
        lambda: CheckRun.objects.filter(revision=revision, status=CheckRunStatus.RUNNING).first(),
        interval=0.02,
        worker=celery_worker_process,
    )
    pool = _pool_processes(celery_worker_process.process.pid)
    assert len(pool) == 1
    os.kill(pool[0], signal.SIGKILL)  # the process running the task, mid-run

    assert latest_check_results(revision) == {}, "nothing of the killed run is shown"
    done = wait_for(
        lambda: CheckRun.objects.filter(revision=revision, status=CheckRunStatus.COMPLETE).first(),
        timeout=90,
        worker=celery_worker_process,
    )
    assert (done.pk, done.attempts) == (running.pk, 2)
    assert CheckRun.objects.filter(revision=revision).count() == 1
    assert CheckResult.objects.filter(run=done).count() == 6
    assert latest_check_results(revision)
    assert "WorkerLostError" in celery_worker_process.log()
