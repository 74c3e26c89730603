"""PDF reports rendered by a real worker consuming the `reports` queue, and a render whose
worker process is killed half-way is rendered again."""

import os
import signal
import subprocess

import pytest
from django.urls import reverse

from assessment.enums import ReportStatus
from assessment.models import Report
from assessment.reports.services import qad_report_request
from evidence.enums import ScanState
from evidence.models import StoredFile
from tests.assessment.decision_data import (
    Staff,
    agreed_and_signed,
    approve_everywhere,
    load_checked_journey,
    next_meeting,
    review_of,
)
from tests.assessment.report_data import pdf_text, stored_pdf, submit_with_evidence
from tests.integration.conftest import wait_for
from tests.participants import Participant

pytestmark = pytest.mark.integration


def test_a_report_is_rendered_by_a_worker_on_the_reports_queue(
    celery_worker_process, reference_data, journey_template, client
):
    assert any(q.endswith("-reports") for q in celery_worker_process.queues)
    northwind = Participant()
    submit_with_evidence(northwind)
    wait_for(
        lambda: not StoredFile.objects.filter(scan_state=ScanState.PENDING).exists(),
        worker=celery_worker_process,
    )
    client.force_login(northwind.admin)

    response = client.post(
        reverse("report-request-qad", args=[northwind.submission.public_id]), {"revision": 1}
    )

    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()
    ready = wait_for(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.READY).first(),
        worker=celery_worker_process,
    )
    assert "Northwind Energy Supply Ltd" in pdf_text(stored_pdf(ready))
    log = celery_worker_process.log()
    assert "qad.reports.render[" in log and f"Report {report.public_id}:" in log
    assert "Download the PDF" in client.get(report.get_absolute_url()).content.decode()


def _pool_children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


def test_a_render_whose_worker_is_killed_is_rendered_again(celery_worker_process, shipped_versions):
    from benchmarks.reports import build_full_revision

    revision = build_full_revision(evidence_files=300)  # a few seconds to render
    report = qad_report_request(revision=revision, by=revision.submitted_by)
    wait_for(
        lambda: Report.objects.filter(pk=report.pk, attempts=1).exists(),
        interval=0.05,
        worker=celery_worker_process,
    )

    for child in _pool_children(celery_worker_process.process.pid):
        os.kill(child, signal.SIGKILL)  # as the kernel's OOM killer would

    ready = wait_for(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.READY).first(),
        timeout=90,
        worker=celery_worker_process,
    )
    assert ready.attempts == 2, "rendered again after the worker process was lost"
    log = celery_worker_process.log()
    assert "WorkerLostError" in log and "retry" in log.lower()


def test_the_code_bodies_reports_are_rendered_by_the_worker_too(
    celery_worker_process, reference_data, client
):
    load_checked_journey()
    staff = Staff()
    meeting = next_meeting()
    northwind = Participant()
    agreed_and_signed(northwind, staff)
    approve_everywhere(northwind, staff, meeting)
    client.force_login(staff.bsc_lead)

    asked = [
        client.post(
            reverse("report-request-assessment", args=[review_of(northwind, "BSC").public_id])
        ),
        client.post(reverse("report-request-board", args=["BSC", meeting.isoformat()])),
        client.post(
            reverse("report-request-letter", args=[northwind.qualification.public_id, "SUP"])
        ),
    ]

    reports = [Report.objects.get(public_id=r["Location"].split("/")[2]) for r in asked]
    for report in reports:
        ready = wait_for(
            lambda report=report: Report.objects.filter(
                pk=report.pk, status=ReportStatus.READY
            ).first(),
            worker=celery_worker_process,
        )
        assert "Northwind Energy Supply Ltd" in pdf_text(stored_pdf(ready))
    log = celery_worker_process.log()
    for report in reports:
        assert f"Report {report.public_id}:" in log
