from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from qualification.admin_mixins import RecordAdmin
from qualification.api_tokens import token_revoke
from qualification.models import (
    ApiToken,
    AuditEvent,
    CodeBody,
    CodeBodyMembership,
    Contact,
    Invitation,
    MarketRole,
    Membership,
    Mpid,
    Organisation,
    OutboxMessage,
    PreQualification,
    Qualification,
    QualificationRole,
    QualificationTransition,
    RoleApproval,
    User,
    Wave,
    WaveDeadline,
)

admin.site.site_header = _("QAD Portal administration")
admin.site.site_title = _("QAD Portal")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class CodeBodyMembershipInline(admin.TabularInline):
    model = CodeBodyMembership
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "job_title", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "memberships__role", "code_body_memberships__code_body"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "job_title")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline, CodeBodyMembershipInline]


@admin.register(CodeBody)
class CodeBodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "operator", "approver_name", "decides_at_meeting"]


@admin.register(MarketRole)
class MarketRoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "approver_codes"]
    filter_horizontal = ["approvers"]

    @admin.display(description=_("Approvers"))
    def approver_codes(self, role: MarketRole) -> str:
        return ", ".join(body.code for body in role.approvers.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("approvers")


class MpidInline(admin.TabularInline):
    model = Mpid
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "company_number", "mpid_codes", "created_at"]
    search_fields = ["legal_name", "trading_name", "company_number", "mpids__code"]
    inlines = [MpidInline, ContactInline, OrganisationMembershipInline]
    readonly_fields = ["public_id", "created_at"]

    @admin.display(description=_("MPIDs"))
    def mpid_codes(self, organisation: Organisation) -> str:
        return ", ".join(m.code for m in organisation.mpids.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("mpids")


@admin.register(Mpid)
class MpidAdmin(admin.ModelAdmin):
    list_display = ["code", "organisation", "market_role"]
    list_filter = ["market_role"]
    search_fields = ["code", "organisation__legal_name"]
    autocomplete_fields = ["organisation"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "purpose", "email", "phone"]
    list_filter = ["purpose"]
    search_fields = ["name", "email", "organisation__legal_name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "signatory_capacity"]
    list_filter = ["role", "signatory_capacity"]
    search_fields = ["user__email", "user__full_name", "organisation__legal_name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(CodeBodyMembership)
class CodeBodyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "code_body", "role"]
    list_filter = ["code_body", "role"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]


class WaveDeadlineInline(admin.TabularInline):
    model = WaveDeadline
    extra = 0


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "testing_starts", "testing_ends"]
    inlines = [WaveDeadlineInline]


@admin.register(WaveDeadline)
class WaveDeadlineAdmin(admin.ModelAdmin):
    list_display = ["wave", "stage", "due_date", "source"]
    list_filter = ["wave", "stage"]


class QualificationRoleInline(admin.TabularInline):
    model = QualificationRole
    extra = 0


class QualificationTransitionInline(admin.TabularInline):
    model = QualificationTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "actor", "at", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        # The history is written by the lifecycle service, never by hand.
        return False


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "role_codes", "route", "wave", "state", "created_at"]
    list_filter = ["state", "route", "wave", "places_reliance", "sms_exemption_requested"]
    search_fields = ["organisation__legal_name", "roles__mpid__code"]
    readonly_fields = ["public_id", "state", "created_by", "created_at", "updated_at"]
    inlines = [QualificationRoleInline, QualificationTransitionInline]

    @admin.display(description=_("Roles"))
    def role_codes(self, qualification: Qualification) -> str:
        return ", ".join(r.market_role.code for r in qualification.roles.all())

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation", "wave")
            .prefetch_related("roles__market_role")
        )


class RoleApprovalInline(admin.TabularInline):
    model = RoleApproval
    extra = 0


@admin.register(QualificationRole)
class QualificationRoleAdmin(admin.ModelAdmin):
    list_display = ["qualification", "market_role", "mpid", "qualified_on"]
    list_filter = ["market_role"]
    search_fields = ["qualification__organisation__legal_name", "mpid__code"]
    inlines = [RoleApprovalInline]


@admin.register(RoleApproval)
class RoleApprovalAdmin(admin.ModelAdmin):
    list_display = ["qualification_role", "code_body", "outcome", "meeting_date", "decided_at"]
    list_filter = ["code_body", "outcome"]
    search_fields = ["qualification_role__qualification__organisation__legal_name"]


@admin.register(QualificationTransition)
class QualificationTransitionAdmin(RecordAdmin):
    list_display = ["qualification", "from_state", "to_state", "actor", "at"]
    list_filter = ["to_state"]
    search_fields = ["qualification__organisation__legal_name", "actor__email"]


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    list_display = ["at", "kind", "summary", "actor", "via", "organisation"]
    list_filter = ["kind", "organisation"]
    search_fields = ["summary", "actor__email", "organisation__legal_name"]
    date_hierarchy = "at"


@admin.register(PreQualification)
class PreQualificationAdmin(admin.ModelAdmin):
    list_display = ["qualification", "state", "preferred_wave", "submitted_at", "decided_at"]
    list_filter = ["state", "preferred_wave"]
    search_fields = ["qualification__organisation__legal_name"]
    readonly_fields = ["state", "submitted_at", "submitted_by", "decided_at", "decided_by"]


@admin.register(Invitation)
class InvitationAdmin(RecordAdmin):
    """Invitations are sent from the People page; only a hash of each link is stored."""

    list_display = [
        "email",
        "organisation",
        "code_body",
        "invited_by",
        "created_at",
        "expires_at",
        "used_at",
    ]
    search_fields = ["email", "full_name"]
    exclude = ["token_hash"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields if f.name != "token_hash"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(RecordAdmin):
    list_display = ["task_name", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]


@admin.register(ApiToken)
class ApiTokenAdmin(RecordAdmin):
    """Who holds which token, when it was last used: a token is made and revoked by its owner
    on the API tokens page (only a digest of its secret is kept)."""

    list_display = [
        "name",
        "user",
        "scope",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "user__email", "user__full_name"]
    exclude = ["digest"]
    actions = ["revoke"]

    @admin.action(description="Revoke the chosen tokens", permissions=["view"])
    def revoke(self, request, queryset) -> None:
        # Through the service: each revocation is in the audit trail as this admin's.
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, by=request.user)
