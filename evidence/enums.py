from django.db import models
from django.utils.translation import gettext_lazy as _


class ScanState(models.TextChoices):
    """What the checks on a file's content have found so far."""

    PENDING = "pending", _("Being checked")
    CLEAN = "clean", _("Clean")
    NEEDS_ATTENTION = "needs_attention", _("Needs attention: personal data found")
    REJECTED = "rejected", _("Rejected")


class MalwareState(models.TextChoices):
    NOT_SCANNED = "not_scanned", _("Not scanned: no malware scanner is configured")
    CLEAN = "clean", _("No malware found")
    INFECTED = "infected", _("Malware found: quarantined")
    UNAVAILABLE = "unavailable", _("Waiting for the malware scanner")
    REJECTED = "rejected", _("Rejected by the malware scanner")
