"""Evidence files, their storage and checks, the questions they support, and reuse.

A file's content is stored once (StoredFile, by SHA-256) however often it is uploaded; each
upload is an EvidenceItem (title, type, who, when) that points at it. Items are linked to the
questions of one revision; a submitted revision's links never change, and a replacement is a
new item that keeps the old one for the record.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.enums import MalwareState, ScanState

DOWNLOADABLE_SCAN_STATES = frozenset({ScanState.CLEAN, ScanState.NEEDS_ATTENTION})
DOWNLOADABLE_MALWARE_STATES = frozenset({MalwareState.CLEAN, MalwareState.NOT_SCANNED})


class StoredFile(models.Model):
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    storage_name = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=100, blank=True)
    scan_state = models.CharField(
        max_length=20, choices=ScanState.choices, default=ScanState.PENDING
    )
    malware_state = models.CharField(max_length=20, choices=MalwareState.choices, blank=True)
    malware_name = models.CharField(max_length=200, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    findings = models.JSONField(
        default=list, blank=True, help_text=_("Personal data found: [{kind, location, preview}]")
    )
    findings_total = models.PositiveIntegerField(default=0)
    personal_data_notes = models.JSONField(
        default=list,
        blank=True,
        help_text=_("What the personal-data check could not read, and why: [note]"),
    )
    personal_data_complete = models.BooleanField(
        default=True, help_text=_("False when part of the file was not checked for personal data.")
    )
    scan_attempts = models.PositiveIntegerField(default=0)
    scanned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.size:,} bytes, {self.get_scan_state_display()})"

    @property
    def quarantined(self) -> bool:
        return self.malware_state == MalwareState.INFECTED or (
            self.scan_state == ScanState.REJECTED
        )

    @property
    def downloadable(self) -> bool:
        """Fail closed: served only once every check has finished and let it through. A
        file still being checked (the scanner may have been down) is not served, and a
        file is never assumed clean because nobody has looked yet. "Not scanned" counts only
        when recorded as such: no malware scanner is configured at all."""
        return self.scan_state in DOWNLOADABLE_SCAN_STATES and (
            self.malware_state in DOWNLOADABLE_MALWARE_STATES
        )


class EvidenceItem(models.Model):
    """One upload by a participant: a title and type over stored content."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "qualification.Organisation", on_delete=models.PROTECT, related_name="evidence"
    )
    submission = models.ForeignKey(
        "qad.Submission",
        on_delete=models.PROTECT,
        related_name="evidence",
        null=True,
        blank=True,
        help_text=_("The submission it was uploaded for (none for a shared evidence pack)."),
    )
    pack = models.ForeignKey(
        "EvidencePack", on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="items")
    title = models.CharField(max_length=200)
    evidence_type = models.CharField(max_length=50)
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    findings_justification = models.TextField(blank=True)
    justified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    justified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.original_name})"

    @property
    def state(self) -> str:
        """The file's state, where justified personal-data findings count as clean."""
        scan = self.stored_file.scan_state
        if scan == ScanState.NEEDS_ATTENTION and self.findings_justification:
            return ScanState.CLEAN
        return scan

    @property
    def state_label(self) -> str:
        """The file's state in words: "Clean" only once every check has run and passed."""
        stored = self.stored_file
        if stored.scan_state == ScanState.NEEDS_ATTENTION and self.findings_justification:
            return _("Clean: personal data findings justified")
        if self.state == ScanState.CLEAN and stored.malware_state == MalwareState.NOT_SCANNED:
            return _("Checked, but not scanned for malware")
        return ScanState(self.state).label

    @property
    def has_details(self) -> bool:
        """Whether evidence/partials/item_details.html has anything to say of it: why it was
        rejected, its personal-data findings, or what could not be checked for them."""
        stored = self.stored_file
        return bool(
            (stored.scan_state == ScanState.REJECTED and stored.reasons)
            or stored.scan_state == ScanState.NEEDS_ATTENTION
            or (stored.personal_data_notes and self.state != ScanState.REJECTED)
        )

    @property
    def state_advice(self) -> str:
        """What the participant should do about the file in this state ("" when nothing)."""
        return {
            ScanState.PENDING: _(
                "The portal is checking this file; this usually takes a few seconds. You can "
                "carry on meanwhile; it cannot be submitted until the checks have passed."
            ),
            ScanState.NEEDS_ATTENTION: _(
                "Say why the personal data is needed, or replace the file with one without it."
            ),
            ScanState.REJECTED: _(
                "This file cannot be used for the reason given. Replace it with a corrected "
                "file, or remove it."
            ),
        }.get(self.state, "")


class EvidenceLink(models.Model):
    """An evidence item supporting a question in one revision. `relied_on` marks evidence
    accepted elsewhere that this participant places reliance on."""

    revision = models.ForeignKey("qad.Revision", on_delete=models.CASCADE, related_name="links")
    question = models.ForeignKey("qad.Question", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="links")
    relied_on = models.BooleanField(default=False)
    reliance_statement = models.TextField(blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["revision", "question__position", "linked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "question", "item"], name="evidence_linked_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.question.ref}"


class EvidencePack(models.Model):
    """Evidence a service provider or software vendor publishes for its customers to rely on."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    publisher = models.ForeignKey(
        "qualification.Organisation", on_delete=models.PROTECT, related_name="published_packs"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    granted_to = models.ManyToManyField(
        "qualification.Organisation", related_name="granted_packs", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["publisher", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.publisher})"
