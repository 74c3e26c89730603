"""Reading a filled QAD Word document back (see qad.word_export): each tagged answer box, its
question and the answer's version, and what was written in it, turned into the answer it
stands for (dates typed the British way, choices by label, tables by column) or refused with
the reason. Nothing is saved here: the caller shows the changes and applies them through the
same service as autosave."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from docx import Document
from docx.oxml.ns import qn

from qad.answers import clean_answer_value
from qad.enums import AnswerType, TableColumnType
from qad.models import Question
from qad.word_export import TAG
from qualification.date_input import date_typed


class UnreadableDocument(Exception):
    """Not a Word document the portal can read; the message says so to the person."""


@dataclass
class ReadAnswer:
    ref: str
    version: int  # of the answer when the document was made
    value: Any = None  # as the portal stores it
    problem: str = ""  # why what was written cannot be an answer ("" when it can)


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _paragraphs(content) -> str:
    lines = [_text(p) for p in content.findall(qn("w:p"))]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _yes_no(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("yes", "y", "true"):
        return True
    if lowered in ("no", "n", "false"):
        return False
    raise ValueError(f"“{text}” is not Yes or No")


def _date(text: str) -> str:
    try:
        return date_typed(text).isoformat()
    except ValueError:
        raise ValueError(f"“{text}” is not a date: write it as 31/12/2026") from None


def _number(text: str):
    try:
        number = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number") from None
    return int(number) if number == number.to_integral_value() else float(number)


def _choice(question: Question, text: str) -> str:
    wanted = text.strip().casefold()
    for choice in question.options.get("choices", []):
        if wanted in (choice["label"].casefold(), str(choice["value"]).casefold()):
            return choice["value"]
    labels = "; ".join(c["label"] for c in question.options.get("choices", []))
    raise ValueError(f"“{text}” is not one of: {labels}")


CELLS = {
    TableColumnType.DATE: _date,
    TableColumnType.YES_NO: _yes_no,
    TableColumnType.NUMBER: _number,
}


def _table(question: Question, content) -> list[dict]:
    table = content.find(qn("w:tbl"))
    if table is None:
        raise ValueError("the table was taken out of its box")
    columns = question.options.get("columns", [])
    by_label = {column["label"].strip().casefold(): column for column in columns}
    rows = table.findall(qn("w:tr"))
    header = (
        [_text(cell).strip().casefold() for cell in rows[0].findall(qn("w:tc"))] if rows else []
    )
    unknown = [label for label in header if label and label not in by_label]
    if unknown:
        raise ValueError(f"the table has columns this question does not: {', '.join(unknown)}")
    read = []
    for number, row in enumerate(rows[1:], start=1):
        cells = [_text(cell).strip() for cell in row.findall(qn("w:tc"))]
        if not any(cells):
            continue
        values = {}
        for label, cell in zip(header, cells, strict=False):
            column = by_label.get(label)
            if column is None or not cell:
                continue
            try:
                values[column["key"]] = CELLS.get(column["type"], str)(cell)
            except ValueError as problem:
                raise ValueError(f"row {number}, {column['label']}: {problem}") from None
        read.append(values)
    return read


def _value(question: Question, content) -> Any:
    kind = question.answer_type
    if kind == AnswerType.TABLE:
        rows = _table(question, content)
        return rows or None
    text = _paragraphs(content)
    if not text.strip():
        return None
    if kind == AnswerType.YES_NO:
        return _yes_no(text)
    if kind == AnswerType.DATE:
        return _date(text)
    if kind == AnswerType.NUMBER:
        return _number(text)
    if kind == AnswerType.SINGLE_CHOICE:
        return _choice(question, text)
    return text


def read_answers(content: bytes, questions: dict[str, Question]) -> list[ReadAnswer]:
    """Every tagged answer box of the document, in its order, with the answer it stands for
    (`questions`: the version's questions by ref)."""
    try:
        body = Document(io.BytesIO(content)).element.body
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableDocument(
            "This file is not a Word document the portal can read (.docx): nothing was saved."
        ) from error
    found = []
    for box in body.iter(qn("w:sdt")):
        tag = box.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
        match = TAG.match(tag.get(qn("w:val"), "")) if tag is not None else None
        if match is None:
            continue
        read = ReadAnswer(match["ref"], int(match["version"]))
        question = questions.get(read.ref)
        if question is None:
            read.problem = "this question is not in this version of the QAD"
        elif question.answer_type == AnswerType.EVIDENCE_ONLY:
            read.problem = "this question is answered with evidence files, on the portal"
        else:
            try:
                read.value = clean_answer_value(
                    question, _value(question, box.find(qn("w:sdtContent")))
                )
            except ValueError as problem:
                read.problem = str(problem)
            except ValidationError as problem:
                read.problem = " ".join(problem.messages)
        found.append(read)
    return found
