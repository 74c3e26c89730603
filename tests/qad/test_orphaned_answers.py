"""Answers a move to a new version has no place for: kept read-only, shown exactly as they
were (a table as a table, a choice by its label), each with the true reason, and their files
still in the evidence register."""

import copy
import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from assessment.reports.documents import qad_submission_context
from qad.models import OrphanedAnswer
from qad.services.moves import move_qualification
from tests.evidence.factories import attach
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import UserFactory
from tests.version_files import JOURNEY_TEMPLATE, template_published

pytestmark = pytest.mark.django_db


def journey_992():
    """The journey QAD with the open-defects table (4.4) and the process document (4.5)
    removed, and the testing approach (3.3) asked of Advanced Data Services only."""
    document = copy.deepcopy(JOURNEY_TEMPLATE)
    document["version"] = "99.2"
    document["title"] = "Journey QAD v99.2"
    for section in document["sections"]:
        section["questions"] = [
            q for q in section.get("questions", []) if q["ref"] not in ("4.4", "4.5")
        ]
        for question in section["questions"]:
            if question["ref"] == "3.3":
                question["applies_to"] = {"roles": ["ADS"]}
    return template_published("journey-99.2.yaml", document)


@pytest.fixture
def moved(northwind):
    fill(northwind)
    attach(
        northwind,
        "4.5",
        b"%PDF-1.4 test process",
        name="test-process.pdf",
        title="Test process v2",
        evidence_type="process_document",
    )
    move_qualification(
        qualification=northwind.qualification,
        to_template=journey_992(),
        by=UserFactory(is_staff=True),
    )
    return northwind


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_each_kept_answer_says_why_it_was_kept(moved):
    reasons = dict(
        OrphanedAnswer.objects.filter(revision=moved.revision).values_list("question_ref", "reason")
    )

    assert reasons == {"3.3": "roles", "4.4": "removed", "4.5": "removed"}

    client = Client()
    client.force_login(moved.contributor)
    page = text(client.get(reverse("submission-detail", args=[moved.submission.public_id])))
    assert "Kept because the question no longer applies to this role." in page
    assert "Kept because the question was removed." in page


def test_a_kept_answer_is_shown_as_it_was_written(moved):
    client = Client()
    client.force_login(moved.contributor)
    response = client.get(reverse("submission-detail", args=[moved.submission.public_id]))
    content = response.content.decode()

    kept = content[content.index("Answers kept from an earlier version") :]
    assert "<th" in kept and "Defect reference" in kept, "the table is drawn as a table"
    assert "DEF-1" in text(response) and "31 Dec 2026" in text(response)
    assert "In-house" in text(response), "a choice by its label"
    assert "in_house" not in kept and "[{" not in kept and "{&#x27;" not in kept

    entries = {
        orphan.question_ref: q for orphan, q in qad_submission_context(moved.revision.pk)["kept"]
    }
    assert entries["4.4"].table.columns == ["Defect reference", "Due date"]
    assert entries["4.4"].table.rows == [["DEF-1", "31 Dec 2026"]]
    assert entries["3.3"].text == "In-house"


def test_the_files_of_a_removed_question_stay_in_the_evidence_register(moved):
    client = Client()
    client.force_login(moved.contributor)
    url = reverse("evidence-register", args=[moved.submission.public_id])

    page = text(client.get(url))
    exported = client.get(url, {"format": "csv"}).content.decode()

    assert "Test process v2" in page
    assert "Answered 4.5 in QAD v99.0: the question was removed" in page
    assert "4.5 in QAD v99.0: the question was removed" in exported
    assert "Test process v2" in exported


def test_the_qad_report_draws_the_kept_answers_as_they_were(moved, tmp_path):
    from django.template.loader import render_to_string

    from assessment.reports.rendering import render_pdf

    page = render_to_string(
        "reports/qad_submission.html", qad_submission_context(moved.revision.pk)
    )
    kept = page[page.index('id="kept"') : page.index('id="register"')]

    assert '<table class="at">' in kept and "DEF-1" in kept and "31 Dec 2026" in kept
    assert "Kept because the question no longer applies to this role." in html.unescape(kept)
    assert "Test process v2" in kept
    pdf = render_pdf(page)
    (tmp_path / "kept.pdf").write_bytes(pdf.content)
    assert pdf.content.startswith(b"%PDF")


def test_the_move_preview_says_why_each_answer_will_be_kept(northwind, client):
    fill(northwind)
    v992 = journey_992()
    client.force_login(UserFactory(is_staff=True))

    preview = text(
        client.post(
            reverse("template-move", args=[v992.pk]),
            {"qualifications": [northwind.qualification.public_id]},
        )
    )

    assert "3.3: the question no longer applies to this role" in preview
    assert "4.4: the question was removed" in preview
    assert not OrphanedAnswer.objects.exists(), "a preview changes nothing"
