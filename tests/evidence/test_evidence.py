"""Evidence end to end: upload, storage, checks, register, download, replace and reliance."""

import csv
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client, TestCase
from django.urls import reverse

from evidence.enums import MalwareState, ScanState
from evidence.models import EvidenceItem, EvidenceLink, EvidencePack, StoredFile
from qad.content_hash import revision_content_hash
from qad.enums import SubmissionState
from qad.services.submissions import revision_open_for_clarifications, submission_transition
from qualification.models import AuditEvent
from tests.evidence.factories import evidence_item, link
from tests.evidence.scanning.files import EICAR, make_pdf, pe_executable, valid_mpan, zip_bytes
from tests.qualification.factories import CodeBodyMemberFactory, code_body

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def upload(
    client,
    participant,
    name,
    content,
    *,
    ref="4.1.5",
    evidence_type=None,
    title="",
    accept_json=False,
):
    answer = participant.answer(ref)
    expected = [e["type"] for e in answer.question.evidence]
    data = {
        "files": [io.BytesIO(content) if isinstance(content, bytes) else content],
        "questions": [answer.question_id],
        "evidence_type": evidence_type or (expected[0] if expected else "process_document"),
        "title": title,
    }
    data["files"][0].name = name
    headers = {"HTTP_ACCEPT": "application/json"} if accept_json else {}
    # The checks run when the upload commits; run them as a real request would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("evidence-upload", args=[participant.submission.public_id]), data, **headers
        )


CSV_CLEAN = b"test case,result,executed on\nTC-001,passed,2025-03-01\nTC-002,failed,2025-03-02\n"


def test_a_clean_csv_is_stored_under_a_generated_name_hashed_and_linked(signed_in, supplier):
    response = upload(
        signed_in,
        supplier,
        "../../PIT log.csv",
        CSV_CLEAN,
        evidence_type="test_execution_log",
        title="PIT execution log",
    )

    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    stored = item.stored_file
    import hashlib

    assert stored.sha256 == hashlib.sha256(CSV_CLEAN).hexdigest()
    assert stored.size == len(CSV_CLEAN)
    assert item.original_name == "PIT log.csv", "path parts are dropped"
    assert stored.storage_name.startswith("evidence/") and "PIT" not in stored.storage_name
    assert default_storage.exists(stored.storage_name)
    assert (item.title, item.evidence_type) == ("PIT execution log", "test_execution_log")
    link = EvidenceLink.objects.get()
    assert (link.question.ref, link.revision) == ("4.1.5", supplier.revision)
    assert stored.scan_state == ScanState.CLEAN
    assert stored.malware_state in (MalwareState.CLEAN, MalwareState.NOT_SCANNED)


def test_uploading_the_same_content_again_links_it_instead_of_storing_it_twice(signed_in, supplier):
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    response = upload(
        signed_in,
        supplier,
        "log-copy.csv",
        CSV_CLEAN,
        ref="4.1.6",
        evidence_type="test_execution_log",
        accept_json=True,
    )

    body = response.json()
    assert body["ok"] and body["items"][0]["duplicate"]
    assert (
        "was already uploaded; it is now linked here too, not stored twice" in (body["messages"][0])
    )
    assert StoredFile.objects.count() == 1 and EvidenceItem.objects.count() == 1
    assert sorted(EvidenceLink.objects.values_list("question__ref", flat=True)) == [
        "4.1.5",
        "4.1.6",
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason_part"),
    [
        ("report.pdf", b"MZ" + pe_executable()[2:], "executable"),
        ("chart.png", b"<html><script>alert(1)</script></html>", "HTML"),
        ("notes.docx", CSV_CLEAN, "named .docx"),
    ],
    ids=["executable named .pdf", "html named .png", "text named .docx"],
)
def test_a_file_whose_name_lies_about_its_content_is_rejected_and_never_served(
    signed_in, supplier, name, content, reason_part
):
    upload(signed_in, supplier, name, content, evidence_type="test_completion_report")

    item = EvidenceItem.objects.get()
    assert item.stored_file.scan_state == ScanState.REJECTED
    assert reason_part.lower() in " ".join(item.stored_file.reasons).lower()
    download = reverse("evidence-download", args=[item.public_id])
    assert signed_in.get(download).status_code == 404
    register = text(
        signed_in.get(reverse("evidence-register", args=[supplier.submission.public_id]))
    )
    assert "Rejected" in register


