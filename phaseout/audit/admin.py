from django.contrib import admin

from phaseout.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The trail is append-only: the admin can search and read it, nothing else."""

    list_display = ("seq", "at", "actor_label", "action", "object_type", "object_id", "note")
    list_filter = ("action", "object_type")
    search_fields = ("=object_id", "=actor_label", "action")
    date_hierarchy = "at"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
