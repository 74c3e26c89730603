"""A version says which version it follows and how its questions map onto that one's
(docs/version-files.md); an answer kept read-only may have been merged into another."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("qad", "0006_orphan_reason_and_question"),
    ]

    operations = [
        migrations.AddField(
            model_name="qadtemplate",
            name="previous_version",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="qadtemplate",
            name="removed",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="question",
            name="replaces",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="question",
            name="split_from",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AlterField(
            model_name="orphanedanswer",
            name="reason",
            field=models.CharField(
                choices=[
                    ("removed", "the question was removed"),
                    ("roles", "the question no longer applies to this role"),
                    ("route", "the question no longer applies to this route"),
                    ("stage", "the question is no longer asked in this QAD"),
                    ("conditions", "the question no longer applies in this participant's case"),
                    ("not_applicable", "the question no longer applies to this participant"),
                    ("retyped", "the question now takes a different kind of answer"),
                    ("merged", "the question was merged with others into one"),
                ],
                default="removed",
                max_length=20,
            ),
        ),
    ]