def test_personal_data_is_reported_masked_and_can_be_justified(signed_in, supplier):
    mpan = valid_mpan("131500116512")
    content = (f"MPAN,customer email,phone\n{mpan},jane.doe@gmail.com,07700 900123\n").encode()
    upload(signed_in, supplier, "results.csv", content, evidence_type="test_execution_log")

    item = EvidenceItem.objects.get()
    stored = item.stored_file
    assert stored.scan_state == ScanState.NEEDS_ATTENTION
    kinds = {f["kind"] for f in stored.findings}
    assert {"mpan", "email", "phone"} <= kinds
    previews = " ".join(f["preview"] for f in stored.findings)
    assert mpan not in previews and "jane.doe@gmail.com" not in previews
    register_url = reverse("evidence-register", args=[supplier.submission.public_id])
    page = text(signed_in.get(register_url))
    assert "possible items of personal data" in page and mpan not in page

    checklist = text(
        signed_in.get(reverse("submission-checklist", args=[supplier.submission.public_id]))
    )
    assert "seems to contain personal data" in checklist

    signed_in.post(
        reverse("evidence-justify", args=[item.public_id]),
        {"justification": "These are synthetic test values from the DIP simulator."},
    )
    item.refresh_from_db()
    assert item.state == ScanState.CLEAN
    checklist = text(
        signed_in.get(reverse("submission-checklist", args=[supplier.submission.public_id]))
    )
    assert "seems to contain personal data" not in checklist


def test_what_the_personal_data_check_could_not_read_is_said_beside_the_file(signed_in, supplier):
    archive = zip_bytes({"log.csv": CSV_CLEAN, "report.pdf": b"not really a PDF at all"})
    upload(signed_in, supplier, "bundle.zip", archive, evidence_type="test_execution_log")

    stored = EvidenceItem.objects.get().stored_file
    assert stored.scan_state == ScanState.CLEAN, "nothing was found in what could be read"
    assert not stored.personal_data_complete
    assert any("report.pdf" in note for note in stored.personal_data_notes)
    register_url = reverse("evidence-register", args=[supplier.submission.public_id])
    page = text(signed_in.get(register_url))
    assert "Not all of this file could be checked for personal data" in page
    assert "report.pdf" in page


def test_required_evidence_leaves_the_checklist_once_attached(signed_in, supplier, tmp_path):
    checklist_url = reverse("submission-checklist", args=[supplier.submission.public_id])
    assert "4.1.5</a>: Attach evidence: Test completion report." in text(
        signed_in.get(checklist_url)
    )
    pdf = make_pdf(
        tmp_path / "pit.pdf", ["<h1>PIT completion report</h1><p>All exit criteria met.</p>"]
    )
    upload(signed_in, supplier, "pit.pdf", pdf.read_bytes(), evidence_type="test_completion_report")

    page = text(signed_in.get(checklist_url))
    assert "4.1.5</a>: Attach evidence: Test completion report." not in page
    assert "4.1.5</a>: Attach evidence: Test execution log." in page


def test_a_scanner_that_cannot_be_reached_leaves_the_file_pending(signed_in, supplier, settings):
    settings.CLAMAV_URL = "tcp://127.0.0.1:9"
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    stored = StoredFile.objects.get()
    assert stored.scan_state == ScanState.PENDING
    assert stored.malware_state == MalwareState.UNAVAILABLE
    checklist = text(
        signed_in.get(reverse("submission-checklist", args=[supplier.submission.public_id]))
    )
    assert "is still being checked" in checklist


