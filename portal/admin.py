from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from .models import Direction, StaffProfile


@admin.register(Direction)
class DirectionAdmin(GuardedModelAdmin):
    """Delegates are granted on the direction through the object-permissions page."""

    list_display = ("code", "name_fr", "name_en", "role", "head")
    list_filter = ("role",)
    search_fields = ("code", "name_fr", "name_en")
    autocomplete_fields = ("head",)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("employee_number", "full_name", "direction", "manager", "category", "is_active")
    list_filter = ("is_active", "category", "direction")
    search_fields = ("employee_number", "user__first_name", "user__last_name", "user__email")
    autocomplete_fields = ("user", "manager")
    list_select_related = ("user", "direction", "manager__user")

    @admin.display(description=_("nom"))
    def full_name(self, obj: StaffProfile) -> str:
        return obj.full_name
