"""Participants, users, market roles, Code Bodies and qualifications."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualification.enums import (
    ApprovalOutcome,
    CodeBodyRole,
    ContactPurpose,
    DeadlineStage,
    MembershipRole,
    QualificationState,
    Route,
    SignatoryCapacity,
)

MPID_PATTERN = r"^[A-Z0-9]{4}$"
mpid_validator = RegexValidator(
    MPID_PATTERN, _("An MPID is exactly 4 upper-case letters or digits, e.g. NWES.")
)
company_number_validator = RegexValidator(
    r"^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$",
    _("A Companies House number is 8 digits, or 2 letters and 6 digits (e.g. SC123456)."),
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. Portal admins are staff users."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("portal admin"),
        default=False,
        help_text=_("Portal admins manage versions, organisations and users."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Upper("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class CodeBody(models.Model):
    """A body that assesses QADs and approves Qualification: BSC, REC or DIP."""

    BSC = "BSC"
    REC = "REC"
    DIP = "DIP"

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    operator = models.CharField(
        max_length=150, help_text=_("Who acts for the Code Body, e.g. Elexon.")
    )
    approver_name = models.CharField(
        max_length=150, help_text=_("Who takes the approval decision, e.g. the BSC PAB.")
    )
    decides_at_meeting = models.BooleanField(
        default=False,
        help_text=_("Approvals are scheduled for a board meeting before they are decided."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name_plural = "code bodies"

    def __str__(self) -> str:
        return self.name


class MarketRole(models.Model):
    """An MHHS market role that qualifies. Its approvers are data, not code."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    approvers = models.ManyToManyField(
        CodeBody, related_name="approved_roles", help_text=_("Code Bodies that must approve.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def delegate_may_sign(self) -> bool:
        """A delegate may sign instead of a Director where the only governing code is the REC."""
        governing = {cb.code for cb in self.approvers.all()} - {CodeBody.DIP}
        return governing == {CodeBody.REC}


class Organisation(models.Model):
    """A market participant."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_name = models.CharField(max_length=200, unique=True)
    trading_name = models.CharField(max_length=200, blank=True)
    company_number = models.CharField(
        max_length=8, unique=True, validators=[company_number_validator]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name


class Mpid(models.Model):
    """A Market Participant ID: one per instance of a market role an organisation operates."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="mpids")
    market_role = models.ForeignKey(MarketRole, on_delete=models.PROTECT, related_name="mpids")
    code = models.CharField(
        "MPID",
        max_length=4,
        unique=True,
        validators=[mpid_validator],
        error_messages={"unique": _("This MPID is already registered in the portal.")},
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "MPID"
        verbose_name_plural = "MPIDs"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=MPID_PATTERN), name="mpid_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.market_role.code})"


class Contact(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    purpose = models.CharField(max_length=20, choices=ContactPurpose.choices)
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["organisation", "purpose", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_purpose_display()})"


class Membership(models.Model):
    """A user's portal role in a participant organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    signatory_capacity = models.CharField(
        max_length=20,
        choices=SignatoryCapacity.choices,
        blank=True,
        help_text=_("For signatories: Company Director, or delegate for REC-only roles."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role=MembershipRole.SIGNATORY) & ~models.Q(signatory_capacity="")
                )
                | (~models.Q(role=MembershipRole.SIGNATORY) & models.Q(signatory_capacity="")),
                name="membership_capacity_only_for_signatories",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"


class CodeBodyMembership(models.Model):
    """An assessor's or lead assessor's place in a Code Body."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="code_body_memberships"
    )
    code_body = models.ForeignKey(CodeBody, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=20, choices=CodeBodyRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code_body", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "code_body"], name="one_role_per_code_body"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.code_body.code}"


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
        return frozenset(facts)


class QualificationRole(models.Model):
    """A market role sought in a qualification, with the MPID it operates under."""

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="roles")
    market_role = models.ForeignKey(MarketRole, on_delete=models.PROTECT, related_name="+")
    mpid = models.ForeignKey(
        Mpid, on_delete=models.PROTECT, null=True, blank=True, related_name="qualification_roles"
    )
    qualified_on = models.DateField(null=True, blank=True)

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
