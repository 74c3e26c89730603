"""The QAD as a Word document: every question asked, with its answer in a box tagged with its
ref and the answer's version, written as a person types it; nothing that is not asked."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from qad.services.answers import answer_save
from qad.word_export import TAG
from tests.evidence.factories import attach
from tests.qad.test_submit_and_sign import fill

pytestmark = pytest.mark.django_db


def boxes(content: bytes) -> dict[str, tuple[int, str, list[list[str]]]]:
    """{question ref: (answer version, text, table rows)} of each tagged content control."""
    body = Document(io.BytesIO(content)).element.body
    found = {}
    for sdt in body.iter(qn("w:sdt")):
        tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val"))
        match = TAG.match(tag)
        content_el = sdt.find(qn("w:sdtContent"))
        text = "\n".join(
            "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in content_el.findall(qn("w:p"))
        )
        rows = [
            [
                "".join(t.text or "" for t in cell.iter(qn("w:t")))
                for cell in row.findall(qn("w:tc"))
            ]
            for row in content_el.iter(qn("w:tr"))
        ]
        found[match["ref"]] = (int(match["version"]), text, rows)
    return found


def export(client, participant, **query):
    client.force_login(participant.contributor)
    response = client.get(
        reverse("submission-word", args=[participant.submission.public_id]), query
    )
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    return response


def test_every_answer_is_in_a_box_tagged_with_its_ref_and_version(client, northwind):
    fill(northwind)

    found = boxes(export(client, northwind).content)

    assert found["3.1"] == (1, "We operate MHHS in house.", [])
    assert found["3.2"][1] == "Yes"
    assert found["3.3"][1] == "In-house", "a choice by its label"
    assert found["4.1"][1] == "01/03/2025", "a date as it is typed here"
    assert found["4.3"][1] == "412"
    version, _text, rows = found["4.4"]
    assert rows == [["Defect reference", "Due date"], ["DEF-1", "31/12/2026"]]
    assert version == northwind.answer("4.4").version
    assert "4.5" not in found, "an evidence-only question has no box"
    assert "11.1" not in found, "the Final QAD's declaration is not asked in an Initial QAD"


def test_an_unanswered_question_has_an_empty_box_at_version_zero(client, northwind):
    found = boxes(export(client, northwind).content)
    assert found["3.1"] == (0, "", [])
    assert found["4.4"][2] == [["Defect reference", "Due date"], ["", ""]]


def test_a_section_alone_and_the_files_already_attached(client, northwind):
    answer = northwind.answer("3.1")
    answer_save(answer=answer, value="Line one\nLine two", expected_version=0, by=northwind.admin)
    attach(
        northwind,
        "3.1",
        b"The operating model.\n",
        name="operating-model.txt",
        evidence_type="process_document",
        title="Operating model",
    )

    response = export(client, northwind, section="3")

    assert "section-3" in response["Content-Disposition"]
    found = boxes(response.content)
    assert set(found) == {"3.1", "3.2", "3.3"}
    assert found["3.1"][1] == "Line one\nLine two"
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Files attached: Operating model" in text
    assert "Northwind Energy Supply Ltd" in "\n".join(
        c.text
        for t in Document(io.BytesIO(response.content)).tables
        for r in t.rows
        for c in r.cells
    )


def test_another_organisations_qad_and_an_unknown_section_are_not_found(
    client, northwind, meterline
):
    client.force_login(meterline.contributor)
    url = reverse("submission-word", args=[northwind.submission.public_id])
    assert client.get(url).status_code == 404
    client.force_login(northwind.contributor)
    assert client.get(url, {"section": "99"}).status_code == 404
