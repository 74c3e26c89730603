"""What the checks read, gathered once per run: the revision's answers by question ref, its
evidence links by question, the evidence items, the signature, and the evidence files read
so far (each at most once per run, whatever the number of criteria that need it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Q
from django.utils import timezone

from assessment.checks.files import EvidenceFiles
from evidence.models import EvidenceItem, EvidenceLink
from qad.content_hash import revision_content_hash
from qad.models import Answer, Question, Revision, Signature
from qualification.selectors import ReferenceData, reference_data


@dataclass(frozen=True)
class CriterionView:
    """A criterion as the checks see it: which of its questions are in the revision."""

    id: int
    ref: str
    title: str
    code_body: str
    question_refs: tuple[str, ...]  # its questions that apply, in template order
    all_question_refs: tuple[str, ...] = ()  # every question it names, applicable or not
    expected_evidence: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(
        cls,
        *,
        id: int,
        ref: str,
        title: str,
        code_body: str,
        questions: Iterable[Question],
        present: Iterable[str],
    ) -> CriterionView:
        questions = sorted(questions, key=lambda q: q.position)
        present = set(present)
        return cls(
            id=id,
            ref=ref,
            title=title,
            code_body=code_body,
            question_refs=tuple(q.ref for q in questions if q.ref in present),
            all_question_refs=tuple(q.ref for q in questions),
            expected_evidence={q.ref: tuple(e["type"] for e in q.evidence) for q in questions},
        )


class RevisionContext:
    """A submitted revision, loaded for one check run. Checks read it; nothing writes it."""

    def __init__(
        self,
        *,
        revision: Revision,
        answers: list[Answer],
        links: list[EvidenceLink],
        evidence_type_names: dict[str, str],
        signature: Signature | None,
    ) -> None:
        self.revision = revision
        self.submission = revision.submission
        self.qualification = self.submission.qualification
        self.organisation = self.qualification.organisation
        self.template = self.submission.template
        self.answers: dict[str, Answer] = {a.question.ref: a for a in answers}
        self.questions: dict[str, Question] = {a.question.ref: a.question for a in answers}
        self.links: dict[str, list[EvidenceLink]] = {}
        for link in links:
            self.links.setdefault(link.question.ref, []).append(link)
        self.items: dict[str, EvidenceItem] = {
            str(link.item.public_id): link.item for link in links
        }
        self.evidence_type_names = evidence_type_names
        self.signature = signature
        self.files = EvidenceFiles()

    @classmethod
    def build(cls, revision: Revision) -> RevisionContext:
        revision = Revision.objects.select_related(
            "submission__qualification__organisation", "submission__template"
        ).get(pk=revision.pk)
        answers = list(
            Answer.objects.filter(revision=revision)
            .select_related("question")
            .order_by("question__position")
        )
        links = list(
            EvidenceLink.objects.filter(revision=revision)
            .select_related("question", "item__stored_file", "item__pack__publisher")
            .order_by("question__position", "linked_at", "pk")
        )
        names = dict(revision.submission.template.evidence_types.values_list("code", "name"))
        signature = Signature.objects.filter(submission_id=revision.submission_id).first()
        return cls(
            revision=revision,
            answers=answers,
            links=links,
            evidence_type_names=names,
            signature=signature,
        )

    # -- the revision

    @property
    def submitted_at(self) -> dt.datetime:
        return self.revision.submitted_at

    @property
    def submitted_on(self) -> dt.date:
        return timezone.localdate(self.revision.submitted_at)

    def value(self, ref: str) -> Any:
        answer = self.answers.get(ref)
        return answer.value if answer is not None else None

    # -- evidence

    def links_for(
        self, refs: Iterable[str], *, types: Iterable[str] | None = None
    ) -> list[EvidenceLink]:
        wanted = set(types) if types else None
        return [
            link
            for ref in refs
            for link in self.links.get(ref, [])
            if wanted is None or link.item.evidence_type in wanted
        ]

    def items_for(
        self, refs: Iterable[str], *, types: Iterable[str] | None = None
    ) -> list[EvidenceItem]:
        """Items linked to any of `refs` (of `types`), each once, in question order."""
        items: dict[int, EvidenceItem] = {}
        for link in self.links_for(refs, types=types):
            items.setdefault(link.item_id, link.item)
        return list(items.values())

    def refs_of(self, item: EvidenceItem, among: Iterable[str]) -> list[str]:
        """The question refs (of `among`) that `item` is linked to."""
        return [
            ref for ref in among if any(link.item_id == item.pk for link in self.links.get(ref, []))
        ]

    def type_name(self, code: str) -> str:
        return self.evidence_type_names.get(code, code)

    @cached_property
    def reusable_item_ids(self) -> frozenset[int]:
        """Of the items relied on in this revision, those the organisation may rely on: its own
        clean evidence from another submission that was submitted, or items of evidence packs
        granted to it."""
        relied = [link.item_id for links in self.links.values() for link in links if link.relied_on]
        if not relied:
            return frozenset()
        own = Q(
            organisation=self.organisation,
            links__revision__submitted_at__isnull=False,
        ) & ~Q(submission=self.submission)
        granted = Q(pack__granted_to=self.organisation)
        return frozenset(
            EvidenceItem.objects.filter(pk__in=relied)
            .filter(own | granted)
            .values_list("pk", flat=True)
            .distinct()
        )

    @cached_property
    def reference_data(self) -> ReferenceData:
        """The portal's record of the qualification's route, roles, MPIDs and DIP IDs."""
        return reference_data(self.qualification)

    @cached_property
    def content_hash(self) -> str:
        """The revision's content hash, computed afresh from what is stored now."""
        return revision_content_hash(self.revision)
