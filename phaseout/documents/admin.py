from django.contrib import admin

from phaseout.documents.models import OfficialDocument


@admin.register(OfficialDocument)
class OfficialDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are issued through the case page (documents.services) and never
    changed afterwards."""

    list_display = ["number", "kind", "case", "issued_on", "issued_by"]
    list_filter = ["kind", "year", "department"]
    search_fields = ["number", "case__number", "case__enterprise__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
