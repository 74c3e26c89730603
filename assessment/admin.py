from django import forms
from django.contrib import admin

from assessment.models import (
    ActivationChecklistItem,
    CheckResult,
    CheckRun,
    Clarification,
    ClarificationMessage,
    CriteriaSet,
    Criterion,
    CriterionOutcome,
    Review,
    ReviewAssignment,
    ServiceActivationStep,
    SmsExemptionDecision,
    WorkOffException,
    WorkOffItem,
)
from assessment.reports import admin as report_admin  # noqa: F401  (registers Report)
from assessment.services.activation import checklist_item_recorded
from qad.admin import ReadOnlyInline, VersionContentAdmin
from qualification.admin_mixins import RecordAdmin
from qualification.models import MarketRole


class CriterionInline(ReadOnlyInline):
    model = Criterion
    fields = ["ref", "title", "checks"]


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "template", "status", "published_at", "loaded_at"]
    list_filter = ["code_body", "status", "template"]
    search_fields = ["version", "title"]
    inlines = [CriterionInline]
    readonly_fields = [f.name for f in CriteriaSet._meta.concrete_fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Criterion)
class CriterionAdmin(VersionContentAdmin):
    list_display = ["ref", "title", "criteria_set"]
    list_filter = ["criteria_set__code_body", "criteria_set"]
    search_fields = ["ref", "title", "looks_for"]
    filter_horizontal = ["questions"]


class ClarificationMessageInline(admin.TabularInline):
    model = ClarificationMessage
    extra = 0
    can_delete = False
    readonly_fields = ["author", "text", "written_at", "from_code_body"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Clarification)
class ClarificationAdmin(admin.ModelAdmin):
    list_display = ["submission", "question", "code_body", "state", "raised_at", "sent_at"]
    list_filter = ["code_body", "state"]
    search_fields = ["submission__qualification__organisation__legal_name", "question__ref"]
    readonly_fields = [
        "submission",
        "question",
        "code_body",
        "raised_in",
        "answered_in",
        "raised_by",
        "raised_at",
        "sent_at",
    ]
    inlines = [ClarificationMessageInline]


@admin.register(ClarificationMessage)
class ClarificationMessageAdmin(RecordAdmin):
    list_display = ["clarification", "author", "written_at", "from_code_body"]
    search_fields = ["text", "author__email"]


class CheckResultInline(admin.TabularInline):
    model = CheckResult
    fields = ["criterion", "check_name", "status", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CheckRun)
class CheckRunAdmin(RecordAdmin):
    list_display = [
        "revision",
        "code_body",
        "status",
        "trigger",
        "started_at",
        "duration_ms",
        "criteria_checked",
        "files_read",
        "attempts",
    ]
    list_filter = ["code_body", "status", "trigger"]
    search_fields = ["revision__submission__qualification__organisation__legal_name"]
    list_select_related = ["revision__submission__qualification__organisation", "code_body"]
    inlines = [CheckResultInline]


@admin.register(CheckResult)
class CheckResultAdmin(RecordAdmin):
    list_display = ["criterion", "check_name", "status", "run"]
    list_filter = ["status", "check_name", "criterion__criteria_set__code_body"]
    search_fields = [
        "criterion__ref",
        "message",
        "run__revision__submission__qualification__organisation__legal_name",
    ]
    list_select_related = ["criterion", "run__revision__submission__qualification__organisation"]


class ReviewAssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    extra = 0
    can_delete = False
    readonly_fields = ["assignee", "assigned_by", "assigned_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["submission", "code_body", "state", "assignee", "waiting_since"]
    list_filter = ["code_body", "state"]
    search_fields = ["submission__qualification__organisation__legal_name"]
    readonly_fields = [
        "public_id",
        "submission",
        "code_body",
        "state",
        "waiting_since",
        "reviewed_revision",
        "completed_by",
        "completed_at",
    ]
    inlines = [ReviewAssignmentInline]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(RecordAdmin):
    list_display = ["review", "assignee", "assigned_by", "assigned_at"]


@admin.register(CriterionOutcome)
class CriterionOutcomeAdmin(RecordAdmin):
    list_display = ["review", "criterion", "outcome", "recorded_by", "recorded_at"]
    list_filter = ["outcome", "review__code_body"]
    search_fields = ["criterion__ref", "comment"]


@admin.register(WorkOffItem)
class WorkOffItemAdmin(admin.ModelAdmin):
    list_display = ["defect_reference", "qualification", "owner", "due_date", "status", "required"]
    list_filter = ["status", "required"]
    search_fields = ["defect_reference", "description", "qualification__organisation__legal_name"]


@admin.register(WorkOffException)
class WorkOffExceptionAdmin(RecordAdmin):
    list_display = ["item", "code_body", "recorded_by", "recorded_at"]


@admin.register(SmsExemptionDecision)
class SmsExemptionDecisionAdmin(RecordAdmin):
    """Recorded by the Code Bodies' leads on the qualification page, audited there."""

    list_display = ["qualification", "code_body", "decided_on", "reference", "recorded_by"]
    search_fields = ["qualification__organisation__legal_name", "reference"]


class ActivationChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ActivationChecklistItem
        fields = ["label", "position", "confirmer", "market_roles", "reviews_work_off"]

    def clean(self) -> dict:
        """A step a Code Body confirms is for roles that Code Body approves: its lead
        assessors see only those qualifications, and anywhere else the step would wait for
        someone who cannot reach it."""
        cleaned = super().clean()
        confirmer = cleaned.get("confirmer")
        if confirmer is not None:
            roles = cleaned.get("market_roles") or MarketRole.objects.all()
            approved = set(confirmer.approved_roles.values_list("pk", flat=True))
            outside = sorted(role.code for role in roles if role.pk not in approved)
            if outside:
                self.add_error(
                    "confirmer",
                    f"{confirmer.code} does not approve {', '.join(outside)}: choose the market "
                    "roles this step applies to, or another confirmer.",
                )
        return cleaned


@admin.register(ActivationChecklistItem)
class ActivationChecklistItemAdmin(admin.ModelAdmin):
    """The Programme's Service Activation checklist: a role that starts Service Activation
    takes a copy of it as it stands."""

    form = ActivationChecklistItemForm
    list_display = ["label", "position", "confirmer", "roles", "reviews_work_off"]
    # Who confirms a step is checked against its market roles, so it is changed on the
    # item's own page, where both are.
    list_editable = ["position"]
    filter_horizontal = ["market_roles"]

    @admin.display(description="Market roles")
    def roles(self, item: ActivationChecklistItem) -> str:
        return ", ".join(role.code for role in item.market_roles.all()) or "Every role"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("market_roles")

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        checklist_item_recorded(item=form.instance, by=request.user, created=not change)

    def delete_model(self, request, obj) -> None:
        checklist_item_recorded(item=obj, by=request.user, deleted=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for item in queryset:
            checklist_item_recorded(item=item, by=request.user, deleted=True)
        super().delete_queryset(request, queryset)


@admin.register(ServiceActivationStep)
class ServiceActivationStepAdmin(RecordAdmin):
    """Confirmed on the qualification page, audited there."""

    list_display = [
        "label",
        "qualification_role",
        "qualification_role__qualification",
        "confirmer",
        "done_at",
        "done_by",
    ]
    list_filter = ["done_at", "confirmer"]