def test_eicar_alone_and_zipped_is_quarantined_and_cannot_be_downloaded(
    signed_in, supplier, settings
):
    import os

    if not os.environ.get("CLAMAV_URL"):
        pytest.skip("needs CLAMAV_URL: a real clamd with the test EICAR signature (.ci/run)")
    settings.CLAMAV_URL = os.environ["CLAMAV_URL"]
    upload(signed_in, supplier, "eicar.txt", EICAR, evidence_type="test_execution_log")
    upload(
        signed_in,
        supplier,
        "eicar.zip",
        zip_bytes({"eicar.txt": EICAR}),
        evidence_type="test_execution_log",
        ref="4.1.6",
    )

    for item in EvidenceItem.objects.all():
        assert item.stored_file.malware_state == MalwareState.INFECTED
        assert item.stored_file.quarantined
        assert signed_in.get(reverse("evidence-download", args=[item.public_id])).status_code == 404


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(signed_in, supplier, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    response = upload(
        signed_in,
        supplier,
        "big.csv",
        b"x" * 200_000,
        accept_json=True,
        evidence_type="test_execution_log",
    )
    assert response.status_code == 413
    assert "larger than the" in response.json()["message"]
    assert not StoredFile.objects.exists()


def test_a_file_that_grows_past_the_limit_while_streaming_is_stopped(signed_in, supplier, settings):
    """A client that understates the size is cut off by the upload handler itself."""
    settings.EVIDENCE_MAX_BYTES = 1000
    response = upload(
        signed_in,
        supplier,
        "big.csv",
        b"x" * 5000,
        accept_json=True,
        evidence_type="test_execution_log",
    )
    assert response.status_code == 400
    assert not StoredFile.objects.exists() and not EvidenceItem.objects.exists()


def test_download_is_an_attachment_with_the_sniffed_type_and_nosniff(signed_in, supplier):
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    item = EvidenceItem.objects.get()
    response = signed_in.get(reverse("evidence-download", args=[item.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="log.csv"'
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == CSV_CLEAN


def test_who_may_download(client, signed_in, supplier, meterline_shipped):
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    item = EvidenceItem.objects.get()
    url = reverse("evidence-download", args=[item.public_id])
    state = reverse("evidence-state", args=[item.public_id])
    client.force_login(meterline_shipped.admin)
    assert client.get(url).status_code == 404
    assessor = CodeBodyMemberFactory(code_body=code_body("BSC")).user
    client.force_login(assessor)
    assert client.get(url).status_code == 404, "a draft is the participant's own until submitted"
    assert client.get(state).status_code == 404

    submission_transition(
        submission=supplier.submission, target=SubmissionState.SUBMITTED, actor=supplier.admin
    )
    assert client.get(url).status_code == 200, "the BSC assesses Suppliers"
    assert client.get(state).status_code == 200


def test_evidence_of_a_new_revision_is_not_shown_to_assessors_until_it_is_submitted(
    client, signed_in, supplier
):
    """Clarifications open a new revision; what is uploaded to it is the participant's own
    until that revision is submitted, though the submission was submitted before."""
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    submission_transition(
        submission=supplier.submission, target=SubmissionState.SUBMITTED, actor=supplier.admin
    )
    submitted = EvidenceItem.objects.get()
    later = revision_open_for_clarifications(
        submission=supplier.submission,
        reopened_question_ids={supplier.answer("4.1.5").question_id},
    )
    draft_only = evidence_item(
        b"test case,result\nTC-001,passed\n",
        name="new.csv",
        evidence_type="test_execution_log",
        organisation=supplier.organisation,
        submission=supplier.submission,
        uploaded_by=supplier.contributor,
    )
    link(later, "4.1.5", draft_only, by=supplier.contributor)

    client.force_login(CodeBodyMemberFactory(code_body=code_body("BSC")).user)
    assert client.get(reverse("evidence-download", args=[submitted.public_id])).status_code == 200
    assert client.get(reverse("evidence-download", args=[draft_only.public_id])).status_code == 404


def test_a_file_of_a_submitted_revision_cannot_be_removed_or_replaced(signed_in, supplier):
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    link = EvidenceLink.objects.get()
    submission_transition(
        submission=supplier.submission, target=SubmissionState.SUBMITTED, actor=supplier.admin
    )
    public_id = supplier.submission.public_id
    signed_in.post(reverse("evidence-remove", args=[public_id, link.pk]))
    replacement = io.BytesIO(b"test case,result\nTC-9,passed\n")
    replacement.name = "new.csv"
    signed_in.post(reverse("evidence-replace", args=[public_id, link.pk]), {"files": [replacement]})
    assert EvidenceLink.objects.filter(pk=link.pk, item=link.item).exists()
    assert EvidenceItem.objects.count() == 1


def test_replacing_a_file_keeps_the_old_version_for_the_record(signed_in, supplier):
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    link = EvidenceLink.objects.get()
    replacement = io.BytesIO(b"test case,result\nTC-001,passed\nTC-002,passed\n")
    replacement.name = "log-v2.csv"
    signed_in.post(
        reverse("evidence-replace", args=[supplier.submission.public_id, link.pk]),
        {"files": [replacement]},
    )

    old = link.item
    new = EvidenceItem.objects.get(replaces=old)
    link.refresh_from_db()
    assert link.item == new and new.original_name == "log-v2.csv"
    assert default_storage.exists(old.stored_file.storage_name)


def test_the_content_hash_covers_the_evidence(signed_in, supplier):
    before = revision_content_hash(supplier.revision)
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    assert revision_content_hash(supplier.revision) != before


def test_the_register_exports_csv_with_formulas_neutralised(signed_in, supplier):
    upload(
        signed_in,
        supplier,
        "log.csv",
        CSV_CLEAN,
        evidence_type="test_execution_log",
        title='=HYPERLINK("http://evil")',
    )
    url = reverse("evidence-register", args=[supplier.submission.public_id]) + "?format=csv"
    response = signed_in.get(url)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Title", "Type", "Questions"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][5] == EvidenceItem.objects.get().stored_file.sha256


@pytest.mark.parametrize("who", ["other organisation", "unrelated assessor"])
def test_uploads_are_refused_to_outsiders_and_change_nothing(
    client, supplier, who, meterline_shipped
):
    user = (
        meterline_shipped.admin
        if who == "other organisation"
        else CodeBodyMemberFactory(code_body=code_body("DIP")).user
    )
    client.force_login(user)
    response = upload(client, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    assert response.status_code in (403, 404)
    assert not StoredFile.objects.exists() and not EvidenceItem.objects.exists()


def test_reliance_on_a_granted_evidence_pack_shows_its_source(signed_in, supplier, client):
    from tests.qualification.factories import OrganisationFactory, UserFactory

    vendor = OrganisationFactory(legal_name="GridSoft Ltd")
    pack = EvidencePack.objects.create(publisher=vendor, name="GridSoft 4.2 QT evidence")
    pack.granted_to.add(supplier.organisation)
    stored = StoredFile.objects.create(
        sha256="a" * 64, size=10, storage_name="evidence/x", scan_state=ScanState.CLEAN
    )
    item = EvidenceItem.objects.create(
        organisation=vendor,
        pack=pack,
        stored_file=stored,
        title="GridSoft QT completion report",
        evidence_type="test_completion_report",
        original_name="qt.pdf",
        uploaded_by=UserFactory(),
    )
    question = supplier.answer("4.1.5").question
    rely = reverse("evidence-rely", args=[supplier.submission.public_id])
    signed_in.post(
        rely,
        {
            "item": item.public_id,
            "question": question.pk,
            "statement": "We run GridSoft 4.2 unchanged, same configuration.",
        },
    )

    link = EvidenceLink.objects.get()
    assert link.relied_on and link.item == item
    page = text(signed_in.get(reverse("evidence-register", args=[supplier.submission.public_id])))
    assert "Relied on" in page and "published by GridSoft Ltd" in page
    assert "We run GridSoft 4.2 unchanged" in page
    register = reverse("evidence-register", args=[supplier.submission.public_id])
    rows = signed_in.get(register + "?format=csv").content.decode().splitlines()
    assert "Relied on,Relied on from,Why it applies" in rows[0]
    assert (
        'yes,"GridSoft 4.2 QT evidence, published by GridSoft Ltd",'
        '"We run GridSoft 4.2 unchanged, same configuration."' in rows[1]
    )

    pack.granted_to.clear()
    EvidenceLink.objects.all().delete()
    signed_in.post(
        rely,
        {
            "item": item.public_id,
            "question": question.pk,
            "statement": "We run GridSoft 4.2 unchanged, same configuration.",
        },
    )
    assert not EvidenceLink.objects.exists(), "a pack not granted cannot be relied on"


def test_a_file_still_being_checked_is_not_served_nor_offered_until_its_checks_finish(
    signed_in, supplier, meterline_shipped, settings
):
    """The scanner was down: the EICAR test file, still pending, must not be served."""
    from evidence.tasks import scan_stored_file

    settings.CLAMAV_URL = "tcp://127.0.0.1:9"
    upload(signed_in, supplier, "eicar.txt", EICAR, evidence_type="test_execution_log")
    item = EvidenceItem.objects.get()
    assert item.stored_file.scan_state == ScanState.PENDING
    download = reverse("evidence-download", args=[item.public_id])
    state = reverse("evidence-state", args=[item.public_id])

    response = signed_in.get(download)
    assert response.status_code == 409
    assert "is still being checked" in text(response)
    assert EICAR not in response.content
    assert text(signed_in.get(state)).count(download) == 0
    pages = [
        (reverse("evidence-register", args=[supplier.submission.public_id]), "Being checked"),
        (
            reverse("submission-section", args=[supplier.submission.public_id, "4.1"]),
            "1 file attached · 1 being checked",
        ),
        (
            reverse("answer-evidence", args=[supplier.submission.public_id, "4.1.5"]),
            "Being checked",
        ),
    ]
    for page, says in pages:
        html = text(signed_in.get(page, headers={"HX-Request": "true"}))
        assert says in html and download not in html, page
    outsider = Client()
    outsider.force_login(meterline_shipped.admin)
    assert outsider.get(download).status_code == 404, "outsiders learn nothing"

    settings.CLAMAV_URL = ""  # no scanner at all: recorded as "not scanned", then served
    scan_stored_file.apply(kwargs={"stored_file_id": item.stored_file_id})
    item.refresh_from_db()
    assert item.stored_file.malware_state == MalwareState.NOT_SCANNED
    assert download in text(signed_in.get(state)), "the polled badge brings the link along"
    assert signed_in.get(download).status_code == 200


@pytest.mark.parametrize(
    ("scan_state", "malware_state", "status"),
    [
        (ScanState.CLEAN, MalwareState.CLEAN, 200),
        (ScanState.CLEAN, MalwareState.NOT_SCANNED, 200),
        (ScanState.NEEDS_ATTENTION, MalwareState.CLEAN, 200),
        (ScanState.PENDING, "", 409),
        (ScanState.PENDING, MalwareState.UNAVAILABLE, 409),
        (ScanState.CLEAN, "", 409),  # never assumed scanned because nobody said otherwise
        (ScanState.REJECTED, MalwareState.CLEAN, 404),
        (ScanState.REJECTED, MalwareState.INFECTED, 404),
    ],
)
def test_only_files_whose_checks_let_them_through_are_served(
    signed_in, supplier, scan_state, malware_state, status
):
    from tests.evidence.factories import attach

    item = attach(
        supplier,
        "4.1.5",
        CSV_CLEAN,
        name="log.csv",
        evidence_type="test_execution_log",
        scan_state=scan_state,
        malware_state=malware_state,
        reasons=["The file is named .csv but its content is a Windows executable."]
        if scan_state == ScanState.REJECTED
        else None,
    )
    download = reverse("evidence-download", args=[item.public_id])

    response = signed_in.get(download)

    assert response.status_code == status
    register = text(
        signed_in.get(reverse("evidence-register", args=[supplier.submission.public_id]))
    )
    assert (download in register) == (status == 200)
    if status == 409:
        assert "is still being checked" in text(response)
    if status == 404:
        assert "was rejected (The file is named .csv but its content is a Windows" in text(response)


def test_a_zip_holding_an_installer_is_rejected_on_upload_and_never_served(signed_in, supplier):
    upload(
        signed_in,
        supplier,
        "evidence.zip",
        zip_bytes({"logs/run.log": b"ok\n", "setup.exe": pe_executable(), "page.html": b"<p>"}),
        evidence_type="test_execution_log",
    )

    item = EvidenceItem.objects.get()
    assert item.stored_file.scan_state == ScanState.REJECTED
    assert "'setup.exe' in the archive ends .exe" in " ".join(item.stored_file.reasons)
    assert signed_in.get(reverse("evidence-download", args=[item.public_id])).status_code == 404
    register = text(
        signed_in.get(reverse("evidence-register", args=[supplier.submission.public_id]))
    )
    assert "Rejected" in register and "setup.exe" in register


def test_replacing_a_file_from_the_page_answers_the_uploader_in_json(signed_in, supplier):
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    link = EvidenceLink.objects.get()
    replacement = io.BytesIO(b"test case,result\nTC-001,passed\nTC-002,passed\n")
    replacement.name = "log-v2.csv"

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = signed_in.post(
            reverse("evidence-replace", args=[supplier.submission.public_id, link.pk]),
            {"files": [replacement]},
            HTTP_ACCEPT="application/json",
        )

    assert response.status_code == 200
    body = response.json()
    new = EvidenceItem.objects.get(replaces=link.item)
    assert body["ok"] is True
    assert body["message"].startswith("New version uploaded")
    assert body["items"] == [{"id": str(new.public_id), "replaces": str(link.item.public_id)}]


def test_the_section_page_lists_a_questions_files_when_its_evidence_panel_is_opened(
    signed_in, supplier
):
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, title="PIT execution log")
    link = EvidenceLink.objects.get()
    public_id = supplier.submission.public_id
    section = reverse("submission-section", args=[public_id, "4.1"])
    panel = reverse("answer-evidence", args=[public_id, "4.1.5"])

    closed = text(signed_in.get(section))
    opened = text(signed_in.get(panel, headers={"HX-Request": "true"}))

    assert "1 file attached" in closed
    assert f'hx-get="{panel}"' in closed
    assert "PIT execution log</a>" not in closed, "the files are listed once the panel opens"
    assert f'href="/evidence/{link.item.public_id}/download/">PIT execution log</a>' in opened
    remove = reverse("evidence-remove", args=[public_id, link.pk])
    assert f'formaction="{remove}"' in opened
    # The forms go beside the section's form (forms cannot nest), where htmx puts them.
    assert '<div hx-swap-oob="beforeend:#evidence-forms">' in opened
    replace = reverse("evidence-replace", args=[public_id, link.pk])
    assert f'<form id="replace-{link.pk}" method="post"' in opened and replace in opened
    back = f"{section}?evidence=4.1.5#q-4-1-5"
    assert f'data-return="{back}"' in opened


def test_without_javascript_the_evidence_panel_opens_on_the_section_page(signed_in, supplier):
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, title="PIT execution log")
    link = EvidenceLink.objects.get()
    public_id = supplier.submission.public_id
    section = reverse("submission-section", args=[public_id, "4.1"])

    visit = signed_in.get(reverse("answer-evidence", args=[public_id, "4.1.5"]))
    page = text(signed_in.get(f"{section}?evidence=4.1.5"))
    removed = signed_in.post(reverse("evidence-remove", args=[public_id, link.pk]))

    assert (visit.status_code, visit["Location"]) == (302, f"{section}?evidence=4.1.5#q-4-1-5")
    assert "PIT execution log</a>" in page
    assert f'<form id="replace-{link.pk}" method="post"' in page
    assert f'<form id="upload-{link.question_id}" method="post"' in page
    assert removed["Location"] == f"{section}?evidence=4.1.5#q-4-1-5", "back to the open panel"


def test_a_rejected_file_is_shown_on_the_section_page_without_opening_anything(signed_in, supplier):
    upload(signed_in, supplier, "report.pdf", b"MZ\x90\x00 not a pdf", title="PIT report")
    assert EvidenceItem.objects.get().stored_file.scan_state == ScanState.REJECTED

    page = text(
        signed_in.get(reverse("submission-section", args=[supplier.submission.public_id, "4.1"]))
    )

    assert "PIT report" in page and "Rejected" in page


def test_a_title_over_its_limit_is_refused_not_cut_and_nothing_is_stored(signed_in, supplier):
    response = upload(signed_in, supplier, "log.csv", CSV_CLEAN, title="PIT log " * 30)

    assert not EvidenceItem.objects.exists()
    assert "A title can be up to 200 characters long; this one has 239." in text(
        signed_in.get(response.url) if response.status_code == 302 else response
    )


def test_each_file_of_one_batch_keeps_its_own_evidence_type(signed_in, supplier):
    answer = supplier.answer("4.1.5")
    files = [io.BytesIO(CSV_CLEAN), io.BytesIO(b"Completion report: every case passed.\n")]
    files[0].name, files[1].name = "pit-log.csv", "pit-report.txt"
    with TestCase.captureOnCommitCallbacks(execute=True):
        signed_in.post(
            reverse("evidence-upload", args=[supplier.submission.public_id]),
            {
                "files": files,
                "questions": [answer.question_id],
                "evidence_type": ["test_execution_log", "test_completion_report"],
                "title": ["PIT execution log", "PIT completion report"],
            },
        )

    stored = dict(EvidenceItem.objects.values_list("title", "evidence_type"))
    assert stored == {
        "PIT execution log": "test_execution_log",
        "PIT completion report": "test_completion_report",
    }


def test_a_file_s_title_type_and_questions_are_changed_afterwards_and_recorded(signed_in, supplier):
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    item = EvidenceItem.objects.get()
    other = supplier.answer("4.1.1").question
    url = reverse("evidence-change", args=[item.public_id])
    register = text(
        signed_in.get(reverse("evidence-register", args=[supplier.submission.public_id]))
    )
    assert url in register

    signed_in.post(
        url,
        {
            "title": "PIT log, week 1",
            "evidence_type": "test_completion_report",
            "questions": [other.pk],
        },
    )

    item.refresh_from_db()
    assert (item.title, item.evidence_type) == ("PIT log, week 1", "test_completion_report")
    assert [link.question.ref for link in EvidenceLink.objects.filter(item=item)] == ["4.1.1"]
    event = AuditEvent.objects.get(kind="evidence.changed")
    assert event.before == {
        "title": "log.csv",
        "type": "test_execution_log",
        "questions": ["4.1.5"],
    }
    assert event.after["questions"] == ["4.1.1"] and event.actor == supplier.contributor


def test_a_file_is_clean_only_once_its_checks_have_run_and_passed(signed_in, supplier, settings):
    register_url = reverse("evidence-register", args=[supplier.submission.public_id])
    settings.CLAMAV_URL = "tcp://127.0.0.1:9"  # the scanner cannot be reached: still checking
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")

    page = text(signed_in.get(register_url))
    assert "Being checked" in page and ">Clean</span>" not in page
    assert (
        "You can carry on meanwhile; it cannot be submitted until the checks have passed." in page
    )

    StoredFile.objects.update(scan_state=ScanState.CLEAN, malware_state=MalwareState.NOT_SCANNED)
    page = text(signed_in.get(register_url))
    assert "Checked, but not scanned for malware" in page and ">Clean</span>" not in page


def test_changing_a_file_refuses_an_empty_title_and_changes_nothing(signed_in, supplier):
    upload(signed_in, supplier, "log.csv", CSV_CLEAN, evidence_type="test_execution_log")
    item = EvidenceItem.objects.get()
    question = supplier.answer("4.1.5").question

    refused = signed_in.post(
        reverse("evidence-change", args=[item.public_id]),
        {"title": "  ", "evidence_type": "test_completion_report", "questions": [question.pk]},
    )

    assert refused.status_code == 400
    assert "Give the file a title." in text(refused)
    item.refresh_from_db()
    assert (item.title, item.evidence_type) == ("log.csv", "test_execution_log")
    assert not AuditEvent.objects.filter(kind="evidence.changed").exists()
