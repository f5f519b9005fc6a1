"""Admin of policies: open to staff with the model permissions; lifecycle steps go through the services."""

from django.contrib import admin

from .models import LegalReference, Policy, PolicyVersion, PolicyVersionEvent, RelatedPolicy, Section


class RelatedPolicyInline(admin.TabularInline):
    model = RelatedPolicy
    extra = 0


class LegalReferenceInline(admin.TabularInline):
    model = LegalReference
    extra = 0


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("number", "title_fr", "issuing_direction", "recipients")
    search_fields = ("number", "title_fr", "title_en")
    inlines = [RelatedPolicyInline, LegalReferenceInline]


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ("order", "number", "title", "level", "is_annex", "body")

    def _editable(self, obj) -> bool:
        return obj is None or obj.status == PolicyVersion.Status.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class EventInline(admin.TabularInline):
    model = PolicyVersionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "action", "actor", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("policy", "label", "status", "approved_on", "resolution_number", "effective_on")
    list_filter = ("status",)
    search_fields = ("policy__number", "label", "resolution_number")
    list_select_related = ("policy",)
    # The status moves only through the services (approval, putting in force), never by hand.
    readonly_fields = ("status", "created_at", "updated_at")
    inlines = [SectionInline, EventInline]

    def has_change_permission(self, request, obj=None):
        # A version adopted by the board is a record: its text and dates no longer change.
        if obj is not None and obj.status != PolicyVersion.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != PolicyVersion.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)
