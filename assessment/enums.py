from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckStatus(models.TextChoices):
    """What one automated check found for one criterion."""

    PASS = "pass", _("Pass")
    WARNING = "warning", _("Warning")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    ERROR = "error", _("Could not run")


class CheckRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETE = "complete", _("Complete")
    FAILED = "failed", _("Failed; to be tried again")


class ReportKind(models.TextChoices):
    """What a report is about. Each kind has a document builder in `documents.KINDS`."""

    QAD_SUBMISSION = "qad_submission", _("QAD submission report")
    ASSESSMENT = "assessment", _("Assessment report")
    BOARD_SUMMARY = "board_summary", _("Board summary")
    APPROVAL_LETTER = "approval_letter", _("Approval letter")


class ReportStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be prepared")
