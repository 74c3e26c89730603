"""Waves, qualifications, their roles, approvals and lifecycle history."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualification.enums import (
    ApprovalOutcome,
    DeadlineStage,
    PitApproach,
    PreQualificationState,
    QualificationState,
    Route,
)
from qualification.models.participants import CodeBody, MarketRole, Mpid, Organisation


class Wave(models.Model):
    """A Qualification Testing wave. Its deadlines are data (QA&P Appendix C), not code."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    testing_starts = models.DateField(null=True, blank=True)
    testing_ends = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["testing_starts", "code"]

    def __str__(self) -> str:
        return self.name


class WaveDeadline(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField(max_length=20, choices=DeadlineStage.choices)
    due_date = models.DateField()
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Where the date comes from, e.g. QA&P Appendix C v3"),
    )

    class Meta:
        ordering = ["wave", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "stage"], name="one_deadline_per_wave_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.wave}: {self.get_stage_display()} due {self.due_date:%d %b %Y}"


class Qualification(models.Model):
    """One organisation qualifying for one or more market roles by one route."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="qualifications"
    )
    route = models.CharField(max_length=20, choices=Route.choices)
    wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, null=True, blank=True, related_name="qualifications"
    )
    places_reliance = models.BooleanField(default=False)
    sms_exemption_requested = models.BooleanField(
        "Smart Meter Segment exemption requested", default=False
    )
    # Kept by the work-off plan's services: some item the participant declared is not closed.
    work_off_open = models.BooleanField("work-off items still open", default=False)
    target_migration_date = models.DateField(null=True, blank=True)
    state = models.CharField(
        max_length=30, choices=QualificationState.choices, default=QualificationState.TESTING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__legal_name", "created_at"]

    def __str__(self) -> str:
        roles = ", ".join(r.market_role.code for r in self.roles.all())
        return f"{self.organisation} — {roles or 'no roles'} ({self.get_route_display()})"

    def get_absolute_url(self) -> str:
        return reverse("qualification-detail", kwargs={"public_id": self.public_id})

    @property
    def current_submission(self):
        """The furthest stage's submission (Final over Initial); uses prefetched rows."""
        submissions = list(self.submissions.all())
        if not submissions:
            return None
        return max(submissions, key=lambda s: (s.stage == "final", s.created_at))

    @property
    def conditions(self) -> frozenset[str]:
        """The qualification's facts that conditional questions depend on."""
        facts = set()
        if self.places_reliance:
            facts.add("places_reliance")
        if self.sms_exemption_requested:
            facts.add("sms_exemption_requested")
        if self.work_off_open:
            facts.add("work_off_open")
        return frozenset(facts)


class QualificationRole(models.Model):
    """A market role sought in a qualification, with the MPID it operates under."""

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="roles")
    market_role = models.ForeignKey(MarketRole, on_delete=models.PROTECT, related_name="+")
    mpid = models.ForeignKey(
        Mpid, on_delete=models.PROTECT, null=True, blank=True, related_name="qualification_roles"
    )
    qualified_on = models.DateField(null=True, blank=True)
    # The day its last Service Activation step was confirmed: the role may operate.
    activated_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["qualification", "market_role__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "market_role"], name="one_role_per_qualification"
            ),
        ]

    def __str__(self) -> str:
        mpid = f" as {self.mpid.code}" if self.mpid_id else ""
        return f"{self.market_role.code}{mpid}"


class RoleApproval(models.Model):
    """The decision of one approving Code Body on one role of a qualification."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    qualification_role = models.ForeignKey(
        QualificationRole, on_delete=models.CASCADE, related_name="approvals"
    )
    code_body = models.ForeignKey(CodeBody, on_delete=models.PROTECT, related_name="approvals")
    outcome = models.CharField(
        max_length=30, choices=ApprovalOutcome.choices, default=ApprovalOutcome.PENDING
    )
    meeting_date = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["qualification_role", "code_body__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["qualification_role", "code_body"], name="one_approval_per_role_body"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.qualification_role} — {self.code_body.code}: {self.get_outcome_display()}"


class QualificationTransition(models.Model):
    """Who moved a qualification from one lifecycle state to another, and when."""

    qualification = models.ForeignKey(
        Qualification, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(max_length=30, choices=QualificationState.choices, blank=True)
    to_state = models.CharField(max_length=30, choices=QualificationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["qualification", "at", "pk"]

    def __str__(self) -> str:
        who = self.actor or "the portal"
        return (
            f"{self.from_state or 'start'} → {self.to_state} by {who} at {self.at:%Y-%m-%d %H:%M}"
        )


class PreQualification(models.Model):
    """The Pre-Qualification Submission (PQS) of a non-SIT participant, accepted or returned
    by the Code Bodies before the QAD is built."""

    qualification = models.OneToOneField(
        Qualification, on_delete=models.CASCADE, related_name="pre_qualification"
    )
    preferred_wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pit_approach = models.CharField(max_length=30, choices=PitApproach.choices, blank=True)
    pit_starts = models.DateField(_("PIT starts"), null=True, blank=True)
    pit_ends = models.DateField(_("PIT ends"), null=True, blank=True)
    target_migration_date = models.DateField(null=True, blank=True)
    places_reliance = models.BooleanField(_("intends to place reliance"), default=False)
    reliance_summary = models.TextField(
        blank=True, help_text=_("On whose testing you intend to rely, and for what.")
    )
    state = models.CharField(
        max_length=20,
        choices=PreQualificationState.choices,
        default=PreQualificationState.DRAFT,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Pre-Qualification Submission"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pit_starts__isnull=True)
                | models.Q(pit_ends__isnull=True)
                | models.Q(pit_ends__gte=models.F("pit_starts")),
                name="pqs_pit_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"PQS of {self.qualification.organisation} ({self.get_state_display()})"
