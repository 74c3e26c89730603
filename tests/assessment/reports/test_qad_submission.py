"""The QAD submission report: what it holds, how it is tagged, and the pages around it."""

import base64
import hashlib
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.enums import ReportStatus
from assessment.models import Report
from assessment.reports.documents import qad_submission_context, report_html
from assessment.reports.services import qad_report_request
from assessment.reports.tasks import render_report
from evidence.models import EvidenceLink
from tests.assessment.report_data import (
    RELIANCE_STATEMENT,
    agree_final,
    pdf_text,
    request_report,
    sign,
    stored_pdf,
    submit_with_evidence,
)

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_report_holds_the_whole_submitted_revision(client, northwind):
    revision = submit_with_evidence(northwind)
    client.force_login(northwind.admin)

    response = request_report(client, northwind)

    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert report.status == ReportStatus.READY
    text = pdf_text(stored_pdf(report))
    mpid = northwind.qualification.roles.get().mpid.code
    for fact in (
        "Northwind Energy Supply Ltd",
        f"Company number {northwind.organisation.company_number}",
        f"Supplier (SUP), MPID {mpid}",
        "Systems Integration Testing (SIT)",
        "Initial QAD, revision 1",
        "Journey QAD v99.0",
        "by Olivia Hart",
        revision.content_hash,
        "Not signed",
        # every question with its answer, tables as tables
        "3.1 Describe your MHHS operating model. We operate MHHS in house.",
        "3.2 Do you use a third-party service provider? Yes",
        "3.3 Which testing approach did you take? In-house",
        "4.1 When did testing start? 1 Mar 2025",
        "4.2 When did testing finish? 30 Jun 2025",
        "4.3 How many test cases passed? 412 test cases",
        "4.4 List open defects. Defect reference Due date DEF-1 31 Dec 2026",
        "4.5 Attach your test process document. Evidence: E1, E2, E3",
        # the evidence register, and the reliance placed
        "E1 MHHS operating procedures",
        "E3 GridSoft QT completion report",
        "reliance placed",
        "Evidence pack “GridSoft 4.2 QT evidence” published by GridSoft Ltd",
        RELIANCE_STATEMENT,
        "This revision has not been signed.",
    ):
        assert fact in text
    hashes = set(
        EvidenceLink.objects.filter(revision=revision).values_list(
            "item__stored_file__sha256", flat=True
        )
    )
    assert len(hashes) == 3
    for sha256 in hashes:
        assert f"SHA-256 {sha256}" in text
    assert report.sha256 == hashlib.sha256(stored_pdf(report)).hexdigest()
    assert report.size == len(stored_pdf(report))
    assert report.page_count == len(PdfReader(report.file.path).pages)


def test_a_signed_final_qad_report_carries_the_signature(client, northwind):
    agree_final(northwind)
    signature = sign(northwind)
    client.force_login(northwind.contributor)

    request_report(client, northwind)

    text = pdf_text(stored_pdf(Report.objects.get()))
    assert "Final QAD, revision 1" in text
    assert "Signed by Margaret Lowe (Company Director) on" in text
    assert f"Signed content hash {signature.content_hash}" in text
    assert "Matches this revision Yes: the signed hash is this revision's content hash." in text
    assert signature.declaration in text


def test_the_report_is_a_tagged_pdf_with_a_title_and_a_language(client, northwind):
    submit_with_evidence(northwind)
    client.force_login(northwind.admin)
    request_report(client, northwind)

    reader = PdfReader(io.BytesIO(stored_pdf(Report.objects.get())))

    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == "Initial QAD, revision 1: Northwind Energy Supply Ltd"
    assert reader.metadata.author == "Northwind Energy Supply Ltd"
    assert reader.pdf_header == "%PDF-1.7"


