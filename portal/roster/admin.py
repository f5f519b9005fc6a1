"""Admin of the roster: official accounts are edited; designations are read-only (services change them).

Nothing here is ever deleted: history is kept (§7.3).
"""

from django.contrib import admin
from django.db import models

from .models import Designation, DesignationEvent, OfficialAccount


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(OfficialAccount)
class OfficialAccountAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("handle", "platform", "direction", "is_active")
    list_filter = ("platform", "is_active", "direction")
    search_fields = ("handle", "url")
    list_select_related = ("direction",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class DesignationEventInline(admin.TabularInline):
    model = DesignationEvent
    fields = ("at", "action", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Designation)
class DesignationAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("reference", "profile", "direction", "role", "start_date", "end_date", "status")
    list_filter = ("status", "role", "direction")
    search_fields = ("profile__employee_number", "profile__user__last_name", "profile__user__first_name")
    list_select_related = ("profile__user", "direction")
    inlines = [DesignationEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DesignationEvent)
class DesignationEventAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("designation", "action", "actor", "from_status", "to_status", "at")
    list_filter = ("action",)
    list_select_related = ("designation", "actor")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
