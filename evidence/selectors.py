"""Reads about the evidence attached to a revision."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from evidence.enums import ScanState
from evidence.models import EvidenceItem, EvidenceLink


def revision_links(revision) -> QuerySet[EvidenceLink]:
    return (
        EvidenceLink.objects.filter(revision=revision)
        .select_related(
            "item__stored_file",
            "item__uploaded_by",
            "item__organisation",
            "item__pack__publisher",
            "item__submission",
            "question",
            "question__section",
        )
        .order_by("question__position", "linked_at")
    )


def question_links(revision, question_ids) -> QuerySet[EvidenceLink]:
    """The revision's evidence for some of its questions, with what a reader is shown of each
    file (its title, size, state and whether it may be downloaded), in the order attached."""
    return (
        EvidenceLink.objects.filter(revision=revision, question_id__in=question_ids)
        .select_related("item__stored_file")
        .order_by("question_id", "linked_at", "pk")
    )


def attached_evidence_types(revision, *, question_id: int | None = None) -> dict[int, set[str]]:
    """{question id: evidence type codes attached to it}, for every question or the one
    given; rejected files do not count."""
    links = EvidenceLink.objects.filter(revision=revision)
    if question_id is not None:
        links = links.filter(question_id=question_id)
    attached: dict[int, set[str]] = defaultdict(set)
    for question_id_, evidence_type, state in links.values_list(
        "question_id", "item__evidence_type", "item__stored_file__scan_state"
    ):
        if state != ScanState.REJECTED:
            attached[question_id_].add(evidence_type)
    return dict(attached)


@dataclass
class EvidenceTally:
    """How many files support a question, how many are still being checked, and how many
    wait for the participant (rejected, or with personal data found and not explained)."""

    files: int = 0
    pending: int = 0
    needs_attention: int = 0
    rejected: int = 0

    @property
    def needs_a_look(self) -> bool:
        return bool(self.needs_attention or self.rejected)


def evidence_tallies(revision, question_ids) -> dict[int, EvidenceTally]:
    """{question id: its EvidenceTally} for these questions of the revision, in one query."""
    tallies: dict[int, EvidenceTally] = defaultdict(EvidenceTally)
    links = (
        EvidenceLink.objects.filter(revision=revision, question_id__in=question_ids)
        .annotate(
            justified=ExpressionWrapper(
                ~Q(item__findings_justification=""), output_field=BooleanField()
            )
        )
        .values_list("question_id", "item__stored_file__scan_state", "justified")
    )
    for question_id, state, justified in links:
        tally = tallies[question_id]
        tally.files += 1
        if state == ScanState.PENDING:
            tally.pending += 1
        elif state == ScanState.REJECTED:
            tally.rejected += 1
        elif state == ScanState.NEEDS_ATTENTION and not justified:
            tally.needs_attention += 1
    return dict(tallies)


@dataclass(frozen=True)
class EvidenceProblem:
    question_id: int
    item: EvidenceItem
    message: str


def evidence_problems(revision) -> list[EvidenceProblem]:
    """Linked files that stand in the way of submitting: still being checked, rejected, or
    with personal data findings nobody has resolved or justified."""
    problems = []
    for link in revision_links(revision):
        item, state = link.item, link.item.state
        if state == ScanState.PENDING:
            message = f"“{item.title}” is still being checked; wait a moment and reload."
        elif state == ScanState.REJECTED:
            reason = "; ".join(item.stored_file.reasons) or "it did not pass the checks"
            message = f"“{item.title}” was rejected ({reason}); remove or replace it."
        elif state == ScanState.NEEDS_ATTENTION:
            message = (
                f"“{item.title}” seems to contain personal data; replace it with an "
                "obfuscated copy, or explain why the findings are not personal data."
            )
        else:
            continue
        problems.append(EvidenceProblem(link.question_id, item, message))
    return problems


def reusable_evidence(organisation, *, exclude_submission=None) -> list[EvidenceItem]:
    """Evidence this organisation may place reliance on: its own clean evidence from earlier
    submitted revisions, and clean items of evidence packs it has been granted."""
    own = (
        EvidenceItem.objects.filter(
            organisation=organisation,
            stored_file__scan_state=ScanState.CLEAN,
            links__revision__submitted_at__isnull=False,
        )
        .exclude(submission=exclude_submission)
        .select_related("stored_file", "submission__qualification")
        .distinct()
    )
    packs = EvidenceItem.objects.filter(
        pack__granted_to=organisation, stored_file__scan_state=ScanState.CLEAN
    ).select_related("stored_file", "pack__publisher")
    return list(own) + list(packs)
