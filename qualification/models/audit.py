"""The record of who did what and when, with the values before and after."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditRecordImmutable(Exception):
    """Audit records are written once and never changed or deleted from the portal."""


class AuditEventQuerySet(models.QuerySet):
    """No bulk change or deletion of audit records (PostgreSQL refuses them as well, by a
    trigger; this is the guard on SQLite)."""

    def update(self, **kwargs):
        raise AuditRecordImmutable("audit records cannot be changed")

    def delete(self):
        raise AuditRecordImmutable("audit records cannot be deleted")


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=50, db_index=True)
    summary = models.TextField()
    organisation = models.ForeignKey(
        "qualification.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    qualification = models.ForeignKey(
        "qualification.Qualification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    section_ref = models.CharField(max_length=20, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # How the person made the change when not through the pages ("API token <name>").
    via = models.CharField(max_length=120, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["qualification", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}: {self.summary}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AuditRecordImmutable("audit records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRecordImmutable("audit records cannot be deleted")


class OutboxMessage(models.Model):
    """Follow-up work recorded in the same transaction as the change that needs it, so that a
    broker that is down when the change commits delays the work but never loses it."""

    task_name = models.CharField(max_length=100)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_name}({self.kwargs})"
