"""The QAD as a PDF in a real browser: ask for it, watch the page while it is prepared (htmx
polling), download it. Both states of the page are scanned with axe-core."""

import hashlib

import pytest
from playwright.sync_api import expect

from assessment.enums import ReportKind
from assessment.models import Report
from assessment.reports.documents import qad_submission_fingerprint, revision_subject_key
from assessment.reports.services import report_render
from tests.assessment.report_data import submit_with_evidence
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.participants import Participant
from tests.qualification.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def submitted(reference_data, journey_template):
    participant = Participant()
    submit_with_evidence(participant)
    return participant


def test_a_participant_downloads_the_qad_as_pdf(page, submitted):
    sign_in(page, submitted.admin.email, PASSWORD)
    page.goto(f"/submissions/{submitted.submission.public_id}/")

    page.get_by_role("button", name="Download the QAD as PDF").click()

    expect(
        page.get_by_role("heading", name="The Initial QAD, revision 1, as a PDF")
    ).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("The PDF is ready.")
    assert axe_violations(page) == []
    screenshot(page, "report-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    report = Report.objects.get()
    assert download.value.suggested_filename == (
        "qad-initial-revision-1-northwind-energy-supply-ltd.pdf"
    )
    content = download.value.path().read_bytes()
    assert hashlib.sha256(content).hexdigest() == report.sha256


def test_the_page_follows_a_report_being_prepared_until_it_is_ready(page, submitted):
    revision = submitted.revision
    # Asked for, not yet taken by a worker (what the request leaves behind).
    report = Report.objects.create(
        kind=ReportKind.QAD_SUBMISSION,
        revision=revision,
        subject_key=revision_subject_key(revision),
        fingerprint=qad_submission_fingerprint(revision),
        requested_by=submitted.admin,
    )
    sign_in(page, submitted.admin.email, PASSWORD)
    page.goto(report.get_absolute_url())
    expect(page.get_by_role("status")).to_contain_text("Preparing the PDF.")
    assert axe_violations(page) == []
    screenshot(page, "report-preparing")

    report_render(report_id=report.pk)  # the worker's turn

    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("status")).to_contain_text("The PDF is ready.")
    assert axe_violations(page) == []
