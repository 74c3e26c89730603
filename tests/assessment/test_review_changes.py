"""What changed between two submitted revisions, as the assessor reads it: evidence added,
removed, and replaced by a new version, beside the answers."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import Clarification
from assessment.services.clarifications import clarification_answer
from evidence.models import EvidenceLink
from evidence.services import evidence_replace, evidence_unlink, evidence_upload
from qad.services.submissions import submission_submit
from tests.assessment.test_reviews import committed, record, review, text
from tests.qad.test_submit_and_sign import fill

pytestmark = pytest.mark.django_db


def upload(participant, name: str, content: bytes):
    return committed(  # the file's checks run when the upload commits
        evidence_upload,
        submission=participant.submission,
        upload=SimpleUploadedFile(name, content, content_type="text/plain"),
        sha256=hashlib.sha256(content).hexdigest(),
        title=name,
        evidence_type="process_document",
        questions=[participant.answer("4.4").question],
        by=participant.admin,
    )


def link(participant, title: str) -> EvidenceLink:
    return EvidenceLink.objects.get(revision=participant.revision, item__title=title)


def test_the_changes_name_added_removed_and_replaced_files(client, northwind, people):
    fill(northwind)
    upload(northwind, "process-v1.txt", b"Our test process, first version.\n")
    upload(northwind, "old-annex.txt", b"An annex we no longer need.\n")
    committed(
        submission_submit, submission=northwind.submission, by=northwind.admin, revision_number=1
    )
    client.force_login(people.bsc)
    record(
        client,
        northwind,
        "BSC-4",
        "clarification",
        comment="Please send the current process document.",
        question=northwind.answer("4.4").question_id,
    )
    committed(
        client.post, reverse("clarifications-send", args=[review(northwind, "BSC").public_id])
    )

    northwind.submission.refresh_from_db()  # now waiting for the participant's answers
    new_version = b"Our test process, second version.\n"
    committed(
        evidence_replace,
        link=link(northwind, "process-v1.txt"),
        upload=SimpleUploadedFile("process-v2.txt", new_version, content_type="text/plain"),
        sha256=hashlib.sha256(new_version).hexdigest(),
        by=northwind.admin,
    )
    evidence_unlink(link=link(northwind, "old-annex.txt"), by=northwind.admin)
    upload(northwind, "test-summary.txt", b"Summary of the retests.\n")
    clarification_answer(
        clarification=Clarification.objects.get(),
        text="The new version is attached, with a summary of the retests.",
        by=northwind.admin,
    )
    committed(
        submission_submit, submission=northwind.submission, by=northwind.admin, revision_number=2
    )

    changes = text(client.get(reverse("review-changes", args=[review(northwind, "BSC").public_id])))
    assert "new version of “process-v1.txt”" in changes
    assert "added “test-summary.txt”" in changes
    assert "removed “old-annex.txt”" in changes
    assert "added “process-v1.txt”" not in changes and "removed “process-v1.txt”" not in changes


def test_a_changed_table_answer_marks_its_changed_cells_and_rows(client, submitted, people):
    from tests.assessment.test_reviews import answer_all, edit, resubmit, send

    client.force_login(people.bsc)
    record(
        client,
        submitted,
        "BSC-4",
        "clarification",
        comment="When will DEF-1 be closed?",
        question=submitted.answer("4.4").question_id,
    )
    send(client, submitted, "BSC")
    edit(
        submitted,
        "4.4",
        [{"reference": "DEF-1", "due": "2027-01-31"}, {"reference": "DEF-2", "due": "2027-02-28"}],
    )
    answer_all(submitted)
    resubmit(submitted, 2)

    page = client.get(reverse("review-changes", args=[review(submitted, "BSC").public_id]))
    html = text(page)

    assert 'class="table table-sm table-bordered table-diff table-stack"' in html
    assert '<td data-label="Defect reference">DEF-1</td>' in html, "an unchanged cell as it is"
    assert (
        '<td data-label="Due date" class="cell-changed"><del><span class="visually-hidden">was: '
        '</span>31 Dec 2026</del> <ins><span class="visually-hidden">now: </span>31 Jan 2027'
        "</ins></td>"
    ) in html
    assert '<tr class="row-added">' in html and "DEF-2" in html
