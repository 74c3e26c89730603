"""The criteria file format (docs/version-files.md): reading and checking it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assessment.checks.params import TemplateFacts
from assessment.checks.registry import CHECKS
from qad.version_file_reader import (
    Reader,
    Source,
    describe,
    join,
)

FORMAT = "criteria-set/1"
CRITERION_REF_PATTERN = re.compile(r"^[A-Z][A-Za-z0-9._-]{0,29}$")


@dataclass(frozen=True)
class CheckSpec:
    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CriterionSpec:
    ref: str
    title: str
    looks_for: str
    questions: list[str]
    checks: list[CheckSpec]


@dataclass(frozen=True)
class TemplateRef:
    document: str
    version: str
    # Later versions of the same document the criteria also apply to: their questions are
    # matched by reference.
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriteriaSpec:
    code_body: str
    version: str
    title: str
    effective_date: dt.date | None
    template: TemplateRef
    criteria: list[CriterionSpec]


# The bound template's questions (with the Code Bodies that assess each) and evidence types;
# None if that template is not loaded.
TemplateLookup = Callable[[TemplateRef], TemplateFacts | None]


def read_criteria(
    source: Source, *, code_bodies: frozenset[str], template_facts: TemplateLookup
) -> CriteriaSpec:
    return _CriteriaReader(code_bodies, template_facts).whole_file(source)


class _CriteriaReader(Reader):
    def __init__(self, code_bodies: frozenset[str], template_facts: TemplateLookup):
        super().__init__()
        self.code_bodies = code_bodies
        self.template_facts = template_facts
        self.template: TemplateFacts | None = None
        self.refs: dict[str, str] = {}
        # {later version named in qad_template.also: {question ref: who assesses it}}
        self.also: dict[str, Mapping[str, list[str]]] = {}

    def read(self, document: Any) -> CriteriaSpec | None:
        top = self.mapping(
            document,
            "",
            required=["format", "code_body", "version", "title", "qad_template", "criteria"],
            optional=["effective_date"],
        )
        if top is None:
            return None
        if "format" in top and top.get("format") != FORMAT:
            self.problem("format", f"expected {FORMAT!r}, found {describe(top.get('format'))}")
        code_body = self.text(top, "code_body", "")
        if code_body and code_body not in self.code_bodies:
            self.problem(
                "code_body",
                f"unknown Code Body {code_body!r} (known: {', '.join(sorted(self.code_bodies))})",
            )
            code_body = ""  # one problem, not one more per question
        version = self.version(top, example="5.0")
        template_node = (
            self.mapping(
                top.get("qad_template", {}),
                "qad_template",
                required=["document", "version"],
                optional=["also"],
            )
            or {}
        )
        template = TemplateRef(
            document=self.text(template_node, "document", "qad_template"),
            version=self.text(template_node, "version", "qad_template"),
            also=self.read_also(template_node),
        )
        questions: Mapping[str, list[str]] | None = None
        for index, also in enumerate(template.also):
            facts = self.template_facts(TemplateRef(template.document, also))
            if facts is None:
                self.problem(
                    join("qad_template.also", index),
                    f"{template.document} v{also} is not loaded; load the template first",
                )
            else:
                self.also[also] = {
                    ref: list(question.assessed_by) for ref, question in facts.questions.items()
                }
        if template.document and template.version:
            self.template = self.template_facts(template)
            if self.template is not None:
                questions = {
                    ref: list(facts.assessed_by) for ref, facts in self.template.questions.items()
                }
            else:
                self.problem(
                    "qad_template",
                    f"{template.document} v{template.version} is not loaded; load the template "
                    "first",
                )
        criteria = self.each(
            self.items(top, "criteria", ""),
            "criteria",
            lambda entry, path: self.read_criterion(entry, path, code_body, questions),
        )
        if isinstance(top.get("criteria"), list) and not criteria and not self.problems:
            self.problem("criteria", "the file has no criteria")
        return CriteriaSpec(
            code_body=code_body,
            version=version,
            title=self.text(top, "title", "", max_length=200),
            effective_date=self.date(top, "effective_date", ""),
            template=template,
            criteria=criteria,
        )

    def read_criterion(
        self,
        entry: Any,
        path: str,
        code_body: str,
        questions: Mapping[str, list[str]] | None,
    ) -> CriterionSpec | None:
        node = self.mapping(
            entry, path, required=["ref", "title", "looks_for", "questions"], optional=["checks"]
        )
        if node is None:
            return None
        ref = self.text(
            node,
            "ref",
            path,
            max_length=30,
            pattern=CRITERION_REF_PATTERN,
            pattern_hint="a reference such as BSC-4.1-01",
        )
        self.unique(self.refs, ref, join(path, "ref"), what="criterion ref")
        refs: list[str] = []
        where = join(path, "questions")
        entries = self.items(node, "questions", path)
        if isinstance(node.get("questions"), list) and not entries:
            self.problem(where, "a criterion must assess at least one question")
        for index, item in enumerate(entries):
            item_path = join(where, index)
            if not isinstance(item, str):
                hint = " (put it in quotes)" if isinstance(item, int | float) else ""
                self.problem(item_path, f"expected a question ref, found {describe(item)}{hint}")
            elif item in refs:
                self.problem(item_path, f"question {item!r} is listed twice")
            elif questions is not None and item not in questions:
                self.problem(item_path, f"there is no question {item!r} in the bound template")
            elif questions is not None and code_body and code_body not in questions[item]:
                self.problem(
                    item_path,
                    f"question {item!r} is assessed by {', '.join(questions[item])}, "
                    f"not {code_body}",
                )
            elif missing := [
                version
                for version, asked in self.also.items()
                if item not in asked or (code_body and code_body not in asked[item])
            ]:
                self.problem(
                    item_path,
                    f"question {item!r} is not one {code_body or 'this Code Body'} assesses in "
                    f"v{', v'.join(missing)} (named in qad_template.also)",
                )
            else:
                refs.append(item)
        return CriterionSpec(
            ref=ref,
            title=self.text(node, "title", path, max_length=200),
            looks_for=self.text(node, "looks_for", path),
            questions=refs,
            checks=self.read_checks(node, path),
        )

    def read_also(self, node: dict) -> tuple[str, ...]:
        """The later versions named in `qad_template.also`, each once."""
        found: list[str] = []
        for index, item in enumerate(self.items(node, "also", "qad_template", required=False)):
            if not isinstance(item, str):
                self.problem(
                    join("qad_template.also", index),
                    f"expected a version in quotes, found {describe(item)}",
                )
            elif item == node.get("version") or item in found:
                self.problem(join("qad_template.also", index), f"v{item} is named already")
            else:
                found.append(item)
        return tuple(found)

    def read_checks(self, node: dict, path: str) -> list[CheckSpec]:
        checks: list[CheckSpec] = []
        where = join(path, "checks")
        for index, item in enumerate(self.items(node, "checks", path, required=False)):
            item_path = join(where, index)
            params: dict[str, Any] = {}
            if isinstance(item, str):
                name = item
            elif isinstance(item, dict):
                check = self.mapping(item, item_path, required=["name"], optional=["params"])
                name = self.text(check or {}, "name", item_path)
                raw = (check or {}).get("params", {})
                if raw is None:
                    raw = {}
                if not isinstance(raw, dict):
                    self.problem(
                        join(item_path, "params"), f"expected a mapping, found {describe(raw)}"
                    )
                else:
                    params = raw
            else:
                self.problem(item_path, f"expected a check name, found {describe(item)}")
                continue
            if name and name not in CHECKS:
                self.problem(
                    item_path,
                    f"unknown check {name!r} (known: {', '.join(sorted(CHECKS))})",
                )
            elif name:
                self.check_params(name, params, join(item_path, "params"))
                checks.append(CheckSpec(name=name, params=params))
        return checks

    def check_params(self, name: str, params: dict[str, Any], path: str) -> None:
        """Each parameter as the check declares it, and against the bound template."""
        _values, problems = CHECKS[name].clean_params(params, self.template)
        for where, message in problems:
            self.problem(join(path, where), message)
