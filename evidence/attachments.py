"""What the QAD asks of a revision's attached files (qad.attachments), answered from the
evidence app's links; registered when the app starts (EvidenceConfig.ready)."""

from __future__ import annotations

from evidence.models import EvidenceLink
from evidence.selectors import attached_evidence_types, evidence_problems
from qad.models import Revision


class RevisionAttachments:
    def evidence_types(
        self, revision: Revision, *, question_id: int | None = None
    ) -> dict[int, set[str]]:
        return attached_evidence_types(revision, question_id=question_id)

    def problems(self, revision: Revision) -> dict[int, list[str]]:
        problems: dict[int, list[str]] = {}
        for problem in evidence_problems(revision):
            problems.setdefault(problem.question_id, []).append(problem.message)
        return problems

    def fingerprint(self, revision: Revision) -> dict[str, list[dict]]:
        evidence: dict[str, list[dict]] = {}
        for link in (
            EvidenceLink.objects.filter(revision=revision)
            .select_related("question", "item__stored_file")
            .order_by("question__ref", "item__stored_file__sha256")
        ):
            evidence.setdefault(link.question.ref, []).append(
                {
                    "sha256": link.item.stored_file.sha256,
                    "title": link.item.title,
                    "relied_on": link.relied_on,
                }
            )
        return evidence
