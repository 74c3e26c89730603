"""Submitted QADs with evidence, reliance and signatures, and reading the PDFs made of them."""

from __future__ import annotations

import hashlib
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from evidence.enums import ScanState
from evidence.models import EvidenceItem, EvidenceLink, EvidencePack, StoredFile
from evidence.services import evidence_rely, evidence_upload
from qad.enums import SubmissionState
from qad.models import Revision
from qad.services.signing import submission_sign
from qad.services.submissions import final_qad_start, submission_transition
from qualification.enums import QualificationState
from qualification.services import qualification_transition
from tests.qad.test_submit_and_sign import COMPLETE, fill
from tests.qualification.factories import PASSWORD, OrganisationFactory, UserFactory

RELIANCE_STATEMENT = (
    "We run GridSoft 4.2 unchanged, with the same configuration as the vendor's QT cohort."
)
PROCESS_NOTE = b"Settlement operations: daily checks of DIP message queues.\n"
DEFECT_LOG = b"defect,severity,status\nDEF-1,Medium,Open\n"


def upload(participant, ref: str, name: str, content: bytes, title: str) -> EvidenceItem:
    """Upload through the service; the checks run as they do when a real upload commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return evidence_upload(
            submission=participant.submission,
            upload=SimpleUploadedFile(name, content),
            sha256=hashlib.sha256(content).hexdigest(),
            title=title,
            evidence_type="process_document",
            questions=[participant.answer(ref).question],
            by=participant.contributor,
        ).item


def rely_on_vendor_pack(participant, ref: str) -> EvidenceLink:
    """The participant places reliance on a clean file of a vendor's evidence pack."""
    vendor = OrganisationFactory(legal_name="GridSoft Ltd")
    pack = EvidencePack.objects.create(publisher=vendor, name="GridSoft 4.2 QT evidence")
    pack.granted_to.add(participant.organisation)
    stored = StoredFile.objects.create(
        sha256=hashlib.sha256(b"gridsoft qt report").hexdigest(),
        size=18,
        storage_name="evidence/gridsoft",
        scan_state=ScanState.CLEAN,
    )
    item = EvidenceItem.objects.create(
        organisation=vendor,
        pack=pack,
        stored_file=stored,
        title="GridSoft QT completion report",
        evidence_type="process_document",
        original_name="qt.pdf",
        uploaded_by=UserFactory(),
    )
    return evidence_rely(
        submission=participant.submission,
        item=item,
        question=participant.answer(ref).question,
        statement=RELIANCE_STATEMENT,
        by=participant.contributor,
    )


def submit_with_evidence(participant, answers=None) -> Revision:
    """Northwind's Initial QAD answered, with two files and a reliance, submitted."""
    fill(participant, answers or COMPLETE)
    upload(participant, "4.5", "procedures.txt", PROCESS_NOTE, "MHHS operating procedures")
    upload(participant, "4.5", "defects.csv", DEFECT_LOG, "Open defect log")
    rely_on_vendor_pack(participant, "4.5")
    submission_transition(
        submission=participant.submission, target=SubmissionState.SUBMITTED, actor=participant.admin
    )
    return participant.revision


def agree_final(participant) -> Revision:
    """The Final QAD, submitted and agreed complete by the Code Bodies, not yet signed."""
    fill(participant)
    submission_transition(
        submission=participant.submission, target=SubmissionState.SUBMITTED, actor=participant.admin
    )
    participant.submission = final_qad_start(
        qualification=participant.qualification, by=participant.admin
    )
    submission_transition(
        submission=participant.submission, target=SubmissionState.SUBMITTED, actor=participant.admin
    )
    for target in (SubmissionState.UNDER_REVIEW, SubmissionState.AGREED_COMPLETE):
        submission_transition(submission=participant.submission, target=target, actor=None)
    qualification_transition(
        qualification=participant.qualification,
        target=QualificationState.AWAITING_SIGNATURE,
        actor=None,
    )
    return participant.revision


def sign(participant):
    return submission_sign(
        submission=participant.submission,
        user=participant.signatory,
        password=PASSWORD,
        declaration_confirmed=True,
    )


def request_report(client, participant, *, revision: int | None = None, render: bool = True):
    """POST the request as the page's button does; the render runs when it commits."""
    url = reverse("report-request-qad", args=[participant.submission.public_id])
    data = {"revision": revision} if revision is not None else {}
    with TestCase.captureOnCommitCallbacks(execute=render):
        return client.post(url, data)


def pdf_text(content: bytes) -> str:
    """The PDF's text with runs of whitespace made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def stored_pdf(report) -> bytes:
    with report.file.open("rb") as stored:
        return stored.read()
