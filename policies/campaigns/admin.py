"""Admin of campaigns: read-only. Campaigns are run from the portal pages; acknowledgements are
never edited or deleted by anyone (§7.5: the record of who confirmed which text)."""

from django.contrib import admin

from policies.models import Acknowledgement

from .models import AcknowledgementRequest, Campaign, CampaignEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CampaignEventInline(admin.TabularInline):
    model = CampaignEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "action", "actor", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "version", "audience", "status", "due_on", "launch_total")
    list_filter = ("status", "audience", "is_continuous")
    search_fields = ("title",)
    inlines = [CampaignEventInline]


@admin.register(AcknowledgementRequest)
class AcknowledgementRequestAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "profile", "due_on", "notified_at", "satisfied_at")
    list_filter = ("campaign",)
    search_fields = ("profile__employee_number", "profile__user__last_name")
    list_select_related = ("campaign", "profile__user")
    raw_id_fields = ("profile", "acknowledgement")


class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ("user", "version", "acknowledged_at", "text_hash")
    list_filter = ("version",)
    search_fields = ("user__username", "user__last_name", "text_hash")
    list_select_related = ("user", "version__policy")
    date_hierarchy = "acknowledged_at"


if not admin.site.is_registered(Acknowledgement):
    admin.site.register(Acknowledgement, AcknowledgementAdmin)
