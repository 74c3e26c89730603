"""Each qualification with a work-off item not yet closed says so (Qualification.work_off_open,
the fact the work-off plan upload in the QAD depends on)."""

from django.db import migrations


def work_off_open(apps, schema_editor):
    WorkOffItem = apps.get_model("assessment", "WorkOffItem")
    Qualification = apps.get_model("qualification", "Qualification")
    still_open = WorkOffItem.objects.exclude(status="closed").values("qualification")
    Qualification.objects.filter(pk__in=still_open).update(work_off_open=True)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0011_checkrun_code_body_required"),
        ("qualification", "0009_qualification_work_off_open"),
    ]

    operations = [
        migrations.RunPython(work_off_open, migrations.RunPython.noop),
    ]
