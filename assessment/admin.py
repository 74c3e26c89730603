from django.contrib import admin

from assessment.models import (
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
from qad.admin import ReadOnlyInline, VersionContentAdmin
from qualification.admin_mixins import RecordAdmin


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


@admin.register(ServiceActivationStep)
class ServiceActivationStepAdmin(admin.ModelAdmin):
    list_display = ["label", "qualification", "planned_date", "done_at", "done_by"]
    list_filter = ["done_at"]
