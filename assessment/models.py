"""Code Body assessment criteria by version."""

from __future__ import annotations

from django.db import models

from qad.models import QadTemplate, Question, VersionContent, VersionedDocument


class CriteriaSet(VersionedDocument):
    """One version of a Code Body's assessment criteria, bound to one QAD template version."""

    code_body = models.ForeignKey(
        "qualification.CodeBody", on_delete=models.PROTECT, related_name="criteria_sets"
    )
    template = models.ForeignKey(
        QadTemplate, on_delete=models.PROTECT, related_name="criteria_sets"
    )

    class Meta:
        ordering = ["code_body__position", "-published_at", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["code_body", "version"], name="criteria_set_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code_body.code} criteria v{self.version}"


class Criterion(VersionContent):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    ref = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    looks_for = models.TextField(help_text="What the assessor looks for.")
    questions = models.ManyToManyField(Question, related_name="criteria")
    checks = models.JSONField(
        default=list, blank=True, help_text="Automated checks: [{name, params}]"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set", "position"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "ref"], name="criterion_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def owning_version(self) -> CriteriaSet:
        return self.criteria_set
