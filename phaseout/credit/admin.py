from django.contrib import admin

from phaseout.credit.models import CreditPush, CreditRecord


class _ReadOnly(admin.ModelAdmin):
    """Records and pushes change only through credit.services; the admin reads them."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditRecord)
class CreditRecordAdmin(_ReadOnly):
    list_display = ("uscc", "name", "case_number", "missed_deadline", "created_at",
                    "repaired_at")
    search_fields = ("=uscc", "=case_number", "name")


@admin.register(CreditPush)
class CreditPushAdmin(_ReadOnly):
    list_display = ("idempotency_key", "kind", "status", "attempts", "next_attempt_at",
                    "sent_at", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("=idempotency_key",)
