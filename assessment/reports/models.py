"""A rendered report: one PDF of one kind about one subject, as it stood (its fingerprint)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.reports.enums import ReportKind, ReportStatus

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
