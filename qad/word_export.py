"""The QAD as a Word document, to read and fill offline: a cover page, then each question the
participant is asked, with its guidance, and its current answer in a content control tagged
with the question's ref and the answer's version (`qad:<ref>:v<version>`), so that the
document can be read back and each change matched to the version it was made from.

Dates are written as people type them here (31/12/2026), choices by their labels, yes/no as
Yes or No, a table answer as a Word table with the template's columns. Questions that do not
apply are not in the document; the files already attached are named under their questions.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable

from django.utils import timezone
from django.utils.formats import date_format

from qad.attachments import attachments
from qad.enums import AnswerType, TableColumnType
from qad.models import Answer, Question, Revision, Submission
from qad.published import template_outline
from qualification.enums import Route

TAG = re.compile(r"^qad:(?P<ref>[^:]+):v(?P<version>\d+)$")
GREY = (0x55, 0x5F, 0x6B)
# python-docx (and lxml under it) is imported by the functions that write a document: a web
# process loads it with the first export, not at start (tests/portal/test_start_up.py).


def answer_tag(ref: str, version: int) -> str:
    return f"qad:{ref}:v{version}"


def typed_date(value: str | None) -> str:
    return dt.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def cell_text(column: dict, cell) -> str:
    """A table cell as a person would type it."""
    if cell is None:
        return ""
    if column["type"] == TableColumnType.DATE:
        return typed_date(cell)
    if column["type"] == TableColumnType.YES_NO:
        return "Yes" if cell else "No"
    return str(cell)


def answer_text(question: Question, value) -> str:
    """Any answer that is not a table, as a person would type it."""
    if value is None or value == "":
        return ""
    kind = question.answer_type
    if kind == AnswerType.YES_NO:
        return "Yes" if value else "No"
    if kind == AnswerType.DATE:
        return typed_date(value)
    if kind == AnswerType.SINGLE_CHOICE:
        labels = {c["value"]: c["label"] for c in question.options.get("choices", [])}
        return labels.get(value, str(value))
    return str(value)


def typed_answer(question: Question, value) -> str:
    """Any answer in the words of the document, a table's rows on one line ("DEF-1 ·
    31/12/2026; DEF-2 · 15/01/2027"): how a preview of a brought-back document shows it."""
    if value is None or value == "":
        return ""
    if question.answer_type == AnswerType.TABLE:
        columns = question.options.get("columns", [])
        return "; ".join(
            " · ".join(cell_text(column, row.get(column["key"])) for column in columns)
            for row in value
        )
    return answer_text(question, value)


def _how_to_answer(question: Question) -> str:
    kind, options = question.answer_type, question.options
    if kind == AnswerType.YES_NO:
        return "Answer Yes or No."
    if kind == AnswerType.DATE:
        return "A date: day, month, year, for example 31/12/2026."
    if kind == AnswerType.SINGLE_CHOICE:
        return "One of: " + "; ".join(c["label"] for c in options.get("choices", [])) + "."
    if kind == AnswerType.NUMBER:
        unit = f" ({options['unit']})" if options.get("unit") else ""
        return f"A number{unit}."
    if kind == AnswerType.TABLE:
        return "One row per line of the table; add rows as you need."
    if kind == AnswerType.FREE_TEXT:
        return f"Text, up to {options.get('max_length', 10_000):,} characters."
    return ""


