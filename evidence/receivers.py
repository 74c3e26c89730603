"""What the evidence app does when the apps below it report something (connected in
EvidenceConfig.ready; docs/events.md lists every event)."""

from __future__ import annotations

from django.dispatch import receiver

from evidence.models import EvidenceLink
from qad.signals import answers_carried_over


@receiver(answers_carried_over)
def evidence_carried_over(sender, *, source, target, question_ids, **kwargs) -> None:
    """The files that supported the questions in `source` support the same questions in
    `target`, relied on as they were."""
    EvidenceLink.objects.bulk_create(
        EvidenceLink(
            revision=target,
            question_id=link.question_id,
            item_id=link.item_id,
            relied_on=link.relied_on,
            reliance_statement=link.reliance_statement,
            linked_by_id=link.linked_by_id,
        )
        for link in EvidenceLink.objects.filter(revision=source, question_id__in=question_ids)
    )
