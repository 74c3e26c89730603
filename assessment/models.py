"""Code Body assessment criteria by version, the reviews, checks and decisions made against
them, and the PDF reports rendered of them."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.enums import CheckRunStatus, CheckStatus, ReportKind, ReportStatus
from qad.models import QadTemplate, Question, VersionContent, VersionedDocument


class CriteriaSet(VersionedDocument):
    """One version of a Code Body's assessment criteria, written against one QAD template
    version and applying to it and to any later versions it names."""

    code_body = models.ForeignKey(
        "qualification.CodeBody", on_delete=models.PROTECT, related_name="criteria_sets"
    )
    template = models.ForeignKey(
        QadTemplate, on_delete=models.PROTECT, related_name="criteria_sets"
    )
    # A criteria version may serve later template versions too (`qad_template.also` in its
    # file): its criteria are linked to their questions by reference.
    also_for = models.ManyToManyField(
        QadTemplate,
        blank=True,
        related_name="criteria_sets_also",
        help_text="Later versions of the template these criteria also apply to.",
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

    @staticmethod
    def applying_to(template_id: int) -> Q:
        """The criteria sets that apply to a template version: written against it, or
        naming it among the later versions they also serve."""
        return Q(template_id=template_id) | Q(also_for=template_id)


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


class CheckRun(models.Model):
    """One run of one Code Body's automated checks over a submitted revision.

    Each Code Body's criteria are checked by a run of their own (one task each), so one Code
    Body's checks never wait for, or fail with, another's. A run is keyed by what it read:
    the Code Body's criteria set (and the checks' own version) and a fingerprint of the
    revision's inputs (answers, evidence and its scan states, reliance, signature). The same
    inputs are checked once, however often the task is delivered. Its results are written in
    the same transaction that marks it complete, so assessors, who read only complete runs,
    never see half a set.
    """

    revision = models.ForeignKey(
        "qad.Revision", on_delete=models.CASCADE, related_name="check_runs"
    )
    code_body = models.ForeignKey(
        "qualification.CodeBody", on_delete=models.PROTECT, related_name="check_runs"
    )
    criteria_fingerprint = models.CharField(max_length=64)
    inputs_fingerprint = models.CharField(max_length=64)
    criteria_versions = models.JSONField(
        default=list, blank=True, help_text="The criteria sets used: [{id, code_body, version}]"
    )
    status = models.CharField(
        max_length=20, choices=CheckRunStatus.choices, default=CheckRunStatus.RUNNING
    )
    trigger = models.CharField(max_length=30, blank=True, help_text="What started the run.")
    request_key = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="A portal admin's re-run request this run answers (empty for ordinary runs): "
        "a forced re-run makes a new run even when the inputs are unchanged, once per request.",
    )
    attempts = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When these results were last found to match the revision's inputs.",
    )
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    criteria_checked = models.PositiveIntegerField(default=0)
    criteria_not_applicable = models.PositiveIntegerField(
        default=0, help_text="Criteria none of whose questions are in the revision."
    )
    counts = models.JSONField(default=dict, blank=True, help_text="{result status: count}")
    check_counts = models.JSONField(default=dict, blank=True, help_text="{check: times run}")
    check_timings = models.JSONField(
        default=dict, blank=True, help_text="{check: milliseconds, all criteria together}"
    )
    files_read = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["revision", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "revision",
                    "code_body",
                    "criteria_fingerprint",
                    "inputs_fingerprint",
                    "request_key",
                ],
                name="check_run_once_per_inputs",
            ),
        ]
        indexes = [
            models.Index(
                fields=["revision", "code_body", "status", "confirmed_at"],
                name="check_run_latest",
            ),
            models.Index(fields=["request_key", "status"], name="check_run_request"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.code_body.code} checks on {self.revision} ({self.get_status_display().lower()})"
        )


class CheckResult(models.Model):
    """What one check found for one criterion in one run."""

    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="check_results")
    position = models.PositiveSmallIntegerField(help_text="The check's place in the criterion.")
    check_name = models.CharField(max_length=50)
    status = models.CharField(max_length=20, choices=CheckStatus.choices)
    message = models.TextField()
    refs = models.JSONField(
        default=dict, blank=True, help_text="{questions: [ref], evidence: [public id]}"
    )

    class Meta:
        ordering = ["run", "pk"]  # written in criteria order
        constraints = [
            models.UniqueConstraint(
                fields=["run", "criterion", "position"], name="check_result_once_per_run"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.ref} {self.check_name}: {self.get_status_display()}"


class Review(models.Model):
    """One Code Body's review of one submission, across its revisions."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for review"
        IN_REVIEW = "in_review", "In review"
        AWAITING_PARTICIPANT = "awaiting_participant", "Awaiting the participant"
        COMPLETE = "complete", "Assessment complete"

    # The states in which the Code Body's clock runs: it stops while the participant answers
    # clarifications, and starts again from the new revision's submission. The work queue
    # and the programme dashboard both count the backlog and what is overdue by it.
    CLOCK_RUNNING = (State.WAITING, State.IN_REVIEW)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(
        "qad.Submission", on_delete=models.CASCADE, related_name="reviews"
    )
    code_body = models.ForeignKey(
        "qualification.CodeBody", on_delete=models.PROTECT, related_name="reviews"
    )
    state = models.CharField(max_length=30, choices=State.choices, default=State.WAITING)
    assignee = models.ForeignKey(
        "qualification.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waiting_since = models.DateTimeField(
        null=True, blank=True, help_text="When the revision now under review was submitted."
    )
    reviewed_revision = models.ForeignKey(
        "qad.Revision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The revision this Code Body last reviewed (changes are shown against it).",
    )
    completed_by = models.ForeignKey(
        "qualification.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A review keeps the criteria it started with: a criteria version published while it is
    # under way reaches it only when its lead assessor moves it (recorded).
    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        help_text="The criteria this review assesses against; empty until the Code Body has "
        "published criteria for the submission's template version.",
    )

    class Meta:
        ordering = ["waiting_since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "code_body"], name="one_review_per_code_body"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code_body.code} review of {self.submission}"

    def get_absolute_url(self) -> str:
        return reverse("review-detail", kwargs={"public_id": self.public_id})


class ReviewAssignment(models.Model):
    """Who was given a review, by whom, when: reassignments stay on record."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assignments")
    assignee = models.ForeignKey("qualification.User", on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        "qualification.User", on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "assigned_at", "pk"]

    def __str__(self) -> str:
        return f"{self.review} → {self.assignee}"


class CriterionOutcome(models.Model):
    class Outcome(models.TextChoices):
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"
        CLARIFICATION = "clarification", "Clarification needed"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="outcomes")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="outcomes")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    comment = models.TextField(blank=True)
    revision = models.ForeignKey("qad.Revision", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        "qualification.User", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="one_outcome_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.ref}: {self.get_outcome_display()}"


class WorkOffItem(models.Model):
    """Something left open at the end of testing (a defect, an unfinished test) and the plan
    to close it, agreed between the participant and the Code Bodies."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    qualification = models.ForeignKey(
        "qualification.Qualification", on_delete=models.CASCADE, related_name="work_off_items"
    )
    defect_reference = models.CharField(max_length=50)
    description = models.TextField()
    owner = models.CharField(max_length=150)
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    required = models.BooleanField(
        default=True, help_text="Must be closed (or excepted) before the Final QAD is accepted."
    )
    closure_evidence = models.ForeignKey(
        "evidence.EvidenceItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey("qualification.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["qualification", "due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.defect_reference} ({self.get_status_display()})"

    @property
    def blocking(self) -> bool:
        return (
            self.required and self.status != self.Status.CLOSED and not hasattr(self, "exception")
        )


class WorkOffException(models.Model):
    """A lead assessor's agreement that an open item need not block acceptance."""

    item = models.OneToOneField(WorkOffItem, on_delete=models.CASCADE, related_name="exception")
    code_body = models.ForeignKey(
        "qualification.CodeBody", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        "qualification.User", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Exception for {self.item}"


class SmsExemptionDecision(models.Model):
    """A Code Body's decision on a Supplier's Smart Meter Segment exemption (P476): the BSC
    Performance Assurance Board grants the exemption, the REC allows the derogation. With
    both recorded, the Supplier is MHHS Qualified with the SMS exemption."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    qualification = models.ForeignKey(
        "qualification.Qualification",
        on_delete=models.CASCADE,
        related_name="sms_exemption_decisions",
    )
    code_body = models.ForeignKey(
        "qualification.CodeBody", on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField()
    reference = models.CharField(max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["qualification", "code_body__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "code_body"], name="one_sms_exemption_decision_per_body"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code_body.code} SMS exemption decision for {self.qualification}"


def confirmer_name(code_body) -> str:
    """Who confirms a Service Activation step, as a sentence names them."""
    if code_body is None:
        return _("the Programme")
    return _("a %(body)s lead assessor") % {"body": code_body.code}


class ActivationChecklistItem(models.Model):
    """One step of Service Activation as the Programme runs it, kept by portal admins: what
    is done, in which order, and who confirms it (a Code Body's lead assessor, or the
    Programme itself). A role that starts Service Activation takes a copy of the checklist
    as it stands, so a change here applies to the roles that start after it."""

    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    confirmer = models.ForeignKey(
        "qualification.CodeBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The Code Body whose lead assessor confirms the step; empty: the Programme."),
    )
    market_roles = models.ManyToManyField(
        "qualification.MarketRole",
        blank=True,
        related_name="+",
        help_text=_("The market roles that take this step; none chosen: every role."),
    )
    reviews_work_off = models.BooleanField(
        _("Programme review of open work-off plans"),
        default=False,
        help_text=_(
            "Confirming the step records the Programme's review of the work-off items still "
            "open, with a note; only the Programme confirms it."
        ),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("Service Activation checklist item")

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.reviews_work_off and self.confirmer_id:
            raise ValidationError(
                {"confirmer": _("The Programme reviews open work-off plans: leave this empty.")}
            )

    @property
    def confirmer_name(self) -> str:
        return confirmer_name(self.confirmer)


class ServiceActivationStep(models.Model):
    """A step of one market role's Service Activation, copied from the checklist when the
    role's approvers had all approved it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    qualification_role = models.ForeignKey(
        "qualification.QualificationRole",
        on_delete=models.CASCADE,
        related_name="activation_steps",
    )
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    confirmer = models.ForeignKey(
        "qualification.CodeBody", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviews_work_off = models.BooleanField(default=False)
    planned_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        "qualification.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    # The work-off items open when the Programme reviewed them, as they stood then.
    work_off_reviewed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["qualification_role", "position"]

    def __str__(self) -> str:
        return self.label

    @property
    def confirmer_name(self) -> str:
        return confirmer_name(self.confirmer)


# -- reports

# A report still "preparing" this long after it was last sent to a worker has been lost (a
# broker that was down, a worker that died past its retries): the page offers to try again
# and the sweep sends it once more. Longer than the render task's hard time limit.
STALE_AFTER = dt.timedelta(minutes=12)


def report_file_name(instance: Report, filename: str) -> str:
    """Stored under a generated name, never one derived from what the report is about."""
    return f"reports/{instance.kind}/{uuid.uuid4().hex}.pdf"


class Report(models.Model):
    """A PDF report. Unique per (kind, subject, fingerprint): the same facts are rendered
    once and then served from storage; when what the report shows changes (a signature, a
    new outcome) its fingerprint changes and a new report is rendered beside the old one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=30, choices=ReportKind.choices)
    revision = models.ForeignKey(
        "qad.Revision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("The revision reported on, for reports about a QAD submission."),
    )
    review = models.ForeignKey(
        "assessment.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("The Code Body review reported on, for assessment reports."),
    )
    code_body = models.ForeignKey(
        "qualification.CodeBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The board's Code Body, for board summaries."),
    )
    meeting_date = models.DateField(
        null=True, blank=True, help_text=_("The board meeting, for board summaries.")
    )
    qualification_role = models.ForeignKey(
        "qualification.QualificationRole",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The role qualified, for approval letters."),
    )
    subject_key = models.CharField(
        max_length=100, help_text=_("What the report is about, e.g. revision:42.")
    )
    fingerprint = models.CharField(
        max_length=64, help_text=_("SHA-256 of the facts the report shows.")
    )
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.PREPARING
    )
    file = models.FileField(upload_to=report_file_name, max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    build_seconds = models.FloatField(
        null=True, blank=True, help_text=_("Our own time: queries and the HTML template.")
    )
    render_seconds = models.FloatField(
        null=True, blank=True, help_text=_("WeasyPrint's time: layout and writing the PDF.")
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "fingerprint"], name="report_rendered_once"
            ),
            # Every report names what it is about, so that who may see it is always known.
            models.CheckConstraint(
                condition=Q(kind=ReportKind.QAD_SUBMISSION, revision__isnull=False)
                | Q(kind=ReportKind.ASSESSMENT, review__isnull=False)
                | Q(
                    kind=ReportKind.BOARD_SUMMARY,
                    code_body__isnull=False,
                    meeting_date__isnull=False,
                )
                | Q(kind=ReportKind.APPROVAL_LETTER, qualification_role__isnull=False),
                name="report_names_its_subject",
            ),
        ]
        indexes = [models.Index(fields=["status", "queued_at"], name="report_status_queued")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.subject_key} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("report-detail", kwargs={"public_id": self.public_id})

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        """Preparing for so long that the render has been lost."""
        if self.status != ReportStatus.PREPARING:
            return False
        last = max(filter(None, (self.queued_at, self.started_at)))
        return (now or timezone.now()) - last > STALE_AFTER
