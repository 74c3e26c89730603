"""The QAD template file format (docs/version-files.md): reading and checking it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qad.enums import AnswerType, SubmissionStage, TableColumnType
from qad.version_file_reader import (
    CODE_PATTERN,
    REF_PATTERN,
    Reader,
    Source,
    describe,
    join,
)
from qualification.enums import QualificationCondition, Route

FORMAT = "qad-template/1"
DOCUMENT_CODE_PATTERN = re.compile(r"^[A-Z]{2,10}$")
REQUIREMENT_PATTERN = re.compile(r"^[A-Z0-9][A-Za-z0-9._/-]{1,49}$")

# Keys each answer type takes beyond the common ones.
TYPE_KEYS: dict[str, frozenset[str]] = {
    AnswerType.FREE_TEXT: frozenset({"max_length"}),
    AnswerType.YES_NO: frozenset(),
    AnswerType.DATE: frozenset({"not_before"}),
    AnswerType.SINGLE_CHOICE: frozenset({"choices"}),
    AnswerType.NUMBER: frozenset({"min", "max", "unit"}),
    AnswerType.TABLE: frozenset({"columns", "min_rows"}),
    AnswerType.EVIDENCE_ONLY: frozenset(),
}
ALL_TYPE_KEYS = frozenset().union(*TYPE_KEYS.values())
QUESTION_KEYS = frozenset(
    {
        "ref",
        "prompt",
        "guidance",
        "answer_type",
        "required",
        "assessed_by",
        "requirements",
        "evidence",
        "applies_to",
        "replaces",
        "split_from",
    }
)
DEFAULT_MAX_LENGTH = 10_000


@dataclass(frozen=True)
class ApplicabilitySpec:
    roles: list[str] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)
    when: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EvidenceTypeSpec:
    code: str
    name: str
    description: str


@dataclass(frozen=True)
class QuestionSpec:
    ref: str
    prompt: str
    guidance: str
    answer_type: str
    required: bool
    options: dict[str, Any]
    assessed_by: list[str]
    requirements: list[str]
    evidence: list[dict[str, Any]]
    applies: ApplicabilitySpec
    # Which questions of the previous version it takes the place of (docs/version-files.md):
    # one renumbered or reworded, several merged; or the one it was split from.
    replaces: list[str] = field(default_factory=list)
    split_from: str = ""


@dataclass(frozen=True)
class SectionSpec:
    ref: str
    title: str
    guidance: str
    applies: ApplicabilitySpec
    questions: list[QuestionSpec]


@dataclass(frozen=True)
class TemplateSpec:
    document_code: str
    document_name: str
    version: str
    title: str
    effective_date: dt.date | None
    evidence_types: list[EvidenceTypeSpec]
    sections: list[SectionSpec]
    previous: str = ""  # the version this one follows, which its mapping names questions of
    removed: list[dict[str, str]] = field(default_factory=list)  # [{ref, reason}]

    @property
    def questions(self) -> list[QuestionSpec]:
        return [q for s in self.sections for q in s.questions]


@dataclass(frozen=True)
class Vocabulary:
    """What the file may name: market roles (with their approvers) and Code Bodies."""

    role_approvers: Mapping[str, frozenset[str]]
    code_bodies: frozenset[str]
    # {(document code, version): its question refs}: the versions a file may follow.
    loaded_questions: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)


def _ref_key(ref: str) -> list[int]:
    return [int(part) if part.isdigit() else 0 for part in ref.split(".")]


def read_template(source: Source, *, vocabulary: Vocabulary) -> TemplateSpec:
    """Parse and check a whole template file; raise VersionFileError listing every problem."""
    return _TemplateReader(vocabulary).whole_file(source)


class _TemplateReader(Reader):
    def __init__(self, vocabulary: Vocabulary) -> None:
        super().__init__()
        self.vocabulary = vocabulary
        self.evidence_codes: set[str] = set()
        self.section_refs: dict[str, str] = {}
        self.question_refs: dict[str, str] = {}
        self.date_questions: set[str] = set()
        self.not_before: list[tuple[str, str, str]] = []  # (path, question ref, target ref)
        # (path, old ref, new question ref, "replaces" or "split_from")
        self.claims: list[tuple[str, str, str, str]] = []

    def read(self, document: Any) -> TemplateSpec | None:
        top = self.mapping(
            document,
            "",
            required=["format", "document", "version", "title", "sections"],
            optional=["effective_date", "evidence_types", "previous", "removed"],
        )
        if top is None:
            return None
        file_format = top.get("format")
        if "format" in top and file_format != FORMAT:
            self.problem("format", f"expected {FORMAT!r}, found {describe(file_format)}")
        doc = self.mapping(top.get("document", {}), "document", required=["code", "name"]) or {}
        code = self.text(
            doc,
            "code",
            "document",
            pattern=DOCUMENT_CODE_PATTERN,
            pattern_hint="2 to 10 upper-case letters",
        )
        name = self.text(doc, "name", "document", max_length=150)
        version = self.version(top, example="3.01")
        title = self.text(top, "title", "", max_length=200)
        effective_date = self.date(top, "effective_date", "")
        evidence_types = self.each(
            self.items(top, "evidence_types", ""), "evidence_types", self.read_evidence_type
        )
        sections = self.each(self.items(top, "sections", ""), "sections", self.read_section)
        if "sections" in top and not sections and not self.problems:
            self.problem("sections", "the template has no sections")
        self.check_parents()
        self.check_not_before()
        previous = self.text(top, "previous", "", required=False, max_length=20)
        removed = self.each(
            self.items(top, "removed", "", required=False), "removed", self.read_removed
        )
        self.check_mapping(code, previous, removed)
        return TemplateSpec(
            document_code=code,
            document_name=name,
            version=version,
            title=title,
            effective_date=effective_date,
            evidence_types=evidence_types,
            sections=sections,
            previous=previous,
            removed=removed,
        )

    def read_evidence_type(self, entry: Any, path: str) -> EvidenceTypeSpec | None:
        node = self.mapping(entry, path, required=["code", "name"], optional=["description"])
        if node is None:
            return None
        code = self.text(
            node,
            "code",
            path,
            max_length=50,
            pattern=CODE_PATTERN,
            pattern_hint="lower_snake_case",
        )
        if code in self.evidence_codes:
            self.problem(join(path, "code"), f"evidence type {code!r} is defined twice")
        self.evidence_codes.add(code)
        return EvidenceTypeSpec(
            code=code,
            name=self.text(node, "name", path, max_length=150),
            description=self.text(node, "description", path, required=False),
        )

    def read_applicability(self, node: dict, path: str) -> ApplicabilitySpec:
        if node.get("applies_to") is None:
            return ApplicabilitySpec()
        where = join(path, "applies_to")
        applies = self.mapping(
            node["applies_to"], where, optional=["roles", "routes", "when", "stages"]
        )
        if applies is None:
            return ApplicabilitySpec()
        return ApplicabilitySpec(
            roles=self.codes(
                applies, "roles", where, known=self.vocabulary.role_approvers, kind="market role"
            ),
            routes=self.codes(applies, "routes", where, known=Route.values, kind="route"),
            when=self.codes(
                applies, "when", where, known=QualificationCondition.values, kind="condition"
            ),
            stages=self.codes(applies, "stages", where, known=SubmissionStage.values, kind="stage"),
        )

    def read_section(self, entry: Any, path: str) -> SectionSpec | None:
        node = self.mapping(
            entry,
            path,
            required=["ref", "title"],
            optional=["guidance", "applies_to", "questions"],
        )
        if node is None:
            return None
        ref = self.text(
            node, "ref", path, pattern=REF_PATTERN, pattern_hint='a dotted number such as "4.5"'
        )
        self.unique(self.section_refs, ref, join(path, "ref"), what="section ref")
        applies = self.read_applicability(node, path)
        section = SectionSpec(
            ref=ref,
            title=self.text(node, "title", path, max_length=200),
            guidance=self.text(node, "guidance", path, required=False),
            applies=applies,
            questions=[],
        )
        questions_path = join(path, "questions")
        for index, item in enumerate(self.items(node, "questions", path, required=False)):
            question = self.read_question(item, join(questions_path, index), section)
            if question is not None:
                section.questions.append(question)
        return section

    def read_question(self, entry: Any, path: str, section: SectionSpec) -> QuestionSpec | None:
        node = self.mapping(
            entry,
            path,
            required=["ref", "prompt", "answer_type", "assessed_by"],
            optional=QUESTION_KEYS | ALL_TYPE_KEYS,
        )
        if node is None:
            return None
        ref = self.text(
            node, "ref", path, pattern=REF_PATTERN, pattern_hint='a dotted number such as "4.5.1"'
        )
        self.unique(self.question_refs, ref, join(path, "ref"), what="question ref")
        if ref and section.ref and not ref.startswith(section.ref + "."):
            self.problem(
                join(path, "ref"),
                f"question {ref!r} is in section {section.ref!r}; its ref must start with "
                f'"{section.ref}."',
            )
        answer_type = self.text(node, "answer_type", path)
        if answer_type and answer_type not in AnswerType.values:
            self.problem(
                join(path, "answer_type"),
                f"{answer_type!r} is not one of {', '.join(AnswerType.values)}",
            )
            answer_type = ""
        options = self.read_type_options(node, path, ref, answer_type) if answer_type else {}
        applies = self.read_applicability(node, path)
        self.check_narrowing(section, applies, path)
        assessed_by = self.codes(
            node,
            "assessed_by",
            path,
            known=self.vocabulary.code_bodies,
            kind="Code Body",
            required=True,
        )
        self.check_assessors(section, applies, assessed_by, path)
        return QuestionSpec(
            ref=ref,
            prompt=self.text(node, "prompt", path, max_length=2000),
            guidance=self.text(node, "guidance", path, required=False),
            answer_type=answer_type,
            required=self.boolean(node, "required", path, default=True),
            options=options,
            assessed_by=assessed_by,
            requirements=self.read_requirements(node, path),
            evidence=self.read_expected_evidence(node, path),
            applies=applies,
            **self.read_replaced(node, path, ref),
        )

    def read_replaced(self, node: dict, path: str, ref: str) -> dict[str, Any]:
        """`replaces` (refs of the previous version) or `split_from` (one ref)."""
        replaces = [
            self.text(
                {"ref": old},
                "ref",
                join(path, f"replaces[{i}]"),
                pattern=REF_PATTERN,
                pattern_hint='a question ref such as "4.5.1"',
            )
            for i, old in enumerate(self.items(node, "replaces", path, required=False))
        ]
        split_from = self.text(
            node,
            "split_from",
            path,
            required=False,
            pattern=REF_PATTERN,
            pattern_hint='a question ref such as "4.5.1"',
        )
        if replaces and split_from:
            self.problem(
                join(path, "split_from"),
                "a question either replaces questions or is split from one, not both",
            )
        for i, old in enumerate(replaces):
            self.claims.append((join(path, f"replaces[{i}]"), old, ref, "replaces"))
        if split_from:
            self.claims.append((join(path, "split_from"), split_from, ref, "split_from"))
        return {"replaces": [old for old in replaces if old], "split_from": split_from}

    def read_removed(self, entry: Any, path: str) -> dict[str, str] | None:
        node = self.mapping(entry, path, required=["ref", "reason"])
        if node is None:
            return None
        return {
            "ref": self.text(
                node,
                "ref",
                path,
                pattern=REF_PATTERN,
                pattern_hint='a question ref such as "4.5.1"',
            ),
            "reason": self.text(node, "reason", path, max_length=500),
        }

    def check_mapping(self, code: str, previous: str, removed: list[dict[str, str]]) -> None:
        """Every question of the previous version is kept (same ref, not taken by another
        question), replaced, split or listed under `removed`; a mapping names only questions
        that version has."""
        if not previous:
            for path, _old, _new, key in self.claims:
                self.problem(path, f"`{key}` needs `previous`: the version this one follows")
            if removed:
                self.problem("removed", "`removed` needs `previous`: the version this one follows")
            return
        old_refs = self.vocabulary.loaded_questions.get((code, previous))
        if old_refs is None:
            self.problem(
                "previous",
                f"{code} v{previous} is not loaded: load the version this one follows first",
            )
            return
        what = f"{code} v{previous}"
        claimed: dict[str, list[tuple[str, str]]] = {}
        for path, old, new, key in self.claims:
            if old not in old_refs:
                self.problem(path, f"{old!r} is not a question of {what}")
            claimed.setdefault(old, []).append((key, new))
        for old, by in claimed.items():
            keys = {key for key, _new in by}
            if keys == {"split_from"} and len(by) < 2:
                self.problem(
                    next(p for p, o, _n, k in self.claims if o == old and k == "split_from"),
                    f"only one question is split from {old!r}: a question that takes its "
                    "place says `replaces`",
                )
            elif len(keys) > 1:
                self.problem(
                    next(p for p, o, _n, _k in self.claims if o == old),
                    f"{old!r} is both replaced and split: say one or the other",
                )
        removed_refs: dict[str, int] = {}
        for i, entry in enumerate(removed):
            ref = entry["ref"]
            if ref and ref not in old_refs:
                self.problem(f"removed[{i}].ref", f"{ref!r} is not a question of {what}")
            elif ref in claimed:
                self.problem(
                    f"removed[{i}].ref",
                    f"{ref!r} is listed as removed but a question of this version takes its "
                    "place (`replaces` or `split_from`)",
                )
            removed_refs[ref] = i
        for old in sorted(old_refs, key=_ref_key):
            if old in claimed or old in removed_refs or old in self.question_refs:
                continue
            self.problem(
                "previous",
                f"question {old} of {what} is neither kept, replaced nor removed: name it in a "
                "question's `replaces` or `split_from`, or list it under `removed` with a reason",
            )

    def read_type_options(
        self, node: dict, path: str, ref: str, answer_type: str
    ) -> dict[str, Any]:
        allowed = TYPE_KEYS[answer_type]
        for key in sorted(ALL_TYPE_KEYS - allowed):
            if key in node:
                owners = [t for t, keys in TYPE_KEYS.items() if key in keys]
                self.problem(
                    join(path, key),
                    f"only questions of answer_type {' or '.join(owners)} take {key!r}",
                )
        options: dict[str, Any] = {}
        if answer_type == AnswerType.FREE_TEXT:
            options["max_length"] = (
                self.positive_int(node, "max_length", path) or DEFAULT_MAX_LENGTH
            )
        elif answer_type == AnswerType.DATE:
            self.date_questions.add(ref)
            target = self.text(node, "not_before", path, required=False)
            if target:
                options["not_before"] = target
                self.not_before.append((join(path, "not_before"), ref, target))
        elif answer_type == AnswerType.SINGLE_CHOICE:
            options["choices"] = self.read_choices(node, path)
        elif answer_type == AnswerType.NUMBER:
            for key in ("min", "max"):
                number = self.number(node, key, path)
                if number is not None:
                    options[key] = number
            if "min" in options and "max" in options and options["min"] > options["max"]:
                self.problem(join(path, "min"), "is greater than max")
            unit = self.text(node, "unit", path, required=False, max_length=20)
            if unit:
                options["unit"] = unit
        elif answer_type == AnswerType.TABLE:
            options["columns"] = self.read_columns(node, path)
            min_rows = self.positive_int(node, "min_rows", path)
            if min_rows:
                options["min_rows"] = min_rows
        return options

    def positive_int(self, node: dict, key: str, path: str) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem(
                join(path, key), f"expected a whole number above 0, found {describe(value)}"
            )
            return None
        return value

    def read_choices(self, node: dict, path: str) -> list[dict[str, str]]:
        where = join(path, "choices")
        if "choices" not in node:
            self.problem(where, "is required for a single_choice question")
            return []
        choices: list[dict[str, str]] = []
        seen: dict[str, str] = {}
        for index, item in enumerate(self.items(node, "choices", path)):
            item_path = join(where, index)
            if isinstance(item, str) and item.strip():
                value, label = item.strip(), item.strip()
            elif isinstance(item, dict):
                choice = self.mapping(item, item_path, required=["value", "label"]) or {}
                value = self.text(choice, "value", item_path, max_length=100)
                label = self.text(choice, "label", item_path, max_length=200)
            else:
                self.problem(
                    item_path, f"expected text or {{value, label}}, found {describe(item)}"
                )
                continue
            self.unique(seen, value, item_path, what="choice")
            choices.append({"value": value, "label": label})
        if len(choices) < 2 and isinstance(node.get("choices"), list):
            self.problem(where, "a single_choice question needs at least two choices")
        return choices

    def read_cell_format(self, column: dict, path: str, column_type: str) -> dict[str, str]:
        """A text column's format (`pattern`, a regular expression every cell must match, and
        `pattern_hint`, the words that tell the person what it must look like)."""
        if "pattern" not in column and "pattern_hint" not in column:
            return {}
        if column_type != TableColumnType.TEXT:
            self.problem(join(path, "pattern"), "only a text column takes a pattern")
            return {}
        pattern = self.text(column, "pattern", path, max_length=200)
        hint = self.text(column, "pattern_hint", path, max_length=200)
        try:
            re.compile(pattern)
        except re.error as exc:
            self.problem(join(path, "pattern"), f"is not a regular expression ({exc})")
            return {}
        return {"pattern": pattern, "pattern_hint": hint} if pattern and hint else {}

    def read_columns(self, node: dict, path: str) -> list[dict[str, str]]:
        where = join(path, "columns")
        if "columns" not in node:
            self.problem(where, "is required for a table question")
            return []
        columns: list[dict[str, str]] = []
        seen: dict[str, str] = {}
        for index, item in enumerate(self.items(node, "columns", path)):
            item_path = join(where, index)
            column = self.mapping(
                item,
                item_path,
                required=["key", "label", "type"],
                optional=["pattern", "pattern_hint"],
            )
            if column is None:
                continue
            key = self.text(
                column,
                "key",
                item_path,
                max_length=50,
                pattern=CODE_PATTERN,
                pattern_hint="lower_snake_case",
            )
            self.unique(seen, key, join(item_path, "key"), what="column key")
            column_type = self.text(column, "type", item_path)
            if column_type and column_type not in TableColumnType.values:
                self.problem(
                    join(item_path, "type"),
                    f"{column_type!r} is not one of {', '.join(TableColumnType.values)}",
                )
            read = {
                "key": key,
                "label": self.text(column, "label", item_path, max_length=100),
                "type": column_type,
            }
            read.update(self.read_cell_format(column, item_path, column_type))
            columns.append(read)
        if not columns and isinstance(node.get("columns"), list):
            self.problem(where, "a table question needs at least one column")
        return columns

    def read_requirements(self, node: dict, path: str) -> list[str]:
        found: list[str] = []
        where = join(path, "requirements")
        for index, item in enumerate(self.items(node, "requirements", path, required=False)):
            if not isinstance(item, str) or not REQUIREMENT_PATTERN.match(item):
                self.problem(
                    join(where, index),
                    f"{describe(item)} is not a requirement reference such as MHHS-BR-TS-001",
                )
            elif item in found:
                self.problem(join(where, index), f"requirement {item!r} is listed twice")
            else:
                found.append(item)
        return found

    def read_expected_evidence(self, node: dict, path: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        where = join(path, "evidence")
        for index, item in enumerate(self.items(node, "evidence", path, required=False)):
            item_path = join(where, index)
            expected = self.mapping(item, item_path, required=["type"], optional=["required"])
            if expected is None:
                continue
            code = self.text(expected, "type", item_path)
            if code and code not in self.evidence_codes:
                self.problem(
                    join(item_path, "type"),
                    f"unknown evidence type {code!r} (define it under evidence_types)",
                )
            elif code in {e["type"] for e in found}:
                self.problem(join(item_path, "type"), f"evidence type {code!r} is listed twice")
            else:
                found.append(
                    {
                        "type": code,
                        "required": self.boolean(expected, "required", item_path, default=False),
                    }
                )
        return found

    def check_narrowing(self, section: SectionSpec, applies: ApplicabilitySpec, path: str) -> None:
        """A question cannot apply to a role, route or stage its section excludes."""
        for key, own, outer in (
            ("roles", applies.roles, section.applies.roles),
            ("routes", applies.routes, section.applies.routes),
            ("stages", applies.stages, section.applies.stages),
        ):
            if outer and own:
                outside = [code for code in own if code not in outer]
                if outside:
                    self.problem(
                        join(join(path, "applies_to"), key),
                        f"{', '.join(outside)} can never apply: section {section.ref} applies "
                        f"only to {', '.join(outer)}",
                    )

    def check_assessors(
        self,
        section: SectionSpec,
        applies: ApplicabilitySpec,
        assessed_by: list[str],
        path: str,
    ) -> None:
        """Each Code Body that assesses a question must approve at least one role it applies to."""
        roles = applies.roles or section.applies.roles or list(self.vocabulary.role_approvers)
        for index, body in enumerate(assessed_by):
            if not any(body in self.vocabulary.role_approvers.get(r, ()) for r in roles):
                self.problem(
                    join(join(path, "assessed_by"), index),
                    f"{body} approves none of the roles this question applies to "
                    f"({', '.join(roles)})",
                )

    def check_parents(self) -> None:
        """A sub-section sits under a section of the file: no "12.1" without a "12"."""
        for ref, path in self.section_refs.items():
            parent = ref.rpartition(".")[0]
            if parent and parent not in self.section_refs:
                self.problem(
                    path,
                    f"section {ref!r} has no parent section {parent!r} (add section "
                    f"{parent!r}, or number this one under a section that exists)",
                )

    def check_not_before(self) -> None:
        for path, ref, target in self.not_before:
            if target == ref:
                self.problem(path, "a date cannot be checked against itself")
            elif target not in self.question_refs:
                self.problem(path, f"there is no question {target!r} in this template")
            elif target not in self.date_questions:
                self.problem(path, f"question {target!r} is not a date question")
