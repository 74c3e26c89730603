from django.db import models
from django.utils.translation import gettext_lazy as _


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
