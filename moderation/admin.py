"""The journal in the admin: read only; nobody edits or deletes an entry (a correction is a new entry)."""

from django.contrib import admin

from .models import JournalEntry


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ["recorded_at", "account", "action", "moderated_on", "rule_number", "recorded_by"]
    list_filter = ["action", "platform"]
    raw_id_fields = ["account", "policy_version", "corrects", "recorded_by"]
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
