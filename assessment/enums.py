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
