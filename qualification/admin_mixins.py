from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """Records written by the portal's services (history, audit, signatures): visible to
    portal admins, never added, changed or deleted by hand."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