def _content_control(container, ref: str, version: int, blocks: Iterable) -> None:
    """Wrap the block elements just added to `container` (paragraphs, a table) in a content
    control tagged with the question and the answer's version."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sdt = OxmlElement("w:sdt")
    properties = OxmlElement("w:sdtPr")
    alias = OxmlElement("w:alias")
    alias.set(qn("w:val"), f"Answer {ref}")
    tag = OxmlElement("w:tag")
    tag.set(qn("w:val"), answer_tag(ref, version))
    properties.append(alias)
    properties.append(tag)
    content = OxmlElement("w:sdtContent")
    sdt.append(properties)
    sdt.append(content)
    elements = list(blocks)
    elements[0].addprevious(sdt)
    for element in elements:
        content.append(element)


def _plain_first_column(table) -> None:
    from docx.oxml.ns import qn

    # Word and LibreOffice would toggle a bold run in the first column off again.
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.set(qn("w:firstColumn"), "0")
        look.set(qn("w:val"), "0420")  # the same in the older bitmask: header row, no bands


def _small(paragraph, text: str, *, italic: bool = False) -> None:
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(*GREY)
    run.italic = italic


def _answer_blocks(document, answer: Answer) -> list:
    question = answer.question
    if question.answer_type == AnswerType.TABLE:
        columns = question.options.get("columns", [])
        rows = answer.value or []
        table = document.add_table(rows=1 + max(len(rows), 1), cols=len(columns))
        table.style = "Table Grid"
        _plain_first_column(table)
        for cell, column in zip(table.rows[0].cells, columns, strict=True):
            cell.paragraphs[0].add_run(column["label"]).bold = True
        for row, values in zip(table.rows[1:], rows, strict=False):
            for cell, column in zip(row.cells, columns, strict=True):
                cell.text = cell_text(column, values.get(column["key"]))
        return [table._tbl]
    lines = answer_text(question, answer.value).split("\n") or [""]
    return [document.add_paragraph(line)._p for line in lines]


def _applies_to(question: Question) -> str:
    parts = []
    if question.applies_roles:
        parts.append("market roles " + ", ".join(question.applies_roles))
    if question.applies_routes:
        parts.append(
            "the routes " + ", ".join(str(Route(r).label) for r in question.applies_routes)
        )
    if question.applies_when:
        parts.append("when " + ", ".join(w.replace("_", " ") for w in question.applies_when))
    return "Asked of " + "; ".join(parts) + "." if parts else ""


def submission_document(
    submission: Submission, revision: Revision, *, section_ref: str = "", by=None
) -> bytes:
    """The DOCX of the revision's questions (or one section's), with their answers."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    outline = template_outline(submission.template)
    answers = list(revision.answers.select_related("updated_by"))
    for answer in answers:
        answer.question = outline.questions[answer.question_id]
    if section_ref:
        answers = [a for a in answers if a.question.section.ref == section_ref]
    answers.sort(key=lambda answer: answer.question.position)
    files = attachments().fingerprint(revision)
    qualification = submission.qualification
    template = submission.template

    document = Document()
    document.core_properties.title = f"{qualification.organisation.legal_name}: {template}"
    # When it was made, to the second: an answer brought back without its box is compared
    # with what was saved online since (qad.word_import.exported_at).
    document.core_properties.created = timezone.now().replace(microsecond=0)
    document.add_heading(template.title, 0)
    cover = document.add_table(rows=0, cols=2)
    cover.style = "Table Grid"
    _plain_first_column(cover)
    roles = ", ".join(
        f"{role.market_role.name}" + (f" ({role.mpid.code})" if role.mpid_id else "")
        for role in qualification.roles.select_related("market_role", "mpid")
    )
    facts = [
        ("Organisation", qualification.organisation.legal_name),
        ("Market roles", roles),
        ("Route", qualification.get_route_display()),
        ("QAD", f"{submission.get_stage_display()}, revision {revision.number}"),
        ("Template version", f"{template.document_code} v{template.version}"),
        ("Sections", f"Section {section_ref} only" if section_ref else "Every section"),
        ("Exported", date_format(timezone.localtime(), "j M Y H:i")),
    ]
    if by is not None:
        facts.append(("Exported by", by.full_name))
    for label, value in facts:
        row = cover.add_row().cells
        row[0].paragraphs[0].add_run(label).bold = True
        row[1].text = value
    note = document.add_paragraph()
    _small(
        note,
        "Write each answer inside its box. Keep the boxes: each is tagged with its question "
        "and the answer's version, so that the portal can show you every change before it "
        "saves any, and tell you if someone changed an answer online meanwhile.",
    )
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    for section, in_section in itertools.groupby(answers, key=lambda a: a.question.section):
        document.add_heading(f"{section.ref} {section.title}", 1)
        if section.guidance:
            _small(document.add_paragraph(), section.guidance)
        for answer in in_section:
            question = answer.question
            heading = document.add_heading(f"Question {question.ref}", 2)
            heading.add_run("  " + ("Required" if question.required else "Optional")).italic = True
            document.add_paragraph(question.prompt)
            if question.guidance:
                _small(document.add_paragraph(), question.guidance, italic=True)
            hints = " ".join(filter(None, [_applies_to(question), _how_to_answer(question)]))
            if hints:
                _small(document.add_paragraph(), hints)
            if question.answer_type != AnswerType.EVIDENCE_ONLY:
                document.add_paragraph().add_run("Your answer").bold = True
                _content_control(
                    document.element.body,
                    question.ref,
                    answer.version,
                    _answer_blocks(document, answer),
                )
            attached = files.get(question.ref, [])
            listed = document.add_paragraph()
            if attached:
                _small(listed, "Files attached: " + "; ".join(f["title"] for f in attached))
            elif question.answer_type == AnswerType.EVIDENCE_ONLY:
                _small(listed, "Answered with evidence files, uploaded on the portal.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
