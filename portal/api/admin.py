"""Admin of the API, for administrators only: service accounts, their tokens (shown once), the audit.

A token is created on its own page, shown once on the next page, and never again: only its hash is
kept. Tokens and accounts are never deleted (the audit points at them): a token is revoked, an
account deactivated.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import ApiCall, ApiToken, ServiceAccount
from .scopes import scope_choices

DEFAULT_TOKEN_DAYS = 90


class AdministratorsOnly:
    """Only an administrator (superuser) sees or changes anything of the API."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("key_id", "label", "scopes", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ServiceAccount)
class ServiceAccountAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ("name", "is_active", "contact_email", "created_at", "new_token_link")
    list_filter = ("is_active",)
    search_fields = ("name", "description", "contact_email")
    fields = ("name", "description", "contact_email", "is_active", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")
    inlines = [TokenInline]

    @admin.display(description=_("Jeton"))
    def new_token_link(self, obj: ServiceAccount):
        url = reverse("admin:api_apitoken_add") + f"?account={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Créer un jeton"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class TokenCreateForm(forms.Form):
    account = forms.ModelChoiceField(
        label=_("Compte de service"), queryset=ServiceAccount.objects.filter(is_active=True)
    )
    label = forms.CharField(label=_("Libellé"), max_length=100, required=False)
    scopes = forms.MultipleChoiceField(
        label=_("Portées"), choices=scope_choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("Expire le"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Au plus un an ; le jeton cesse de fonctionner ce jour-là à minuit."),
    )

    def expires_at(self) -> datetime.datetime:
        day = self.cleaned_data["expires_on"]
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


@admin.register(ApiToken)
class ApiTokenAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ("key_id", "account", "label", "scope_list", "expires_at", "state", "last_used_at")
    list_filter = ("account", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("key_id", "label", "account__name")
    fields = (
        "account",
        "label",
        "key_id",
        "scopes",
        "expires_at",
        "created_by",
        "created_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    )
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=_("Portées"))
    def scope_list(self, obj: ApiToken) -> str:
        return ", ".join(obj.scopes or [])

    @admin.display(description=_("État"))
    def state(self, obj: ApiToken) -> str:
        if obj.is_revoked:
            return str(_("Révoqué"))
        if obj.is_expired():
            return str(_("Expiré"))
        return str(_("Actif"))

    @admin.action(description=_("Révoquer les jetons choisis"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset:
            if token.revoked_at is None:
                services.token_revoke(actor=request.user, token=token)
                count += 1
        self.message_user(
            request,
            ngettext("%(n)s jeton révoqué.", "%(n)s jetons révoqués.", count) % {"n": count},
            messages.SUCCESS,
        )

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {
            "account": request.GET.get("account"),
            "expires_on": timezone.localdate() + datetime.timedelta(days=DEFAULT_TOKEN_DAYS),
        }
        form = TokenCreateForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                new = services.token_create(
                    actor=request.user,
                    account=form.cleaned_data["account"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.expires_at(),
                    label=form.cleaned_data["label"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_addition(request, new.token, [{"added": {}}])
                response = TemplateResponse(
                    request,
                    "admin/api/token_created.html",
                    {
                        **self.admin_site.each_context(request),
                        "opts": self.model._meta,
                        "title": _("Jeton créé"),
                        "token": new.token,
                        "secret": new.secret,
                    },
                )
                # The secret is on this page only: never kept by a cache or the browser's history.
                response["Cache-Control"] = "no-store"
                return response
        return TemplateResponse(
            request,
            "admin/api/token_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Nouveau jeton d'API"),
                "form": form,
                "has_view_permission": True,
            },
        )


@admin.register(ApiCall)
class ApiCallAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ("at", "account", "token_key", "scope", "method", "endpoint", "status", "client_ip", "duration_ms")
    list_filter = ("status", "scope", "method", "account")
    search_fields = ("endpoint", "presented_key_id", "token__key_id", "client_ip")
    date_hierarchy = "at"
    list_select_related = ("account", "token")
    readonly_fields = [f.name for f in ApiCall._meta.fields]

    @admin.display(description=_("Jeton"))
    def token_key(self, obj: ApiCall) -> str:
        return obj.token.key_id if obj.token else obj.presented_key_id

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
