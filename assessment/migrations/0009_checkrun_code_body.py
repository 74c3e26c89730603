"""Each Code Body's checks become a run of their own: the run's Code Body (filled in by the
next migration, which splits the runs made before)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0008_checkrun_request_key"),
        ("qualification", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="checkrun", name="check_run_once_per_inputs"),
        migrations.RemoveIndex(model_name="checkrun", name="check_run_latest"),
        migrations.AddField(
            model_name="checkrun",
            name="code_body",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="check_runs",
                to="qualification.codebody",
            ),
        ),
    ]
