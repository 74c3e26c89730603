# Service Activation steps are named in URLs by an unguessable UUID, not their key.
# Existing rows get one each: the column is added empty, filled, then made unique.

import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    model = apps.get_model("assessment", "ServiceActivationStep")
    for pk in model.objects.filter(public_id__isnull=True).values_list("pk", flat=True):
        model.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0006_report_subjects'),
    ]

    operations = [
        migrations.AddField(
            model_name='serviceactivationstep',
            name='public_id',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='serviceactivationstep',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
