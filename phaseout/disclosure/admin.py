from django.contrib import admin

from phaseout.disclosure.models import ListSnapshot


@admin.register(ListSnapshot)
class ListSnapshotAdmin(admin.ModelAdmin):
    """Publications are immutable: the admin reads them; publishing goes through the pages."""

    list_display = ("id", "kind", "department", "city", "as_of", "published_at", "row_count",
                    "content_hash", "withdrawn_of")
    list_filter = ("kind", "department")
    search_fields = ("=content_hash",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
