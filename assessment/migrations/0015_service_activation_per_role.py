"""Service Activation per market role, its steps copied from a checklist that portal admins
keep. The checklist starts as the steps the portal ran until now, each with who confirms it,
plus the Programme's review of open work-off plans; the steps of qualifications already in
Service Activation are given to each of their roles."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

from assessment.activation_checklist import ensure_activation_checklist


# The steps as they were named before, and who confirms them now.
EARLIER = {
    "Production DIP connection enabled": "DIP",
    "Market Domain Data / Industry Standing Data entries confirmed": None,
    "Migration slot agreed": None,
    "Service Activation confirmed by the Code Bodies": "DIP",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The indexes of the fields added above are built when the migration ends, which
        # PostgreSQL refuses while the checks of the rows written here wait for the commit.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    CodeBody = apps.get_model("qualification", "CodeBody")
    Item = apps.get_model("assessment", "ActivationChecklistItem")
    Step = apps.get_model("assessment", "ServiceActivationStep")
    QualificationRole = apps.get_model("qualification", "QualificationRole")
    bodies = {body.code: body for body in CodeBody.objects.all()}
    ensure_activation_checklist(Item, CodeBody)
    for step in Step.objects.filter(qualification_role__isnull=True).order_by("pk"):
        code = EARLIER.get(step.label)
        roles = list(QualificationRole.objects.filter(qualification_id=step.qualification_id))
        for index, role in enumerate(roles):
            if index:
                step.pk = None
                step.public_id = uuid.uuid4()
            step.qualification_role = role
            step.confirmer = bodies.get(code) if code else None
            step.save()
    for role in QualificationRole.objects.filter(qualification__state="active"):
        role.activated_on = role.qualified_on
        role.save(update_fields=["activated_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0014_sms_exemption_decisions"),
        ("qualification", "0011_qualificationrole_activated_on"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="serviceactivationstep",
            options={"ordering": ["qualification", "qualification_role", "position"]},
        ),
        migrations.AddField(
            model_name="serviceactivationstep",
            name="confirmer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="qualification.codebody",
            ),
        ),
        migrations.AddField(
            model_name="serviceactivationstep",
            name="note",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="serviceactivationstep",
            name="qualification_role",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="activation_steps",
                to="qualification.qualificationrole",
            ),
        ),
        migrations.AddField(
            model_name="serviceactivationstep",
            name="reviews_work_off",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="serviceactivationstep",
            name="work_off_reviewed",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.CreateModel(
            name="ActivationChecklistItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("label", models.CharField(max_length=200)),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "reviews_work_off",
                    models.BooleanField(
                        default=False,
                        help_text="Confirming the step records the Programme's review of the work-off items still open, with a note; only the Programme confirms it.",
                        verbose_name="Programme review of open work-off plans",
                    ),
                ),
                (
                    "confirmer",
                    models.ForeignKey(
                        blank=True,
                        help_text="The Code Body whose lead assessor confirms the step; empty: the Programme.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="qualification.codebody",
                    ),
                ),
                (
                    "market_roles",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The market roles that take this step; none chosen: every role.",
                        related_name="+",
                        to="qualification.marketrole",
                    ),
                ),
            ],
            options={
                "verbose_name": "Service Activation checklist item",
                "ordering": ["position", "pk"],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
