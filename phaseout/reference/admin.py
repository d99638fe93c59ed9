"""Reference data is loaded from reviewed files (`phaseout load_reference`); the admin
shows it for lookup. Only a city's own industry scope is added here."""

from django.contrib import admin

from phaseout.reference.models import (
    Department,
    Division,
    EquipmentType,
    IndicatorKind,
    Industry,
    IndustryScope,
)


class FileManagedAdmin(admin.ModelAdmin):
    """Read-only: a change belongs in phaseout/reference/data and a reviewed commit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Division)
class DivisionAdmin(FileManagedAdmin):
    list_display = ("code", "name", "level", "parent", "vintage")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)


@admin.register(Department)
class DepartmentAdmin(FileManagedAdmin):
    list_display = ("code", "name", "name_en", "province_title", "local_title")


class EquipmentTypeInline(admin.TabularInline):
    model = EquipmentType
    fields = ("code", "name", "size_unit", "second_size_unit", "capacity_unit", "min_size",
              "max_size")
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Industry)
class IndustryAdmin(FileManagedAdmin):
    list_display = ("code", "name", "name_en", "capacity_unit")
    inlines = [EquipmentTypeInline]


@admin.register(EquipmentType)
class EquipmentTypeAdmin(FileManagedAdmin):
    list_display = ("code", "name", "industry", "size_unit", "second_size_unit", "capacity_unit",
                    "min_size", "max_size")
    list_filter = ("industry",)
    search_fields = ("code", "name", "name_en")


@admin.register(IndicatorKind)
class IndicatorKindAdmin(FileManagedAdmin):
    list_display = ("code", "name", "name_en", "unit")
    filter_horizontal = ("industries",)


@admin.register(IndustryScope)
class IndustryScopeAdmin(admin.ModelAdmin):
    list_display = ("year", "division", "industry", "basis")
    list_filter = ("year", "industry")
    list_select_related = ("division", "industry")
    autocomplete_fields = ("division",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
