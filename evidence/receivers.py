"""What the evidence app does when the apps below it report something (connected in
EvidenceConfig.ready; docs/events.md lists every event)."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.dispatch import receiver

from evidence.models import EvidenceLink
from qad.signals import answers_carried_over, answers_moved


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


@receiver(answers_moved)
def evidence_moved(sender, *, revision, moved, orphaned, copied=None, **kwargs) -> None:
    """Files follow their answers to the new version's questions. The files of an answer no
    question holds any more come off the revision's questions and are named (title, SHA-256
    and item) on the answer kept read-only, which keeps them in the revision's evidence
    register with the question they answered and why it is gone."""
    # A question split into several: its files support each of them.
    for old, others in (copied or {}).items():
        for link in EvidenceLink.objects.filter(revision=revision, question_id=old):
            EvidenceLink.objects.bulk_create(
                EvidenceLink(
                    revision=revision,
                    question_id=new,
                    item_id=link.item_id,
                    relied_on=link.relied_on,
                    reliance_statement=link.reliance_statement,
                    linked_by_id=link.linked_by_id,
                )
                for new in others
            )
    merged = {new for new, count in Counter(moved.values()).items() if count > 1}
    for old, new in moved.items():
        links = EvidenceLink.objects.filter(revision=revision, question_id=old)
        if new in merged:
            # Questions merged into one: a file that supported two of them is linked once.
            links.filter(
                item_id__in=EvidenceLink.objects.filter(revision=revision, question_id=new).values(
                    "item_id"
                )
            ).delete()
        links.update(question_id=new)
    if not orphaned:
        return
    links = EvidenceLink.objects.filter(revision=revision, question_id__in=list(orphaned))
    kept: dict[int, list[dict]] = defaultdict(list)
    for link in links.select_related("item__stored_file").order_by("pk"):
        kept[link.question_id].append(
            {
                "title": link.item.title,
                "sha256": link.item.stored_file.sha256,
                "item": link.item_id,
            }
        )
    for question_id, files in kept.items():
        orphan = orphaned[question_id]
        orphan.evidence = files
        orphan.save(update_fields=["evidence"])
    links.delete()
