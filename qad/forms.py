"""One form per question, built from the template's answer type; rendered with crispy-forms.

Each question's form has its own prefix (`q<question id>`) so that one section page can hold
every question of the section, be saved whole without JavaScript, and still let each
question autosave on its own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from qad import widgets
from qad.enums import AnswerType, TableColumnType
from qad.models import Answer, AnswerConflict, Question

YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]
# Beside every date a person enters: the order of day and month is not guessed.
DATE_HINT = _("Day, month, year: for example 31/12/2026")


def question_prefix(question: Question) -> str:
    return f"q{question.pk}"


def _described_by(question: Question) -> str:
    # The guidance beside the question, and its save status (where errors appear).
    return f"guidance-{question.pk} status-{question.pk}"


class AnswerText(forms.CharField):
    """Text with a limit that the browser does not enforce: a `maxlength` attribute cuts
    pasted text at the limit without a word, so the limit is given as `data-limit` (shown
    with a live count, static/js/limits.js) and text over it is refused with a message."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            attrs["data-limit"] = attrs.pop("maxlength")
        return attrs


def value_field(question: Question) -> forms.Field:
    """The form field for a question's answer; never required while drafting (the checklist
    tracks what is missing, so a half-finished QAD can always be saved)."""
    options = question.options
    common: dict[str, Any] = {"required": False, "label": question.prompt}
    attrs = {"aria-describedby": _described_by(question)}
    kind = question.answer_type
    if kind == AnswerType.FREE_TEXT:
        limit = options.get("max_length", 10_000)
        widget = (
            widgets.Textarea(attrs={**attrs, "rows": 5})
            if limit > 300
            else widgets.TextInput(attrs=attrs)
        )
        return AnswerText(max_length=limit, widget=widget, strip=False, **common)
    if kind == AnswerType.YES_NO:
        return forms.ChoiceField(
            choices=YES_NO_CHOICES, widget=forms.RadioSelect(attrs=attrs), **common
        )
    if kind == AnswerType.DATE:
        return forms.DateField(
            widget=widgets.DateInput(attrs={**attrs, "type": "date"}, format="%Y-%m-%d"),
            help_text=DATE_HINT,
            **common,
        )
    if kind == AnswerType.SINGLE_CHOICE:
        choices = [(c["value"], c["label"]) for c in options.get("choices", [])]
        widget = forms.RadioSelect(attrs=attrs) if len(choices) <= 6 else forms.Select(attrs=attrs)
        if not isinstance(widget, forms.RadioSelect):
            choices = [("", _("Choose one")), *choices]
        return forms.ChoiceField(choices=choices, widget=widget, **common)
    if kind == AnswerType.NUMBER:
        number_attrs = {**attrs, "step": "any", "inputmode": "decimal"}
        field = forms.DecimalField(
            min_value=options.get("min"),
            max_value=options.get("max"),
            widget=widgets.NumberInput(attrs=number_attrs),
            **common,
        )
        if options.get("unit"):
            field.help_text = _("In %(unit)s") % {"unit": options["unit"]}
        return field
    raise ValueError(f"{kind} answers have no single value field")


def initial_value(question: Question, value: Any) -> Any:
    if value is None:
        return None
    if question.answer_type == AnswerType.YES_NO:
        return "yes" if value else "no"
    if question.answer_type == AnswerType.DATE:
        return dt.date.fromisoformat(value)
    if question.answer_type == AnswerType.NUMBER:
        return Decimal(str(value))
    return value


def stored_value(question: Question, cleaned: Any) -> Any:
    """The form's cleaned value in the JSON form answers are stored in."""
    if cleaned in (None, ""):
        return None
    if question.answer_type == AnswerType.YES_NO:
        return cleaned == "yes"
    if question.answer_type == AnswerType.DATE:
        return cleaned.isoformat()
    if question.answer_type == AnswerType.NUMBER:
        return int(cleaned) if cleaned == cleaned.to_integral_value() else float(cleaned)
    return cleaned


class VersionForm(forms.Form):
    """The answer version the writer started from: how a stale write is recognised."""

    version = forms.IntegerField(min_value=0, widget=widgets.HiddenInput)


class RowForm(forms.Form):
    """One row of a table answer; its fields are the template's columns."""

    def __init__(self, *args, columns: list[dict[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        row = self._row_number()
        for column in columns:
            attrs = {
                "aria-label": _("%(column)s, row %(row)s") % {"column": column["label"], "row": row}
            }
            self.fields[column["key"]] = _cell_field(column, attrs)

    def _row_number(self) -> str:
        # The prefix ends with the row index ("q12-rows-3"); the blank template row has none.
        tail = (self.prefix or "").rsplit("-", 1)[-1]
        return str(int(tail) + 1) if tail.isdigit() else _("new")


def _cell_field(column: dict[str, str], attrs: dict[str, str]) -> forms.Field:
    label = column["label"]
    if column["type"] == TableColumnType.DATE:
        return forms.DateField(
            label=label,
            required=False,
            widget=widgets.DateInput(attrs={**attrs, "type": "date"}, format="%Y-%m-%d"),
        )
    if column["type"] == TableColumnType.NUMBER:
        return forms.DecimalField(
            label=label, required=False, widget=widgets.NumberInput(attrs={**attrs, "step": "any"})
        )
    if column["type"] == TableColumnType.YES_NO:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "—"), *YES_NO_CHOICES],
            widget=forms.Select(attrs=attrs),
        )
    return AnswerText(
        label=label, required=False, max_length=2000, widget=widgets.TextInput(attrs=attrs)
    )


class BaseRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, columns: list[dict[str, str]], **kwargs):
        self.columns = columns
        super().__init__(*args, form_kwargs={"columns": columns}, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget = widgets.CheckboxInput()

    @cached_property
    def management_form(self):
        form = super().management_form
        for field in form.fields.values():
            field.widget = widgets.HiddenInput()
        return form


RowFormSet = forms.formset_factory(
    RowForm, formset=BaseRowFormSet, extra=1, can_delete=True, max_num=500, absolute_max=500
)


def _row_initial(columns: list[dict[str, str]], row: dict[str, Any]) -> dict[str, Any]:
    initial = {}
    for column in columns:
        cell = row.get(column["key"])
        if cell is None:
            continue
        if column["type"] == TableColumnType.DATE:
            cell = dt.date.fromisoformat(cell)
        elif column["type"] == TableColumnType.YES_NO:
            cell = "yes" if cell else "no"
        initial[column["key"]] = cell
    return initial


def _row_stored(columns: list[dict[str, str]], cleaned: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in columns:
        cell = cleaned.get(column["key"])
        if cell in (None, ""):
            row[column["key"]] = None
        elif column["type"] == TableColumnType.DATE:
            row[column["key"]] = cell.isoformat()
        elif column["type"] == TableColumnType.NUMBER:
            row[column["key"]] = int(cell) if cell == cell.to_integral_value() else float(cell)
        elif column["type"] == TableColumnType.YES_NO:
            row[column["key"]] = cell == "yes"
        else:
            row[column["key"]] = cell
    return row


class QuestionForm:
    """The form(s) for one question: the version it started from and the answer itself."""

    def __init__(
        self,
        question: Question,
        answer: Answer,
        *,
        data: Any = None,
        extra_rows: int = 0,
        editable: bool = True,
        kept: AnswerConflict | None = None,
    ):
        self.question = question
        self.answer = answer
        self.prefix = question_prefix(question)
        self.editable = editable
        self.service_errors: list[str] = []
        # While the writer's own text is kept in an open conflict, their box shows that text
        # and the version they began from, until they settle it: the page never claims to
        # have read the other person's text.
        version, shown = (kept.base_version, kept.value) if kept else (answer.version, answer.value)
        self.version_form = VersionForm(data, prefix=self.prefix, initial={"version": version})
        self.value_form: forms.Form | None = None
        self.rows: forms.BaseFormSet | None = None
        if question.answer_type == AnswerType.TABLE:
            columns = question.options.get("columns", [])
            # A bound formset must not have initial rows: Django skips a row whose data equals
            # its initial values, which would drop a row re-sent unchanged.
            initial = (
                [] if data is not None else [_row_initial(columns, row) for row in (shown or [])]
            )
            self.rows = RowFormSet(
                data, prefix=f"{self.prefix}-rows", initial=initial, columns=columns
            )
            self.rows.extra = (1 + extra_rows) if editable else 0
        elif question.answer_type != AnswerType.EVIDENCE_ONLY:
            form = forms.Form(data, prefix=self.prefix)
            form.fields["value"] = value_field(question)
            form.initial = {"value": initial_value(question, shown)}
            self.value_form = form
        if not editable:
            self._disable()

    def _disable(self) -> None:
        forms_ = [self.value_form] if self.value_form else list(self.rows or [])
        for form in forms_:
            for field in form.fields.values():
                field.disabled = True

    @property
    def is_bound(self) -> bool:
        return self.version_form.is_bound

    def is_valid(self) -> bool:
        valid = self.version_form.is_valid()
        if self.value_form is not None:
            valid = self.value_form.is_valid() and valid
        if self.rows is not None:
            valid = self.rows.is_valid() and valid
        return valid

    @property
    def expected_version(self) -> int:
        return self.version_form.cleaned_data["version"]

    def value(self) -> Any:
        """The answer as it would be stored (call after is_valid)."""
        if self.rows is not None:
            columns = self.rows.columns
            rows = [
                _row_stored(columns, form.cleaned_data)
                for form in self.rows.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            rows = [row for row in rows if any(cell is not None for cell in row.values())]
            return rows or None
        if self.value_form is not None:
            return stored_value(self.question, self.value_form.cleaned_data.get("value"))
        return self.answer.value

    def was_sent(self) -> bool:
        """Whether the request carried this question at all (a section save carries every
        question shown; an autosave carries the whole form too)."""
        return self.version_form.is_bound and f"{self.prefix}-version" in self.version_form.data

    def errors(self) -> list[str]:
        if not self.was_sent():
            return list(self.service_errors)
        messages: list[str] = []
        if self.version_form.errors:
            # Only a changed page sends a bad version; without it a stale write can't be told.
            messages.append(
                _("This page could not be matched to the saved answer. Reload the page.")
            )
        if self.value_form is not None:
            messages += [str(e) for e in self.value_form.errors.get("value", [])]
        if self.rows is not None:
            for number, form in enumerate(self.rows.forms, start=1):
                for field, errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else field
                    messages += [f"Row {number}, {label}: {e}" for e in errors]
            messages += [str(e) for e in self.rows.non_form_errors()]
        return messages + self.service_errors

    def add_error(self, message: str) -> None:
        """An error found by the service (dates out of order, a refused value)."""
        if self.value_form is not None and hasattr(self.value_form, "cleaned_data"):
            self.value_form.add_error("value", message)
        else:
            self.service_errors.append(message)
