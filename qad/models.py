"""QAD templates by version (sections, questions) and the submissions that answer them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qad.enums import AnswerType, OrphanReason, SubmissionStage, SubmissionState, VersionStatus
from qualification.enums import SignatoryCapacity


class PublishedVersionError(Exception):
    """Raised when something tries to change a published template or criteria version."""


class VersionedDocument(models.Model):
    """What a loaded version file shares, whether a QAD template or a criteria set."""

    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    effective_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_filename = models.CharField(max_length=255)
    source_sha256 = models.CharField(max_length=64)
    source_text = models.TextField(help_text=_("The file as loaded, kept for the record."))

    # Fields that may still change once the version is published.
    LIFECYCLE_FIELDS = frozenset({"status", "published_at"})

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            self._refuse_content_change()
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status != VersionStatus.DRAFT

    def _refuse_content_change(self) -> None:
        stored = type(self).objects.filter(pk=self.pk).first()
        if stored is None or not stored.is_published:
            return
        for field in self._meta.concrete_fields:
            if field.attname in self.LIFECYCLE_FIELDS:
                continue
            if getattr(stored, field.attname) != getattr(self, field.attname):
                raise PublishedVersionError(
                    f"{stored} is published and cannot be edited ({field.name} changed); "
                    "load a new version instead."
                )


class VersionContent(models.Model):
    """A row that belongs to a version (section, question, criterion...): frozen once published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.owning_version().is_published:
            raise PublishedVersionError(
                f"{self.owning_version()} is published; its content cannot change."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.owning_version().is_published:
            raise PublishedVersionError(
                f"{self.owning_version()} is published; its content cannot be deleted."
            )
        return super().delete(*args, **kwargs)

    def owning_version(self) -> VersionedDocument:
        raise NotImplementedError


class Applicability(models.Model):
    """Which qualifications a section or question applies to. Empty lists mean 'all'."""

    applies_roles = models.JSONField(default=list, blank=True)
    applies_routes = models.JSONField(default=list, blank=True)
    applies_when = models.JSONField(default=list, blank=True)
    # The QADs it is asked in (SubmissionStage): the declaration belongs to the Final QAD.
    applies_stages = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True

    def applies_to(
        self,
        *,
        role_codes: Iterable[str],
        route: str,
        conditions: Iterable[str],
        stage: str | None = None,
    ) -> bool:
        """Whether it applies to a qualification with these facts, in the QAD of `stage`
        (None: in either)."""
        return not self.why_not(
            role_codes=role_codes, route=route, conditions=conditions, stage=stage
        )

    def why_not(
        self,
        *,
        role_codes: Iterable[str],
        route: str,
        conditions: Iterable[str],
        stage: str | None = None,
    ) -> str:
        """The first fact it does not apply to ("roles", "route", "stage", "conditions"), or
        "" when it applies."""
        if self.applies_roles and not set(self.applies_roles) & set(role_codes):
            return "roles"
        if self.applies_routes and route not in self.applies_routes:
            return "route"
        if stage is not None and self.applies_stages and stage not in self.applies_stages:
            return "stage"
        if not set(self.applies_when) <= set(conditions):
            return "conditions"
        return ""


class QadTemplate(VersionedDocument):
    """One version of a QAD (or of another kind of assessment document, e.g. a QRA)."""

    document_code = models.CharField(max_length=10)
    document_name = models.CharField(max_length=150)
    # The version of the same document this one follows, whose questions its own name in
    # `replaces` and `split_from`; and the questions it dropped, with the reason given.
    previous_version = models.CharField(max_length=20, blank=True)
    removed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["document_code", "-published_at", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_code", "version"], name="qad_template_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_code} v{self.version}"


class EvidenceType(VersionContent):
    template = models.ForeignKey(
        QadTemplate, on_delete=models.CASCADE, related_name="evidence_types"
    )
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="evidence_type_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def owning_version(self) -> QadTemplate:
        return self.template


class Section(VersionContent, Applicability):
    template = models.ForeignKey(QadTemplate, on_delete=models.CASCADE, related_name="sections")
    ref = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "ref"], name="section_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def owning_version(self) -> QadTemplate:
        return self.template

    @property
    def depth(self) -> int:
        return self.ref.count(".")


class Question(VersionContent, Applicability):
    template = models.ForeignKey(QadTemplate, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    ref = models.CharField(max_length=20)
    prompt = models.TextField()
    guidance = models.TextField(blank=True)
    answer_type = models.CharField(max_length=20, choices=AnswerType.choices)
    required = models.BooleanField(default=True)
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Type-specific settings: choices, columns, min/max, not_before..."),
    )
    assessed_by = models.JSONField(default=list, help_text=_("Code Body codes"))
    requirements = models.JSONField(default=list, blank=True)
    # Refs of the previous version's questions it takes the place of (one: renumbered or
    # reworded; several: merged), or the one it was split from.
    replaces = models.JSONField(default=list, blank=True)
    split_from = models.CharField(max_length=20, blank=True)
    evidence = models.JSONField(
        default=list, blank=True, help_text=_("Expected evidence: [{type, required}]")
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "ref"], name="question_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ref}"

    def owning_version(self) -> QadTemplate:
        return self.template

    @property
    def required_evidence_types(self) -> list[str]:
        return [item["type"] for item in self.evidence if item.get("required")]


