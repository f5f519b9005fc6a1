"""Read-only admin views: requests and consents change only through their services."""

from django.contrib import admin

from .models import AuthorisationRequest, Consent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuthorisationRequest)
class AuthorisationRequestAdmin(ReadOnlyAdmin):
    list_display = ("reference", "status", "direction", "created_at", "decided_at")
    list_filter = ("status", "decided_as")
    search_fields = ("reference",)
    fields = ("reference", "status", "direction", "created_at", "decided_as", "decided_at", "valid_until")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "person_kind", "status", "valid_from", "valid_until")
    list_filter = ("status", "person_kind")
    fields = ("person_kind", "status", "valid_from", "valid_until", "withdrawn_on", "withdrawal_channel")

