"""The parameters a check takes, and how a criteria file's values for them are checked.

Each check declares its parameters (name, kind, whether required, default, allowed values or
range). The criteria loader checks a file's parameters through these declarations and reports
each problem with its path in the file, e.g.
`criteria[3].checks[1].params.min_pass_rate: expected a number between 0 and 1, found 'high'`.
Where a parameter names something in the bound QAD template (an evidence type, a date
question, a table's date column) it is checked against that template too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qad.version_file_reader import describe

# (path inside `params`, message): "min_pass_rate", "types[1]", "pairs[0][1]"
ParamProblem = tuple[str, str]


@dataclass(frozen=True)
class QuestionFacts:
    """What parameter checking needs to know about one question of the bound template."""

    answer_type: str
    assessed_by: tuple[str, ...] = ()
    date_columns: tuple[str, ...] = ()  # keys of a table's date columns


@dataclass(frozen=True)
class TemplateFacts:
    """The bound QAD template, as far as criteria files refer to it."""

    questions: Mapping[str, QuestionFacts]
    evidence_types: frozenset[str]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _index(name: str, index: int) -> str:
    return f"{name}[{index}]"


@dataclass(frozen=True)
class Param:
    """One parameter of a check. Subclasses say what a value must look like."""

    name: str
    help: str
    required: bool = False
    default: Any = None

    kind = "value"

    def clean(self, value: Any, template: TemplateFacts | None) -> tuple[Any, list[ParamProblem]]:
        raise NotImplementedError


@dataclass(frozen=True)
class NumberParam(Param):
    minimum: float | None = None
    maximum: float | None = None
    whole: bool = False

    @property
    def kind(self) -> str:  # type: ignore[override]
        return "a whole number" if self.whole else "a number"

    def _expected(self) -> str:
        what = self.kind
        if self.minimum is not None and self.maximum is not None:
            return f"{what} between {_number(self.minimum)} and {_number(self.maximum)}"
        if self.minimum is not None:
            return f"{what} of at least {_number(self.minimum)}"
        if self.maximum is not None:
            return f"{what} of at most {_number(self.maximum)}"
        return what

    def clean(self, value, template):
        wrong = (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (self.whole and not float(value).is_integer())
            or (self.minimum is not None and value < self.minimum)
            or (self.maximum is not None and value > self.maximum)
        )
        if wrong:
            return None, [(self.name, f"expected {self._expected()}, found {describe(value)}")]
        return (int(value) if self.whole else value), []


@dataclass(frozen=True)
class ChoiceParam(Param):
    choices: tuple[str, ...] = ()

    def clean(self, value, template):
        if value not in self.choices or not isinstance(value, str):
            return None, [
                (self.name, f"expected one of {', '.join(self.choices)}, found {describe(value)}")
            ]
        return value, []


def _list(name: str, value: Any, what: str) -> tuple[list[Any] | None, list[ParamProblem]]:
    if not isinstance(value, list):
        return None, [(name, f"expected a list of {what}, found {describe(value)}")]
    if not value:
        return None, [(name, f"expected at least one {what.removesuffix('s')}, found none")]
    return value, []


@dataclass(frozen=True)
class ChoiceListParam(Param):
    choices: tuple[str, ...] = ()

    def clean(self, value, template):
        entries, problems = _list(self.name, value, "values")
        if entries is None:
            return None, problems
        found: list[str] = []
        for index, entry in enumerate(entries):
            where = _index(self.name, index)
            if not isinstance(entry, str) or entry not in self.choices:
                problems.append(
                    (where, f"{describe(entry)} is not one of {', '.join(self.choices)}")
                )
            elif entry in found:
                problems.append((where, f"{entry!r} is listed twice"))
            else:
                found.append(entry)
        return (tuple(found) if not problems else None), problems


def _evidence_type(
    where: str, value: Any, template: TemplateFacts | None
) -> tuple[str | None, list[ParamProblem]]:
    if not isinstance(value, str) or not value.strip():
        return None, [(where, f"expected an evidence type code, found {describe(value)}")]
    if template is not None and value not in template.evidence_types:
        known = ", ".join(sorted(template.evidence_types))
        return None, [(where, f"unknown evidence type {value!r} (the bound template has: {known})")]
    return value, []


@dataclass(frozen=True)
class EvidenceTypeParam(Param):
    kind = "an evidence type code of the bound template"

    def clean(self, value, template):
        return _evidence_type(self.name, value, template)


@dataclass(frozen=True)
class EvidenceTypesParam(Param):
    kind = "a list of evidence type codes of the bound template"

    def clean(self, value, template):
        entries, problems = _list(self.name, value, "evidence types")
        if entries is None:
            return None, problems
        found: list[str] = []
        for index, entry in enumerate(entries):
            where = _index(self.name, index)
            code, wrong = _evidence_type(where, entry, template)
            if wrong:
                problems += wrong
            elif code in found:
                problems.append((where, f"evidence type {code!r} is listed twice"))
            else:
                found.append(code)
        return (tuple(found) if not problems else None), problems


def _question_ref(where: str, value: Any) -> list[ParamProblem]:
    if isinstance(value, str) and value.strip():
        return []
    hint = " (put it in quotes)" if isinstance(value, int | float) else ""
    return [(where, f"expected a question ref, found {describe(value)}{hint}")]


def _date_question(where: str, ref: str, template: TemplateFacts | None) -> list[ParamProblem]:
    if template is None:
        return []
    facts = template.questions.get(ref)
    if facts is None:
        return [(where, f"there is no question {ref!r} in the bound template")]
    if facts.answer_type != "date":
        return [(where, f"question {ref!r} is not a date question (it is {facts.answer_type})")]
    return []


@dataclass(frozen=True)
class DateQuestionParam(Param):
    kind = "the ref of a date question of the bound template"

    def clean(self, value, template):
        problems = _question_ref(self.name, value) or _date_question(self.name, value, template)
        return (None if problems else value), problems


@dataclass(frozen=True)
class DatePairsParam(Param):
    kind = 'a list of [earlier, later] date question refs, e.g. [["4.1.2", "4.1.3"]]'

    def clean(self, value, template):
        entries, problems = _list(self.name, value, "pairs of date questions")
        if entries is None:
            return None, problems
        pairs: list[tuple[str, str]] = []
        for index, entry in enumerate(entries):
            where = _index(self.name, index)
            if not isinstance(entry, list) or len(entry) != 2:
                problems.append(
                    (where, f"expected [earlier, later] question refs, found {describe(entry)}")
                )
                continue
            wrong: list[ParamProblem] = []
            for side, ref in enumerate(entry):
                side_where = _index(where, side)
                wrong += _question_ref(side_where, ref) or _date_question(side_where, ref, template)
            if not wrong and entry[0] == entry[1]:
                wrong.append((where, f"a question cannot come before itself ({entry[0]!r})"))
            problems += wrong
            if not wrong:
                pairs.append((entry[0], entry[1]))
        return (tuple(pairs) if not problems else None), problems


@dataclass(frozen=True)
class DateTarget:
    """A date question ("4.6.3"), or a table question's date column ("4.8.3:due_date")."""

    question: str
    column: str = ""

    def __str__(self) -> str:
        return f"{self.question}:{self.column}" if self.column else self.question


