from django.contrib import admin

from assessment.models import Report
from qualification.admin_mixins import RecordAdmin


@admin.register(Report)
class ReportAdmin(RecordAdmin):
    """Rendered reports: read-only records, with the timing of each render and any error."""

    list_display = [
        "public_id",
        "kind",
        "subject_key",
        "status",
        "page_count",
        "size",
        "build_seconds",
        "render_seconds",
        "attempts",
        "requested_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = [
        "public_id",
        "subject_key",
        "fingerprint",
        "sha256",
        "revision__submission__qualification__organisation__legal_name",
        "review__submission__qualification__organisation__legal_name",
        "qualification_role__qualification__organisation__legal_name",
    ]
    list_select_related = ["revision"]
