"""Code Body assessment criteria by version."""

from __future__ import annotations

from django.db import models

from assessment.reports.models import Report  # noqa: F401  (defined apart: PDF reports)
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


class Clarification(models.Model):
    """A Code Body's question on one QAD question, and the thread that answers it."""

    class State(models.TextChoices):
        DRAFT = "draft", "Drafted by the assessor"
        OPEN = "open", "Waiting for the participant"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    submission = models.ForeignKey(
        "qad.Submission", on_delete=models.CASCADE, related_name="clarifications"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    code_body = models.ForeignKey(
        "qualification.CodeBody", on_delete=models.PROTECT, related_name="+"
    )
    raised_in = models.ForeignKey(
        "qad.Revision", on_delete=models.PROTECT, related_name="clarifications_raised"
    )
    answered_in = models.ForeignKey(
        "qad.Revision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clarifications_answered",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    raised_by = models.ForeignKey("qualification.User", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "question__position", "raised_at"]

    def __str__(self) -> str:
        return f"{self.code_body.code} clarification on {self.question.ref}"


class ClarificationMessage(models.Model):
    clarification = models.ForeignKey(
        Clarification, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey("qualification.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    written_at = models.DateTimeField(auto_now_add=True)
    from_code_body = models.BooleanField(default=False)

    class Meta:
        ordering = ["clarification", "written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} on {self.clarification}"
