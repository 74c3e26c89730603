"""A fingerprint of exactly what a revision says, recorded when it is submitted or signed."""

from __future__ import annotations

import hashlib
import json

from evidence.models import EvidenceLink
from qad.models import Answer, Revision


def revision_content_hash(revision: Revision) -> str:
    """SHA-256 over a canonical JSON form of the revision's answers and the evidence (by its
    own SHA-256) attached to each.

    Keys are sorted and separators fixed so that the same answers always give the same hash,
    whatever the database returns first.
    """
    answers = (
        Answer.objects.filter(revision=revision)
        .select_related("question")
        .order_by("question__ref")
    )

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
    document = {
        "template": str(revision.submission.template),
        "stage": revision.submission.stage,
        "revision": revision.number,
        "answers": [
            {
                "question": a.question.ref,
                "value": a.value,
                "evidence": evidence.get(a.question.ref, []),
            }
            for a in answers
        ],
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
