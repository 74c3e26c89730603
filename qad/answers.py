"""What an answer value looks like for each answer type, and when a question counts as answered.

Values are stored as JSON: text for free text, true/false for yes/no, "YYYY-MM-DD" for dates,
the choice value for single choice, a number, a list of {column key: cell} rows for tables,
and a list of evidence references for evidence-only questions.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qad.enums import AnswerType, TableColumnType
from qad.models import Question


def is_answered(question: Question, value: Any) -> bool:
    if value is None:
        return False
    if question.answer_type == AnswerType.FREE_TEXT:
        return bool(str(value).strip())
    if question.answer_type in (AnswerType.TABLE, AnswerType.EVIDENCE_ONLY):
        return bool(value)
    return value != ""


def clean_answer_value(question: Question, value: Any) -> Any:
    """Return the value in its stored form, or raise ValidationError saying what is wrong."""
    if value is None or value == "" or value == []:
        return None
    cleaner = _CLEANERS[question.answer_type]
    return cleaner(question, value)


def _free_text(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("Enter text."))
    limit = question.options.get("max_length", 10_000)
    if len(value) > limit:
        raise ValidationError(
            _("This answer is %(length)s characters long; the limit is %(limit)s.")
            % {"length": f"{len(value):,}", "limit": f"{limit:,}"}
        )
    return value


def _yes_no(question: Question, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("yes", "true", "True", "1"):
        return True
    if value in ("no", "false", "False", "0"):
        return False
    raise ValidationError(_("Choose yes or no."))


def _date(question: Question, value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise ValidationError(_("Enter a real date, for example 2025-03-31.")) from exc


def _single_choice(question: Question, value: Any) -> str:
    allowed = [c["value"] for c in question.options.get("choices", [])]
    if value not in allowed:
        raise ValidationError(_("Choose one of the options listed."))
    return value


def _number(question: Question, value: Any) -> int | float:
    return _bounded_number(value, question.options.get("min"), question.options.get("max"))


def _bounded_number(value: Any, low: float | None, high: float | None) -> int | float:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError(_("Enter a number, for example 42 or 97.5.")) from exc
    if not number.is_finite():
        raise ValidationError(_("Enter a number, for example 42 or 97.5."))
    if low is not None and number < Decimal(str(low)):
        raise ValidationError(_("Enter a number of at least %(min)s.") % {"min": low})
    if high is not None and number > Decimal(str(high)):
        raise ValidationError(_("Enter a number of at most %(max)s.") % {"max": high})
    return int(number) if number == number.to_integral_value() else float(number)


def _table(question: Question, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise ValidationError(_("A table answer is a list of rows."))
    columns = question.options.get("columns", [])
    rows: list[dict[str, Any]] = []
    for number, row in enumerate(value, start=1):
        unknown = set(row) - {c["key"] for c in columns}
        if unknown:
            raise ValidationError(
                _("Row %(row)s has columns this table does not have: %(keys)s.")
                % {"row": number, "keys": ", ".join(sorted(unknown))}
            )
        cleaned: dict[str, Any] = {}
        for column in columns:
            cell = row.get(column["key"])
            if cell in (None, ""):
                cleaned[column["key"]] = None
                continue
            try:
                cleaned[column["key"]] = _CELL_CLEANERS[column["type"]](question, cell)
                _check_format(column, cleaned[column["key"]])
            except ValidationError as exc:
                raise ValidationError(
                    _("Row %(row)s, %(column)s: %(problem)s")
                    % {"row": number, "column": column["label"], "problem": exc.messages[0]}
                ) from exc
        if any(cell is not None for cell in cleaned.values()):
            rows.append(cleaned)
    return rows


def _check_format(column: dict, cell: Any) -> None:
    """A text column with a format (the template's `pattern`) refuses a cell that does not
    match it, saying what it must look like."""
    pattern = column.get("pattern")
    if pattern and not re.fullmatch(pattern, str(cell)):
        raise ValidationError(
            _("“%(value)s” is not %(hint)s.") % {"value": cell, "hint": column["pattern_hint"]}
        )


def _evidence_only(question: Question, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("This question is answered by attaching evidence."))
    return value


_CLEANERS = {
    AnswerType.FREE_TEXT: _free_text,
    AnswerType.YES_NO: _yes_no,
    AnswerType.DATE: _date,
    AnswerType.SINGLE_CHOICE: _single_choice,
    AnswerType.NUMBER: _number,
    AnswerType.TABLE: _table,
    AnswerType.EVIDENCE_ONLY: _evidence_only,
}
_CELL_CLEANERS = {
    TableColumnType.TEXT: lambda q, v: str(v),
    TableColumnType.DATE: _date,
    TableColumnType.NUMBER: lambda q, v: _bounded_number(v, None, None),
    TableColumnType.YES_NO: _yes_no,
}
