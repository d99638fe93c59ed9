from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from phaseout.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "department", "division", "enterprise", "is_active",
                    "is_staff")
    list_filter = ("is_active", "is_staff", "groups", "department", "division__level")
    list_select_related = ("department", "division", "enterprise")
    search_fields = ("username", "full_name", "email", "enterprise__name", "enterprise__uscc")
    autocomplete_fields = ("division", "enterprise")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email")}),
        (_("Where the account sits"), {
            "fields": ("department", "division", "enterprise"),
            "description": _("An official has a department and a division; an enterprise "
                             "account has an enterprise only."),
        }),
        (_("Roles and permissions"), {"fields": ("is_active", "is_staff", "is_superuser",
                                                 "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2",
                                                 "full_name", "department", "division",
                                                 "enterprise", "groups")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owner through the API; the admin can only look."""

    list_display = ("user", "label", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "label", "digest", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
