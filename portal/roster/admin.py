"""Admin of the roster: official accounts are edited; designations are read-only (services change them).

Nothing here is ever deleted: history is kept (§7.3).
"""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class StatusLabelsMixin:
    """The statuses of an event row by their names, as the designation's page shows them."""

    @admin.display(description=_("statut avant"))
    def status_before(self, obj: DesignationEvent) -> str:
        return obj.from_status_label

    @admin.display(description=_("statut après"))
    def status_after(self, obj: DesignationEvent) -> str:
        return obj.to_status_label


class DesignationEventInline(StatusLabelsMixin, admin.TabularInline):
    model = DesignationEvent
    fields = ("created_at", "action", "actor", "status_before", "status_after", "note")
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
class DesignationEventAdmin(StatusLabelsMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ("designation", "action", "actor", "status_before", "status_after", "created_at")
    list_filter = ("action",)
    list_select_related = ("designation", "actor")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