@dataclass(frozen=True)
class DateTargetsParam(Param):
    kind = (
        'a list of date question refs ("4.1.3") or table date columns ("4.8.3:due_date") '
        "of the bound template"
    )

    def clean(self, value, template):
        entries, problems = _list(self.name, value, "date questions or columns")
        if entries is None:
            return None, problems
        targets: list[DateTarget] = []
        for index, entry in enumerate(entries):
            where = _index(self.name, index)
            wrong = _question_ref(where, entry)
            if wrong:
                problems += wrong
                continue
            ref, _, column = entry.partition(":")
            target = DateTarget(ref.strip(), column.strip())
            wrong = self._check(where, target, template)
            problems += wrong
            if not wrong:
                targets.append(target)
        return (tuple(targets) if not problems else None), problems

    @staticmethod
    def _check(where: str, target: DateTarget, template: TemplateFacts | None):
        if not target.column:
            return _date_question(where, target.question, template)
        if template is None:
            return []
        facts = template.questions.get(target.question)
        if facts is None:
            return [(where, f"there is no question {target.question!r} in the bound template")]
        if facts.answer_type != "table":
            return [(where, f"question {target.question!r} is not a table, so it has no columns")]
        if target.column not in facts.date_columns:
            dates = ", ".join(facts.date_columns) or "none"
            return [
                (
                    where,
                    f"table {target.question!r} has no date column {target.column!r} "
                    f"(its date columns: {dates})",
                )
            ]
        return []


@dataclass(frozen=True)
class ParamSpec:
    """A check's parameters as a whole: unknown names, required ones, and each value."""

    check_name: str
    params: Sequence[Param] = field(default_factory=tuple)

    def clean(
        self, raw: Mapping[str, Any], template: TemplateFacts | None = None
    ) -> tuple[dict[str, Any], list[ParamProblem]]:
        values: dict[str, Any] = {}
        problems: list[ParamProblem] = []
        names = {param.name for param in self.params}
        for key in raw:
            if key not in names:
                takes = (
                    f"{self.check_name} takes {', '.join(sorted(names))}"
                    if names
                    else f"{self.check_name} takes no parameters"
                )
                problems.append((str(key), f"unknown parameter ({takes})"))
        for param in self.params:
            if raw.get(param.name) is None:
                if param.required:
                    problems.append((param.name, "is required"))
                values[param.name] = param.default
                continue
            value, wrong = param.clean(raw[param.name], template)
            problems += wrong
            values[param.name] = value
        return values, problems
