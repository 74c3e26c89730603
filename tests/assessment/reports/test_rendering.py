"""A report is rendered once for the same facts, again when they change, and a failed or
lost render can be tried again."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from assessment.enums import ReportStatus
from assessment.models import STALE_AFTER, Report
from assessment.reports.services import MAX_ATTEMPTS, reports_sweep
from assessment.reports.tasks import RENDER_TASK, render_report
from portal import celery_app
from portal.env import celery_config
from qad.enums import SubmissionState
from qad.models import Answer
from qad.services.submissions import submission_transition
from tests.assessment.report_data import (
    agree_final,
    pdf_text,
    request_report,
    sign,
    stored_pdf,
    submit_with_evidence,
)

pytestmark = pytest.mark.django_db


def test_asking_twice_for_a_frozen_revision_renders_it_once(client, northwind):
    submit_with_evidence(northwind)
    client.force_login(northwind.admin)

    first = request_report(client, northwind)
    report = Report.objects.get()
    rendered = (report.file.name, report.sha256, report.started_at, report.attempts)
    # The Code Bodies take it into review: the revision, and so its record, is unchanged.
    submission_transition(
        submission=northwind.submission, target=SubmissionState.UNDER_REVIEW, actor=None
    )
    client.force_login(northwind.contributor)
    second = request_report(client, northwind)
    render_report.delay(report_id=report.pk)  # a redelivered task finds it ready

    report.refresh_from_db()
    assert first["Location"] == second["Location"] == report.get_absolute_url()
    assert Report.objects.count() == 1
    assert (report.file.name, report.sha256, report.started_at, report.attempts) == rendered
    assert rendered[3] == 1 and report.requested_by == northwind.admin
    assert report.build_seconds > 0 and report.render_seconds > report.build_seconds


def test_signing_changes_what_the_report_shows_so_it_is_rendered_again(client, northwind):
    agree_final(northwind)
    client.force_login(northwind.admin)
    request_report(client, northwind)
    unsigned = Report.objects.get()
    unsigned_pdf = stored_pdf(unsigned)

    sign(northwind)
    request_report(client, northwind)

    signed = Report.objects.exclude(pk=unsigned.pk).get()
    assert signed.revision == unsigned.revision
    assert signed.fingerprint != unsigned.fingerprint
    assert signed.status == ReportStatus.READY and signed.file.name != unsigned.file.name
    assert "Signed by Margaret Lowe" in pdf_text(stored_pdf(signed))
    unsigned.refresh_from_db()
    assert stored_pdf(unsigned) == unsigned_pdf, "the earlier PDF stays as it was"
    assert "Not signed" in pdf_text(unsigned_pdf)


def test_a_failed_render_says_so_and_trying_again_renders_it(client, northwind):
    submit_with_evidence(northwind)
    answer = northwind.answer("4.1")
    # A stored value the report cannot read (written around the services, as old data might be).
    Answer.objects.filter(pk=answer.pk).update(value="not a date")
    client.force_login(northwind.admin)

    request_report(client, northwind)

    report = Report.objects.get()
    assert report.status == ReportStatus.FAILED
    assert "ValueError" in report.error and not report.file
    status = client.get(report.get_absolute_url()).content.decode()
    assert "The PDF could not be prepared." in status and "Try again" in status
    assert client.get(reverse("report-download", args=[report.public_id])).status_code == 302

    Answer.objects.filter(pk=answer.pk).update(value="2025-03-01")
    request_report(client, northwind, revision=1)

    report.refresh_from_db()
    assert Report.objects.count() == 1
    assert report.status == ReportStatus.READY and report.error == ""
    assert "1 Mar 2025" in pdf_text(stored_pdf(report))


def test_a_render_lost_on_the_way_is_sent_again_by_the_sweep(client, northwind):
    submit_with_evidence(northwind)
    client.force_login(northwind.admin)
    request_report(client, northwind, render=False)  # the broker was down: never sent
    report = Report.objects.get()
    later = timezone.now() + STALE_AFTER + dt.timedelta(minutes=1)
    assert reports_sweep(now=timezone.now()) == 0, "not lost yet"
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Preparing the PDF." in page

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert reports_sweep(now=later) == 1

    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.attempts == 1


def test_a_render_lost_too_often_is_marked_failed_and_offered_again(client, northwind):
    submit_with_evidence(northwind)
    client.force_login(northwind.admin)
    request_report(client, northwind, render=False)
    report = Report.objects.get()
    long_ago = timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
    Report.objects.filter(pk=report.pk).update(
        attempts=MAX_ATTEMPTS, started_at=long_ago, queued_at=long_ago
    )
    page = client.get(report.get_absolute_url()).content.decode()
    assert "taking far longer than it should" in page and "hx-trigger" not in page

    assert reports_sweep() == 0

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    request_report(client, northwind, revision=1)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


def test_the_render_runs_on_its_own_queue_reliably():
    assert settings.CELERY_TASK_ROUTES[RENDER_TASK] == {"queue": "reports"}
    assert celery_app.amqp.router.route({}, RENDER_TASK)["queue"].name == "reports"
    assert render_report.name == RENDER_TASK
    assert render_report.acks_late and render_report.reject_on_worker_lost
    assert render_report.retry_on_worker_lost and render_report.max_retries == 2
    # A render past its hard limit is stopped long before the broker would hand it out again.
    redis = celery_config(environ={"REDIS_URL": "redis://broker.internal:6379/0"})
    visibility_timeout = redis["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    assert render_report.soft_time_limit < render_report.time_limit < visibility_timeout
    assert celery_app.conf.worker_prefetch_multiplier == 1