def test_the_status_page_polls_while_preparing_then_offers_the_download(client, northwind):
    submit_with_evidence(northwind)
    client.force_login(northwind.admin)

    response = request_report(client, northwind, render=False)  # no worker has run yet

    report = Report.objects.get()
    status_url = reverse("report-detail", args=[report.public_id])
    assert response["Location"] == status_url
    preparing = page(client.get(status_url))
    assert "Preparing the PDF." in preparing
    assert f'hx-get="{status_url}" hx-trigger="every 2s" hx-swap="outerHTML"' in preparing
    assert 'id="report-status" role="status" aria-live="polite"' in preparing
    fragment = client.get(status_url, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "Preparing the PDF." in page(fragment)
    download_url = reverse("report-download", args=[report.public_id])
    assert client.get(download_url)["Location"] == status_url, "nothing to download yet"

    render_report.delay(report_id=report.pk)

    ready = page(client.get(status_url, headers={"HX-Request": "true"}))
    assert "hx-trigger" not in ready, "polling stops once the PDF is ready"
    assert f'<a class="btn btn-primary" href="{download_url}">Download the PDF</a>' in ready
    report.refresh_from_db()
    assert report.sha256 in ready


def test_the_download_is_the_stored_pdf_as_an_attachment(client, northwind):
    submit_with_evidence(northwind)
    client.force_login(northwind.admin)
    request_report(client, northwind)
    report = Report.objects.get()

    response = client.get(reverse("report-download", args=[report.public_id]))

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="qad-initial-revision-1-northwind-energy-supply-ltd.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert hashlib.sha256(body).hexdigest() == report.sha256
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert response["Repr-Digest"] == f"sha-256=:{digest}:"
    assert body.startswith(b"%PDF-1.7")


def test_the_submission_page_offers_the_pdf_once_the_revision_is_submitted(client, northwind):
    client.force_login(northwind.admin)
    detail = reverse("submission-detail", args=[northwind.submission.public_id])
    button = "Download the QAD as PDF"
    assert button not in page(client.get(detail)), "a draft has no PDF"

    submit_with_evidence(northwind)

    html = page(client.get(detail))
    action = reverse("report-request-qad", args=[northwind.submission.public_id])
    assert f'<form method="post" action="{action}" class="mb-3">' in html
    assert button in html


def test_a_draft_revision_has_no_report(client, northwind):
    client.force_login(northwind.admin)
    assert request_report(client, northwind).status_code == 404
    assert request_report(client, northwind, revision=1).status_code == 404
    assert not Report.objects.exists()


def test_the_report_is_built_with_the_same_queries_however_much_it_holds(
    northwind, django_assert_num_queries
):
    revision = submit_with_evidence(northwind)

    with django_assert_num_queries(8):
        context = qad_submission_context(revision.pk)

    assert [e.number for e in context["register"]] == [1, 2, 3]


def test_the_full_shipped_qad_report_has_every_question_and_file(
    shipped_versions, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from benchmarks.reports import build_full_revision
    from qad.models import Question

    revision = build_full_revision(evidence_files=40)
    with django_assert_num_queries(8):
        qad_submission_context(revision.pk)
    bigger = build_full_revision(evidence_files=120)
    with django_assert_num_queries(8):
        qad_submission_context(bigger.pk)

    with django_capture_on_commit_callbacks(execute=True):
        report = qad_report_request(revision=revision, by=revision.submitted_by)

    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    text = pdf_text(stored_pdf(report))
    questions = Question.objects.filter(template=revision.submission.template)
    assert questions.count() == 124
    for question in questions:
        words = " ".join(question.prompt.split()[:4])
        assert f"{question.ref} {words}" in text, question.ref
    for sha256 in revision.links.values_list("item__stored_file__sha256", flat=True):
        assert f"SHA-256 {sha256}" in text
    assert "Signed by Edward Pryce (Company Director)" in text
    html = report_html(report)
    assert html.seconds < report.render_seconds / 10, "our own share is under a tenth"


def test_the_report_embeds_debians_dejavu_fonts_which_setup_installs(client, northwind):
    from django.conf import settings

    submit_with_evidence(northwind)
    client.force_login(northwind.admin)
    request_report(client, northwind)

    reader = PdfReader(io.BytesIO(stored_pdf(Report.objects.get())))
    fonts = {
        font.get_object()["/BaseFont"].split("+", 1)[-1]: font.get_object()
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert set(fonts) == {"DejaVu-Sans", "DejaVu-Sans-Bold", "DejaVu-Sans-Mono"}
    for font in fonts.values():
        descendant = font.get("/DescendantFonts", [font])[0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"], "embedded, not referenced"
    for setup in ("scripts/system-deps.sh", "Dockerfile"):
        assert "fonts-dejavu-core" in (settings.BASE_DIR / setup).read_text()
