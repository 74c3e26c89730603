"""A fingerprint of exactly what a revision says, recorded when it is submitted or signed."""

from __future__ import annotations

import hashlib
import json

from qad.attachments import attachments
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

    evidence = attachments().fingerprint(revision)
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
