from django.contrib import admin

from assessment.models import CriteriaSet, Criterion
from qad.admin import ReadOnlyInline, VersionContentAdmin


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
