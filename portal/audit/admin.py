"""The audit trail in the admin: readable by superusers, never added, changed nor deleted here."""

from django.contrib import admin

from .models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "kind", "channel", "reference", "client_ip"]
    list_filter = ["kind", "channel"]
    search_fields = ["reference", "actor_label"]
    raw_id_fields = ["actor"]
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
