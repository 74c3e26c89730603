"""Which questions of an earlier version each question of a later one takes its answer from.

Each version file maps its questions onto the version it follows (`previous`): a question
`replaces` one question (renumbered or reworded) or several (merged), or is `split_from`
one; a question of the previous version that keeps its ref, is not taken by another and is
not listed under `removed` is kept (docs/version-files.md). A move across several versions
at once follows the mapping of each in turn.
"""

from __future__ import annotations

from dataclasses import dataclass

from qad.models import QadTemplate, Question

KEPT = "kept"
RENUMBERED = "renumbered"
MERGED = "merged"
SPLIT = "split"


@dataclass(frozen=True)
class Lineage:
    """The questions of the earlier version a question takes its answer from, and how."""

    refs: tuple[str, ...]
    kind: str


def version_lineage(
    from_template: QadTemplate, to_template: QadTemplate
) -> dict[str, Lineage] | None:
    """{ref of a question of `to_template`: its Lineage in `from_template`}, for the
    questions that take an answer from it; None when `to_template` does not follow
    `from_template` through the versions' `previous` (questions are then matched by ref)."""
    chain: list[QadTemplate] = []
    step = to_template
    while step.pk != from_template.pk:
        if not step.previous_version or len(chain) > 100:
            return None
        chain.append(step)
        step = QadTemplate.objects.filter(
            document_code=step.document_code, version=step.previous_version
        ).first()
        if step is None:
            return None
    current = {
        ref: Lineage((ref,), KEPT)
        for ref in Question.objects.filter(template=from_template).values_list("ref", flat=True)
    }
    for template in reversed(chain):
        following: dict[str, Lineage] = {}
        for new_ref, (sources, kind) in _one_step(template).items():
            refs: list[str] = []
            kinds = {kind}
            for source in sources:
                if source in current:
                    refs += [ref for ref in current[source].refs if ref not in refs]
                    kinds.add(current[source].kind)
            if refs:
                following[new_ref] = Lineage(tuple(refs), _combined(kinds, len(refs)))
        current = following
    return current


def _one_step(template: QadTemplate) -> dict[str, tuple[tuple[str, ...], str]]:
    """{ref: (refs of the previous version it takes its answer from, how)} of one version."""
    questions = list(
        Question.objects.filter(template=template).values_list("ref", "replaces", "split_from")
    )
    previous = set(
        Question.objects.filter(
            template__document_code=template.document_code,
            template__version=template.previous_version,
        ).values_list("ref", flat=True)
    )
    taken = {old for _ref, replaces, _split in questions for old in replaces}
    taken |= {split for _ref, _replaces, split in questions if split}
    removed = {entry["ref"] for entry in template.removed}
    step: dict[str, tuple[tuple[str, ...], str]] = {}
    for ref, replaces, split_from in questions:
        if replaces:
            kind = MERGED if len(replaces) > 1 else (KEPT if replaces == [ref] else RENUMBERED)
            step[ref] = (tuple(replaces), kind)
        elif split_from:
            step[ref] = ((split_from,), SPLIT)
        elif ref in previous and ref not in taken and ref not in removed:
            step[ref] = ((ref,), KEPT)
    return step


def _combined(kinds: set[str], count: int) -> str:
    if SPLIT in kinds:
        return SPLIT
    if count > 1:
        return MERGED
    return RENUMBERED if RENUMBERED in kinds else KEPT
