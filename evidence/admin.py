from django.contrib import admin

from evidence.models import EvidenceItem, EvidenceLink, EvidencePack, StoredFile
from qualification.admin_mixins import RecordAdmin


@admin.register(StoredFile)
class StoredFileAdmin(RecordAdmin):
    list_display = ["sha256", "size", "content_type", "scan_state", "malware_state", "scanned_at"]
    list_filter = ["scan_state", "malware_state"]
    search_fields = ["sha256"]


@admin.register(EvidenceItem)
class EvidenceItemAdmin(RecordAdmin):
    list_display = [
        "title",
        "organisation",
        "evidence_type",
        "original_name",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["evidence_type", "stored_file__scan_state"]
    search_fields = ["title", "original_name", "organisation__legal_name", "stored_file__sha256"]


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(RecordAdmin):
    list_display = ["item", "question", "revision", "relied_on", "linked_by", "linked_at"]
    list_filter = ["relied_on"]
    search_fields = ["item__title", "question__ref"]


@admin.register(EvidencePack)
class EvidencePackAdmin(admin.ModelAdmin):
    list_display = ["name", "publisher", "created_at"]
    search_fields = ["name", "publisher__legal_name"]
    filter_horizontal = ["granted_to"]
    autocomplete_fields = ["publisher"]
