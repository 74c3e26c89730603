"""A Code Body's review as a Word document: each criterion with its outcome and comment, its
checks and clarifications, and the work-off plan; for the Code Body's people only."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from tests.assessment.decision_data import (
    CLARIFICATION,
    CLARIFICATION_ANSWER,
    NOT_MET_COMMENT,
    WORK_OFF_DESCRIPTION,
    review_of,
)
from tests.assessment.reports.test_assessment_report import reviewed, staff  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_review_reads_as_the_code_body_recorded_it(client, reviewed, staff):  # noqa: F811
    review = review_of(reviewed, "BSC")
    client.force_login(staff.bsc)

    response = client.get(reverse("review-word", args=[review.public_id]))

    assert response.status_code == 200
    assert "BSC-review" in response["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "J-3-01" in text and "Outcome: Met" in text
    cover = Document(io.BytesIO(response.content)).tables[0]
    mpid = reviewed.qualification.roles.get().mpid.code
    assert [c.text for c in cover.rows[1].cells] == ["Market roles", f"Supplier ({mpid})"]
    assert "Outcome: Not met" in text and f"Comment: {NOT_MET_COMMENT}" in text
    assert "J-4-03" in text and "Outcome: No outcome yet" in text
    assert CLARIFICATION in text and CLARIFICATION_ANSWER in text
    assert WORK_OFF_DESCRIPTION in text


def test_only_the_code_bodys_people_and_admins_read_it(client, reviewed, staff):  # noqa: F811
    review = review_of(reviewed, "BSC")
    url = reverse("review-word", args=[review.public_id])
    for outsider in (staff.rec, reviewed.admin):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