class Submission(models.Model):
    """A qualification's QAD at one stage (Initial or Final), answered over revisions."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    qualification = models.ForeignKey(
        "qualification.Qualification", on_delete=models.CASCADE, related_name="submissions"
    )
    stage = models.CharField(max_length=20, choices=SubmissionStage.choices)
    template = models.ForeignKey(QadTemplate, on_delete=models.PROTECT, related_name="submissions")
    state = models.CharField(
        max_length=30, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["qualification", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "stage"], name="one_submission_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.qualification.organisation} — {self.get_stage_display()}"

    @property
    def latest_revision(self) -> Revision | None:
        """The newest revision; uses prefetched rows."""
        revisions = list(self.revisions.all())
        return max(revisions, key=lambda r: r.number) if revisions else None


class Revision(models.Model):
    """One round of answers to a submission. Frozen (read-only, hashed) once submitted."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content_hash = models.CharField(max_length=64, blank=True)
    required_count = models.PositiveIntegerField(default=0)
    answered_count = models.PositiveIntegerField(
        default=0, help_text=_("Required questions answered")
    )
    section_progress = models.JSONField(
        default=dict, blank=True, help_text=_("{section ref: [answered, required]}")
    )
    completeness_stale = models.BooleanField(
        default=True, help_text=_("Answers changed since the completeness was last computed.")
    )
    completeness_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.submission}, revision {self.number}"

    @property
    def template(self) -> QadTemplate:
        """The template version this revision answers: its submission's, which a move never
        changes once any revision has been submitted."""
        return self.submission.template

    @property
    def is_frozen(self) -> bool:
        return self.submitted_at is not None

    @property
    def percent_complete(self) -> int:
        if not self.required_count:
            return 100
        return round(100 * self.answered_count / self.required_count)


class Answer(models.Model):
    """The answer to one applicable question in one revision."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=0, help_text=_("Goes up on every save; detects stale writes.")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    reopened = models.BooleanField(
        default=False,
        help_text=_("In a revision answering clarifications: this answer may be changed."),
    )
    needs_confirmation = models.BooleanField(
        default=False,
        help_text=_(
            "The question was reworded in a new template version: the participant "
            "confirms the answer still fits."
        ),
    )

    class Meta:
        ordering = ["revision", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.ref} in {self.revision}"


class SubmissionTransition(models.Model):
    """Who moved a submission from one state to another, and when."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="transitions")
    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="transitions", null=True, blank=True
    )
    from_state = models.CharField(max_length=30, choices=SubmissionState.choices, blank=True)
    to_state = models.CharField(max_length=30, choices=SubmissionState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["submission", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission}: {self.from_state or 'start'} → {self.to_state}"


class AnswerConflict(models.Model):
    """A save that arrived after someone else had changed the answer.

    The later writer's text is kept here, never dropped, until they decide what to keep.
    """

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="conflicts")
    value = models.JSONField(null=True, blank=True)
    base_version = models.PositiveIntegerField(help_text=_("The version the writer started from"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["answer", "-written_at"]

    def __str__(self) -> str:
        return f"Conflict on {self.answer.question.ref} by {self.written_by}"


class Signature(models.Model):
    """A Director's (or delegate's) signature on exactly one frozen revision."""

    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, related_name="signature"
    )
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signatory_name = models.CharField(max_length=150)
    signatory_job_title = models.CharField(max_length=150, blank=True)
    capacity = models.CharField(max_length=20)
    declaration = models.TextField()
    content_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Signed by {self.signatory_name} on {self.signed_at:%d %b %Y}"

    @property
    def capacity_label(self) -> str:
        return SignatoryCapacity(self.capacity).label


class OrphanedAnswer(models.Model):
    """An answer a move to a new template version has no place for, because its question no
    longer exists or now takes a different kind of answer: kept, read-only, so that nothing
    a participant wrote is lost."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="orphans")
    question_ref = models.CharField(max_length=20)
    # The question it answered, in the version it was written under: how its value is shown
    # (a table with its columns, a choice by its label).
    question = models.ForeignKey(
        "Question", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prompt = models.TextField()
    value = models.JSONField(null=True, blank=True)
    answer_type = models.CharField(max_length=20)
    from_template = models.ForeignKey(QadTemplate, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(
        max_length=20, choices=OrphanReason.choices, default=OrphanReason.REMOVED
    )
    evidence = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Title, SHA-256 and item of each evidence file that was linked."),
    )
    moved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["revision", "question_ref"]

    def __str__(self) -> str:
        return f"{self.question_ref} (from {self.from_template})"

    @property
    def answer_type_label(self) -> str:
        if self.answer_type in AnswerType.values:
            return str(AnswerType(self.answer_type).label)
        return self.answer_type

    @property
    def value_text(self) -> str:
        """The kept value as a reader sees it; table rows one after another."""
        value = self.value
        if value in (None, "", []):
            return "—"
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        if isinstance(value, list):
            return "; ".join(
                ", ".join(str(cell) for cell in row.values() if cell not in (None, ""))
                if isinstance(row, dict)
                else str(row)
                for row in value
            )
        return str(value)


class TemplateMove(models.Model):
    """A qualification's draft moved from one template version to another."""

    qualification = models.ForeignKey(
        "qualification.Qualification", on_delete=models.CASCADE, related_name="template_moves"
    )
    from_template = models.ForeignKey(QadTemplate, on_delete=models.PROTECT, related_name="+")
    to_template = models.ForeignKey(QadTemplate, on_delete=models.PROTECT, related_name="+")
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)
    carried = models.PositiveIntegerField(default=0)
    reworded = models.PositiveIntegerField(default=0)
    orphaned = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-moved_at"]

    def __str__(self) -> str:
        return f"{self.qualification}: {self.from_template} → {self.to_template}"
