from django.contrib import admin, messages
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Notification, NotificationPreference
from .services import notifications_retry


class DeliveryFilter(admin.SimpleListFilter):
    title = _("livraison du courriel")
    parameter_name = "livraison"

    def lookups(self, request, model_admin):
        return [
            ("failed", _("Échecs de livraison")),
            ("retrying", _("En attente d'une nouvelle tentative")),
            ("waiting", _("Non envoyées")),
        ]

    def queryset(self, request, queryset):
        status = Notification.EmailStatus
        if self.value() == "failed":
            return queryset.filter(email_status=status.FAILED)
        if self.value() == "retrying":
            return queryset.filter(email_status=status.PENDING, attempts__gt=0)
        if self.value() == "waiting":
            return queryset.filter(Q(email_status__in=[status.PENDING, status.SENDING, status.DIGEST]))
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "recipient",
        "reference",
        "email_status",
        "attempts",
        "created_at",
        "sent_at",
        "short_error",
    ]
    list_filter = [DeliveryFilter, "email_status", "urgent", "digest", "kind"]
    search_fields = ["reference", "recipient__username", "recipient__email", "kind"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["retry_delivery"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "id"]
    show_full_result_count = False

    @admin.display(description=_("dernière erreur"))
    def short_error(self, obj: Notification) -> str:
        return Truncator(obj.last_error).chars(120)

    @admin.action(description=_("Relancer l'envoi des courriels en échec"), permissions=["change"])
    def retry_delivery(self, request, queryset):
        count = notifications_retry(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(n)s notification remise en envoi.", "%(n)s notifications remises en envoi.", count)
            % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def has_add_permission(self, request):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "reminders", "updated_at"]
    list_filter = ["reminders"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
