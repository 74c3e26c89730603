"""A Service Activation step belongs to its market role, whose qualification it reaches
through the role: the qualification is no longer stored beside it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0016_activation_step_role_required"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="serviceactivationstep",
            options={"ordering": ["qualification_role", "position"]},
        ),
        migrations.RemoveField(
            model_name="serviceactivationstep",
            name="qualification",
        ),
    ]
