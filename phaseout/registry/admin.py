"""Read-mostly views of the registry. Writes go through registry.services (workbench,
API, imports), which keep history and the audit trail, so the admin changes nothing."""

from django.contrib import admin

from phaseout.registry.models import (
    Enterprise,
    EnterpriseChange,
    Indicator,
    Licence,
    LineStatusChange,
    ProductionLine,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class LineInline(admin.TabularInline):
    model = ProductionLine
    fields = ("line_code", "equipment_type", "size", "size_unit", "capacity", "capacity_unit",
              "status")
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("uscc", "name", "city", "county", "industry", "status", "version")
    list_filter = ("industry", "status")
    list_select_related = ("city", "county", "industry")
    search_fields = ("=uscc", "name")
    inlines = [LineInline]


@admin.register(ProductionLine)
class ProductionLineAdmin(ReadOnlyAdmin):
    list_display = ("id", "enterprise", "line_code", "industry", "equipment_type", "size",
                    "capacity", "status")
    list_filter = ("industry", "status")
    list_select_related = ("enterprise", "industry", "equipment_type")
    search_fields = ("=enterprise__uscc", "line_code")
    raw_id_fields = ("enterprise",)


@admin.register(EnterpriseChange)
class EnterpriseChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "enterprise", "field", "old_value", "new_value", "actor")
    list_select_related = ("enterprise", "actor")


@admin.register(LineStatusChange)
class LineStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "line", "old_status", "new_status", "actor", "note")
    list_select_related = ("line__enterprise", "actor")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("line", "year", "kind", "value", "unit", "source")
    list_filter = ("year", "kind", "source")
    list_select_related = ("line__enterprise", "kind")


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "kind", "number", "valid_from", "valid_until")
    list_filter = ("kind",)
    list_select_related = ("enterprise",)
    search_fields = ("=number", "=enterprise__uscc")
