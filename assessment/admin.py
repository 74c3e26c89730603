from django.contrib import admin

from assessment.models import Clarification, ClarificationMessage, CriteriaSet, Criterion
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
