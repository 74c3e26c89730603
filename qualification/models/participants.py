"""Code Bodies, market roles, participant organisations, their MPIDs, contacts and members."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualification.enums import CodeBodyRole, ContactPurpose, MembershipRole, SignatoryCapacity

MPID_PATTERN = r"^[A-Z0-9]{4}$"
mpid_validator = RegexValidator(
    MPID_PATTERN, _("An MPID is exactly 4 upper-case letters or digits, e.g. NWES.")
)
# The DIP Manager's identifier of a participant's connection to the Data Integration
# Platform: 10 digits.
DIP_ID_PATTERN = r"^[0-9]{10}$"
dip_id_validator = RegexValidator(
    DIP_ID_PATTERN, _("A DIP ID is exactly 10 digits, as the DIP Manager issued it.")
)
company_number_validator = RegexValidator(
    r"^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$",
    _("A Companies House number is 8 digits, or 2 letters and 6 digits (e.g. SC123456)."),
)


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
    review_target_working_days = models.PositiveSmallIntegerField(
        default=10,
        help_text=_("Working days (England and Wales) within which a submission is reviewed."),
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
    dip_id = models.CharField(
        "DIP ID",
        max_length=10,
        blank=True,
        validators=[dip_id_validator],
        help_text=_("Blank until the DIP Manager has issued one."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "MPID"
        verbose_name_plural = "MPIDs"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=MPID_PATTERN), name="mpid_code_format"
            ),
            models.CheckConstraint(
                condition=models.Q(dip_id="") | models.Q(dip_id__regex=DIP_ID_PATTERN),
                name="mpid_dip_id_format",
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


class Invitation(models.Model):
    """A one-time link, sent by e-mail, that lets a person set a password and join with the
    portal role they were given. Only a hash of the token is stored."""

    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    membership_role = models.CharField(max_length=20, choices=MembershipRole.choices, blank=True)
    signatory_capacity = models.CharField(
        max_length=20, choices=SignatoryCapacity.choices, blank=True
    )
    code_body = models.ForeignKey(
        CodeBody, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    code_body_role = models.CharField(max_length=20, choices=CodeBodyRole.choices, blank=True)
    portal_admin = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"
