"""Reading a filled QAD Word document back: each box's answer as the portal stores it, or the
reason it cannot be one; every answer type survives the round trip unchanged."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table

from qad.published import template_outline
from qad.word_export import submission_document
from qad.word_import import UnreadableDocument, read_answers
from tests.qad.test_submit_and_sign import COMPLETE, fill

pytestmark = pytest.mark.django_db


def _exported(participant) -> bytes:
    return submission_document(participant.submission, participant.revision)


def _questions(participant) -> dict:
    outline = template_outline(participant.submission.template)
    return {question.ref: question for question in outline.questions.values()}


def _box(document, ref: str):
    for box in document.element.body.iter(qn("w:sdt")):
        if box.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")).startswith(f"qad:{ref}:"):
            return box.find(qn("w:sdtContent"))
    raise AssertionError(f"no box for {ref}")


def _type(document, ref: str, text: str) -> None:
    """What a person does in Word: select what is in the box and type over it."""
    paragraphs = _box(document, ref).findall(qn("w:p"))
    for extra in paragraphs[1:]:
        extra.getparent().remove(extra)
    first = paragraphs[0]
    for run in first.findall(qn("w:r")):
        first.remove(run)
    run = first.makeelement(qn("w:r"), {})
    text_element = run.makeelement(qn("w:t"), {})
    text_element.text = text
    run.append(text_element)
    first.append(run)


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_every_answer_type_survives_the_round_trip(northwind):
    fill(northwind)

    read = {r.ref: r for r in read_answers(_exported(northwind), _questions(northwind))}

    assert {ref: read[ref].value for ref in COMPLETE} == COMPLETE
    assert all(not r.problem for r in read.values())
    assert read["3.1"].version == northwind.answer("3.1").version


def test_what_a_person_changed_in_word_is_read_and_a_broken_date_refused(northwind):
    fill(northwind)
    document = Document(io.BytesIO(_exported(northwind)))
    _type(document, "3.1", "We run MHHS with GridSoft as our agent.")
    _type(document, "3.3", "with our provider")  # a choice by its label, any case
    _type(document, "4.3", "1,200")
    _type(document, "4.1", "31/02/2026")
    table = Table(_box(document, "4.4").find(qn("w:tbl")), document._body)
    cells = table.add_row().cells
    cells[0].text, cells[1].text = "DEF-2", "15/01/2027"

    read = {r.ref: r for r in read_answers(_saved(document), _questions(northwind))}

    assert read["3.1"].value == "We run MHHS with GridSoft as our agent."
    assert read["3.3"].value == "provider"
    assert read["4.3"].value == 1200
    assert read["4.4"].value == [
        {"reference": "DEF-1", "due": "2026-12-31"},
        {"reference": "DEF-2", "due": "2027-01-15"},
    ]
    assert read["4.1"].value is None
    assert "“31/02/2026” is not a date: write it as 31/12/2026" in read["4.1"].problem
    assert read["3.2"].value is True and not read["3.2"].problem, "unchanged, read as it was"


@pytest.mark.parametrize(
    ("ref", "typed", "reason"),
    [
        ("3.2", "Perhaps", "is not Yes or No"),
        ("3.3", "Outsourced", "is not one of: In-house; With our provider"),
        ("4.3", "many", "is not a number"),
        ("4.3", "100001", "at most 100000"),
        ("3.1", "x" * 10_001, "the limit is 10,000"),
    ],
)
def test_a_value_the_page_would_refuse_is_refused_with_its_reason(northwind, ref, typed, reason):
    document = Document(io.BytesIO(_exported(northwind)))
    _type(document, ref, typed)

    read = {r.ref: r for r in read_answers(_saved(document), _questions(northwind))}

    assert reason in read[ref].problem
    assert read[ref].value is None


def test_a_box_for_a_question_not_in_this_version_is_named(northwind):
    questions = _questions(northwind)
    del questions["3.1"]
    read = {r.ref: r for r in read_answers(_exported(northwind), questions)}
    assert read["3.1"].problem == "this question is not in this version of the QAD"


def test_a_file_that_is_not_a_word_document_is_refused_clearly(northwind):
    with pytest.raises(UnreadableDocument, match="not a Word document"):
        read_answers(b"%PDF-1.7 not a docx", _questions(northwind))
