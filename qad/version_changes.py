"""What a new template or criteria version changes, compared with the one it replaces."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from qad.models import QadTemplate, Question, Section
from qad.version_mapping import version_lineage
from qad.word_diff import word_diff
from qualification.csv_cells import csv_safe


@dataclass(frozen=True)
class Change:
    kind: str  # added, removed, reworded, changed; renumbered, merged, split
    what: str  # section, question, criterion
    ref: str
    aspect: str  # title, prompt, applicability, evidence, answer type...
    before: str = ""
    after: str = ""
    note: str = ""  # why, where the version file says (a removed question's reason)
    segments: list[tuple[str, str]] = field(default_factory=list, compare=False)


def _applies(item) -> str:
    parts = []
    if item.applies_roles:
        parts.append("roles " + ", ".join(item.applies_roles))
    if item.applies_routes:
        parts.append("routes " + ", ".join(item.applies_routes))
    if item.applies_when:
        parts.append("when " + ", ".join(item.applies_when))
    if item.applies_stages:
        parts.append("in the " + " and ".join(f"{stage} QAD" for stage in item.applies_stages))
    return "; ".join(parts) or "everyone"


def _evidence(question: Question) -> str:
    return (
        ", ".join(
            f"{e['type']}{' (required)' if e.get('required') else ''}" for e in question.evidence
        )
        or "none"
    )


def _text_change(what, ref, aspect, before: str, after: str, kind="changed") -> Change:
    return Change(kind, what, ref, aspect, before, after, segments=word_diff(before, after))


def compare_templates(old: QadTemplate | None, new: QadTemplate) -> list[Change]:
    if old is None:
        return [Change("added", "template", str(new), "version")]
    changes: list[Change] = []
    old_sections = {s.ref: s for s in Section.objects.filter(template=old)}
    new_sections = {s.ref: s for s in Section.objects.filter(template=new)}
    for ref, section in new_sections.items():
        before = old_sections.get(ref)
        if before is None:
            changes.append(Change("added", "section", ref, "title", "", section.title))
            continue
        if before.title != section.title:
            changes.append(
                _text_change("section", ref, "title", before.title, section.title, "reworded")
            )
        if _applies(before) != _applies(section):
            changes.append(
                Change(
                    "changed", "section", ref, "applicability", _applies(before), _applies(section)
                )
            )
    for ref, section in old_sections.items():
        if ref not in new_sections:
            changes.append(Change("removed", "section", ref, "title", section.title, ""))

    old_questions = {q.ref: q for q in Question.objects.filter(template=old)}
    new_questions = {q.ref: q for q in Question.objects.filter(template=new).order_by("position")}
    # The version file's mapping (renumbered, merged, split), where `new` follows `old`.
    lineage = version_lineage(old, new)
    for ref, question in new_questions.items():
        if lineage is None:
            before = old_questions.get(ref)
        else:
            found = lineage.get(ref)
            before = old_questions.get(found.refs[0]) if found else None
            if found and found.refs != (ref,):
                changes.append(
                    Change(
                        found.kind,
                        "question",
                        ref,
                        "takes the place of",
                        ", ".join(found.refs),
                        ref,
                    )
                )
        if before is None:
            changes.append(Change("added", "question", ref, "prompt", "", question.prompt))
            continue
        if before.prompt != question.prompt:
            changes.append(
                _text_change("question", ref, "prompt", before.prompt, question.prompt, "reworded")
            )
        if before.guidance != question.guidance:
            changes.append(
                _text_change("question", ref, "guidance", before.guidance, question.guidance)
            )
        for aspect, old_value, new_value in (
            ("answer type", before.answer_type, question.answer_type),
            ("required", "yes" if before.required else "no", "yes" if question.required else "no"),
            ("applicability", _applies(before), _applies(question)),
            ("evidence expected", _evidence(before), _evidence(question)),
            ("assessed by", ", ".join(before.assessed_by), ", ".join(question.assessed_by)),
            ("requirements", ", ".join(before.requirements), ", ".join(question.requirements)),
            ("answer options", _options(before), _options(question)),
        ):
            if old_value != new_value:
                changes.append(Change("changed", "question", ref, aspect, old_value, new_value))
    carried = (
        {old_ref for found in lineage.values() for old_ref in found.refs}
        if lineage is not None
        else set(new_questions)
    )
    reasons = {entry["ref"]: entry["reason"] for entry in new.removed}
    for ref, question in old_questions.items():
        if ref not in carried:
            changes.append(
                Change(
                    "removed", "question", ref, "prompt", question.prompt, note=reasons.get(ref, "")
                )
            )
    return changes


def _options(question: Question) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(question.options.items()))


def compare_criteria(old, new) -> list[Change]:
    """Criteria added, removed or changed between two criteria sets of one Code Body."""
    if old is None:
        return [Change("added", "criteria set", str(new), "version")]
    changes: list[Change] = []

    def describe(criterion) -> dict[str, str]:
        return {
            "title": criterion.title,
            "looks for": criterion.looks_for,
            "questions": ", ".join(sorted({q.ref for q in criterion.questions.all()})),
            "checks": ", ".join(_check_text(c) for c in criterion.checks),
        }

    old_criteria = {c.ref: c for c in old.criteria.prefetch_related("questions")}
    new_criteria = {c.ref: c for c in new.criteria.prefetch_related("questions")}
    for ref, criterion in new_criteria.items():
        if ref not in old_criteria:
            changes.append(Change("added", "criterion", ref, "title", "", criterion.title))
            continue
        before, after = describe(old_criteria[ref]), describe(criterion)
        for aspect in after:
            if before[aspect] != after[aspect]:
                kind = "reworded" if aspect in ("title", "looks for") else "changed"
                changes.append(
                    _text_change("criterion", ref, aspect, before[aspect], after[aspect], kind)
                )
    for ref, criterion in old_criteria.items():
        if ref not in new_criteria:
            changes.append(Change("removed", "criterion", ref, "title", criterion.title, ""))
    return changes


def _check_text(check: dict) -> str:
    """A check as the criteria file names it, with its parameters: a changed threshold is a
    changed criterion."""
    params = check.get("params") or {}
    if not params:
        return check["name"]
    return f"{check['name']}({'; '.join(f'{k}={params[k]}' for k in sorted(params))})"


def changes_csv(changes: list[Change]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Change", "Item", "Reference", "Aspect", "Before", "After", "Why"])
    for change in changes:
        writer.writerow(
            [
                csv_safe(v)
                for v in (
                    change.kind,
                    change.what,
                    change.ref,
                    change.aspect,
                    change.before,
                    change.after,
                    change.note,
                )
            ]
        )
    return out.getvalue()
