"""Read-mostly admin: incidents are changed only through the services; nothing is ever deleted here."""

from django.contrib import admin

from portal.audit.admin_mixins import AuditedReadMixin
from portal.audit.models import AuditRecord

from .models import AccessLog, Event, Evidence, Incident, InternalNote, Measure, Message, Takedown


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = Event
    fields = ["created_at", "kind", "actor", "from_level", "to_level", "to_status", "reason"]
    readonly_fields = fields
    extra = 0


@admin.register(Incident)
class IncidentAdmin(AuditedReadMixin, ReadOnlyMixin, admin.ModelAdmin):
    # Opening an incident here is a read of its content: audited like the page (portal.audit).
    def audit_incident(self, obj):
        return obj

    list_display = ["reference", "created_at", "category", "level", "status", "urgent", "deadline_at"]
    list_filter = ["level", "status", "category", "urgent"]
    search_fields = ["reference"]
    date_hierarchy = "created_at"
    list_select_related = True
    show_full_result_count = False
    raw_id_fields = ["declarer", "concerned_staff", "assigned_manager", "taken_in_charge_by", "closed_by"]
    inlines = [EventInline]


@admin.register(Evidence)
class EvidenceAdmin(AuditedReadMixin, ReadOnlyMixin, admin.ModelAdmin):
    audit_kind = AuditRecord.Kind.EVIDENCE_DOWNLOAD

    list_display = ["incident", "original_name", "content_type", "size", "sha256", "uploaded_at"]
    raw_id_fields = ["incident", "uploaded_by"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "incident", "user", "action", "evidence"]
    list_filter = ["action"]
    raw_id_fields = ["incident", "user", "evidence"]
    show_full_result_count = False


for model in (Message, InternalNote, Measure, Takedown):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (AuditedReadMixin, ReadOnlyMixin, admin.ModelAdmin),
            {"raw_id_fields": ["incident"]},
        ),
    )
