"""Every Service Activation step belongs to a role (0015 gave the earlier ones theirs); in a
migration of its own, as PostgreSQL alters no table with the rows it just wrote pending."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessment", "0015_service_activation_per_role")]

    operations = [
        migrations.AlterField(
            model_name="serviceactivationstep",
            name="qualification_role",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="activation_steps",
                to="qualification.qualificationrole",
            ),
        ),
    ]
