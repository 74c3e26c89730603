"""Showing a stored answer to a reader, whatever its type."""

import datetime as dt

from django import template
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qad.enums import AnswerType, TableColumnType

register = template.Library()


@register.simple_tag
def answer_display(answer) -> str:
    return value_display(answer.question, answer.value)


@register.simple_tag
def value_display(question, value) -> str:
    """Any value of this question's type as a reader sees it: a table answer as a table
    with its column labels, never as stored data."""
    if value in (None, "", []):
        return render_to_string("qad/partials/answer_empty.html")
    kind = question.answer_type
    if kind == AnswerType.TABLE:
        columns = question.options.get("columns", [])
        # Each cell with its column's label: a phone shows a card per row, each cell labelled.
        rows = [
            [(column["label"], cell_text(column, row.get(column["key"]))) for column in columns]
            for row in value
        ]
        return render_to_string(
            "qad/partials/answer_table.html",
            {"columns": columns, "rows": rows, "question": question},
        )
    return render_to_string("qad/partials/answer_text.html", {"text": answer_text(question, value)})


@register.simple_tag
def orphan_display(orphan) -> str:
    """An answer kept read-only after a move, exactly as it was shown under its own question
    (a table as a table, a choice by its label, a date as a date)."""
    if orphan.question_id is None:  # its question could not be found again
        return render_to_string("qad/partials/answer_text.html", {"text": orphan.value_text})
    return value_display(orphan.question, orphan.value)


def answer_text(question, value) -> str:
    """An answer that is not a table, as a reader sees it."""
    kind = question.answer_type
    if kind == AnswerType.YES_NO:
        return _("Yes") if value else _("No")
    if kind == AnswerType.DATE:
        return date_format(dt.date.fromisoformat(value), "j M Y")
    if kind == AnswerType.SINGLE_CHOICE:
        labels = {c["value"]: c["label"] for c in question.options.get("choices", [])}
        return labels.get(value, value)
    if kind == AnswerType.NUMBER and question.options.get("unit"):
        return f"{value} {question.options['unit']}"
    if kind == AnswerType.EVIDENCE_ONLY:
        return _("%(n)s evidence file(s)") % {"n": len(value)}
    return str(value)


def cell_text(column, cell) -> str:
    """One cell of a table answer, as a reader sees it."""
    if cell is None:
        return ""
    if column["type"] == TableColumnType.YES_NO:
        return _("Yes") if cell else _("No")
    if column["type"] == TableColumnType.DATE:
        return date_format(dt.date.fromisoformat(cell), "j M Y")
    return str(cell)


def answer_plain_text(answer) -> str:
    """The answer as plain text (tables one row a line), for comparing revisions."""
    question, value = answer.question, answer.value
    if value in (None, "", []):
        return ""
    if question.answer_type == AnswerType.TABLE:
        columns = question.options.get("columns", [])
        return "\n".join(
            "; ".join(f"{c['label']}: {cell_text(c, row.get(c['key']))}" for c in columns)
            for row in value
        )
    return answer_text(question, value)
