"""Reading a filled QAD Word document back (see qad.word_export): each tagged answer box, its
question and the answer's version, and what was written in it, turned into the answer it
stands for (dates typed the British way, choices by label, tables by column) or refused with
the reason. Nothing is saved here: the caller shows the changes and applies them through the
same service as autosave."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from qad.answers import clean_answer_value
from qad.enums import AnswerType, TableColumnType
from qad.models import Question
from qad.word_export import TAG
from qualification.date_input import date_typed


def qn(tag: str) -> str:
    """The namespaced name of a WordprocessingML tag ("w:p"). python-docx is imported with the
    first document read, not when a web process starts."""
    from docx.oxml.ns import qn as namespaced

    return namespaced(tag)


def _document(content: bytes):
    from docx import Document

    return Document(io.BytesIO(content))


class UnreadableDocument(Exception):
    """Not a Word document the portal can read; the message says so to the person."""


@dataclass
class ReadAnswer:
    ref: str
    # The answer's version when the document was made; None when its box was removed and the
    # answer was found by its question's number in the text.
    version: int | None
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


def _body(content: bytes):
    try:
        return _document(content).element.body
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableDocument(
            "This file is not a Word document the portal can read (.docx): nothing was saved."
        ) from error


def _read(read: ReadAnswer, question: Question | None, content) -> ReadAnswer:
    if question is None:
        read.problem = "this question is not in this version of the QAD"
    elif question.answer_type == AnswerType.EVIDENCE_ONLY:
        read.problem = "this question is answered with evidence files, on the portal"
    else:
        try:
            read.value = clean_answer_value(question, _value(question, content))
        except ValueError as problem:
            read.problem = str(problem)
        except ValidationError as problem:
            read.problem = " ".join(problem.messages)
    return read


def read_answers(content: bytes, questions: dict[str, Question]) -> list[ReadAnswer]:
    """Every tagged answer box of the document, in its order, with the answer it stands for
    (`questions`: the version's questions by ref). A document whose boxes were all removed
    (Word's "Remove content control") is read by its questions' numbers instead."""
    body = _body(content)
    found = []
    for box in body.iter(qn("w:sdt")):
        tag = box.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
        match = TAG.match(tag.get(qn("w:val"), "")) if tag is not None else None
        if match is None:
            continue
        read = ReadAnswer(match["ref"], int(match["version"]))
        found.append(_read(read, questions.get(read.ref), box.find(qn("w:sdtContent"))))
    return found or _by_number(body, questions)


QUESTION_HEADING = re.compile(r"^Question (?P<ref>\S+)")
ANSWER_CAPTION = "Your answer"


def _by_number(body, questions: dict[str, Question]) -> list[ReadAnswer]:
    """The answers of a document without its boxes: after each "Question <ref>" heading, what
    follows its "Your answer" caption, up to an empty line, the list of files or the next
    heading (a table: the table)."""
    found: list[ReadAnswer] = []
    ref, taking = None, None

    def done() -> None:
        nonlocal taking
        if taking is not None and ref is not None:
            found.append(_read(ReadAnswer(ref, None), questions.get(ref), taking))
        taking = None

    for element in list(body):
        is_paragraph = element.tag == qn("w:p")
        text = _text(element).strip() if is_paragraph else ""
        heading = QUESTION_HEADING.match(text) if is_paragraph else None
        if heading:
            done()
            ref = heading["ref"]
        elif is_paragraph and text == ANSWER_CAPTION and ref is not None:
            done()
            taking = body.makeelement(qn("w:sdtContent"), {})
        elif taking is not None:
            if is_paragraph and (not text or text.startswith("Files attached")):
                done()
            else:
                taking.append(copy.deepcopy(element))
                if element.tag == qn("w:tbl"):
                    done()
    done()
    return found


def exported_at(content: bytes) -> dt.datetime | None:
    """When the portal made the document (its core properties keep it, to the second)."""
    try:
        created = _document(content).core_properties.created
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None
    if created is None:
        return None
    return created if timezone.is_aware(created) else created.replace(tzinfo=dt.UTC)
