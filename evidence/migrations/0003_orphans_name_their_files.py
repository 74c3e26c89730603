"""The answers kept read-only by a move before now named their files by title and SHA-256
only; they name the item too, which keeps the files in the revision's evidence register."""

from django.db import migrations


def forwards(apps, schema_editor):
    Orphan = apps.get_model("qad", "OrphanedAnswer")
    Item = apps.get_model("evidence", "EvidenceItem")
    for orphan in Orphan.objects.exclude(evidence=[]).select_related(
        "revision__submission__qualification"
    ):
        organisation_id = orphan.revision.submission.qualification.organisation_id
        changed = False
        for entry in orphan.evidence:
            if entry.get("item"):
                continue
            item = (
                Item.objects.filter(
                    organisation_id=organisation_id,
                    title=entry.get("title", ""),
                    stored_file__sha256=entry.get("sha256", ""),
                )
                .order_by("pk")
                .first()
            )
            if item is not None:
                entry["item"] = item.pk
                changed = True
        if changed:
            orphan.save(update_fields=["evidence"])


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0002_stored_file_personal_data_notes"),
        ("qad", "0006_orphan_reason_and_question"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
