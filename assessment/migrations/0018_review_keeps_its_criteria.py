import django.db.models.deletion
from django.db import migrations, models


def pin_current_criteria(apps, schema_editor):
    """Reviews already under way keep the criteria they were read against until now: the
    latest published set of their Code Body for their submission's template version."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Review = apps.get_model("assessment", "Review")
    CriteriaSet = apps.get_model("assessment", "CriteriaSet")
    current: dict[tuple[int, int], int] = {}
    for pk, code_body_id, template_id in (
        CriteriaSet.objects.filter(status="published")
        .order_by("published_at", "pk")
        .values_list("pk", "code_body_id", "template_id")
    ):
        current[(code_body_id, template_id)] = pk  # the latest wins
    for review in Review.objects.select_related("submission").only(
        "pk", "code_body_id", "submission__template_id"
    ):
        pk = current.get((review.code_body_id, review.submission.template_id))
        if pk is not None:
            Review.objects.filter(pk=review.pk).update(criteria_set_id=pk)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0017_activation_step_belongs_to_its_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="criteria_set",
            field=models.ForeignKey(
                blank=True,
                help_text="The criteria this review assesses against; empty until the Code "
                "Body has published criteria for the submission's template version.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviews",
                to="assessment.criteriaset",
            ),
        ),
        migrations.RunPython(pin_current_criteria, migrations.RunPython.noop),
    ]
