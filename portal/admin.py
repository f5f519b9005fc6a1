"""Admin of the organisation, for administrators and for HR and DCAI staff with model permissions.

HR (group "Ressources humaines") views and changes staff profiles; DCAI (group "DCAI") manages
directions and their delegates. The groups and their permissions are kept in portal.groups.STAFF_GROUPS.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from guardian.admin import AdminUserObjectPermissionsForm, GuardedModelAdmin

from . import services
from .models import Direction, StaffProfile
from .orgimport.wide_access import reactivation_needs_administrator
from .permissions import direction_delegate_add, direction_delegate_remove
from .roles import DELEGATE_PERMISSION


def _self_grant_refused(actor, user) -> bool:
    """A staff member who is not an administrator never widens their own access through the admin."""
    return actor is not None and not actor.is_superuser and user is not None and actor.pk == user.pk


class DelegateForm(AdminUserObjectPermissionsForm):
    """Object permissions of a direction, narrowed to the one that makes a delegate (§7.4)."""

    actor = None  # the person using the admin (set per request by DirectionAdmin)

    def get_obj_perms_field_choices(self):
        return [(DELEGATE_PERMISSION, _("Délégué de la direction"))]

    def get_obj_perms_field_label(self):
        return _("Délégation")

    def clean(self):
        cleaned = super().clean()
        chosen = DELEGATE_PERMISSION in cleaned.get(self.get_obj_perms_field_name(), [])
        if chosen and not StaffProfile.objects.filter(user=self.user, is_active=True).exists():
            raise forms.ValidationError(_("Seul un intervenant actif peut être délégué d'une direction."))
        if chosen and _self_grant_refused(self.actor, self.user):
            raise forms.ValidationError(_("Vous ne pouvez pas vous désigner vous-même délégué d'une direction."))
        return cleaned

    def save_obj_perms(self):
        # Through portal.permissions, the one door to django-guardian.
        chosen = DELEGATE_PERMISSION in self.cleaned_data[self.get_obj_perms_field_name()]
        already = DELEGATE_PERMISSION in set(self.get_obj_perms_field_initial())
        if chosen and not already:
            direction_delegate_add(user=self.user, direction=self.obj)
        elif already and not chosen:
            direction_delegate_remove(user=self.user, direction=self.obj)


class DirectionForm(forms.ModelForm):
    actor = None  # the person using the admin (set per request by DirectionAdmin)

    class Meta:
        model = Direction
        fields = ["code", "name_fr", "name_en", "role", "head"]

    def clean_head(self):
        head = self.cleaned_data.get("head")
        if head is not None and head.pk != self.instance.head_id and _self_grant_refused(self.actor, head):
            raise forms.ValidationError(_("Vous ne pouvez pas vous nommer vous-même à la tête d'une direction."))
        return head


@admin.register(Direction)
class DirectionAdmin(GuardedModelAdmin):
    """Delegates are granted on the direction through its "Object permissions" page."""

    form = DirectionForm

    list_display = ("code", "name_fr", "name_en", "role", "head")
    list_filter = ("role",)
    search_fields = ("code", "name_fr", "name_en")
    autocomplete_fields = ("head",)
    list_select_related = ("head",)

    def get_readonly_fields(self, request, obj=None):
        # The code is the key of the HR import and the role decides who is HR or DCAI:
        # only an administrator changes them once the direction exists.
        if obj is not None and not request.user.is_superuser:
            return ("code", "role")
        return ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        return type("DirectionForm", (super().get_form(request, obj, change, **kwargs),), {"actor": request.user})

    def get_obj_perms_manage_user_form(self, request):
        return type("DelegateForm", (DelegateForm,), {"actor": request.user})

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        # Roles follow from per-person grants only; a group grant would make nobody a delegate.
        messages.warning(request, _("Les délégués d'une direction sont désignés individuellement."))
        name = (
            f"{self.admin_site.name}:{self.model._meta.app_label}_{self.model._meta.model_name}_permissions"
        )
        return redirect(reverse(name, args=[object_pk]))


class StaffProfileForm(forms.ModelForm):
    actor = None  # the person using the admin (set per request by StaffProfileAdmin)

    class Meta:
        model = StaffProfile
        fields = [
            "user",
            "employee_number",
            "direction",
            "manager",
            "category",
            "language",
            "is_active",
            "start_date",
        ]

    def clean_direction(self):
        direction = self.cleaned_data.get("direction")
        before = self.instance.direction if self.instance.pk else None
        if direction is None or direction == before or (self.actor is not None and self.actor.is_superuser):
            return direction
        # Membership of HR or DCAI confers wide access (every acknowledgement, every incident):
        # only an administrator moves someone into or out of those directions.
        conferring = {Direction.Role.HUMAN_RESOURCES, Direction.Role.COMMUNICATIONS}
        if direction.role in conferring or (before is not None and before.role in conferring):
            raise forms.ValidationError(
                _("Seul un administrateur peut affecter une personne à la DRH ou à la DCAI, ou l'en retirer.")
            )
        return direction

    def clean(self):
        cleaned = super().clean()
        returning = self.instance.pk and not self.initial.get("is_active", True) and cleaned.get("is_active")
        direction = cleaned.get("direction")
        if returning and direction is not None and not (self.actor is not None and self.actor.is_superuser):
            if reactivation_needs_administrator(user_id=self.instance.user_id, direction_role=direction.role):
                self.add_error(
                    "is_active",
                    _(
                        "Seul un administrateur peut réactiver une personne qui retrouverait l'accès de la DRH "
                        "ou de la DCAI (comme membre, directeur ou délégué)."
                    ),
                )
        return cleaned

    def clean_manager(self):
        manager = self.cleaned_data.get("manager")
        if manager is None:
            return manager
        if not manager.is_active:
            raise forms.ValidationError(_("Ce gestionnaire n'est plus actif."))
        if manager.pk != self.instance.manager_id and _self_grant_refused(self.actor, manager.user):
            # A manager sees their team's declarations (§7.6): nobody makes themselves one here.
            raise forms.ValidationError(_("Vous ne pouvez pas vous nommer vous-même gestionnaire."))
        if self.instance.pk:
            # Walk up from the chosen manager: reaching this profile would close a cycle.
            seen = set()
            current = manager
            while current is not None and current.pk not in seen:
                if current.pk == self.instance.pk:
                    raise forms.ValidationError(
                        _("Ce choix crée un cycle : cet intervenant est déjà au-dessus de ce gestionnaire.")
                    )
                seen.add(current.pk)
                current = current.manager
        return manager


def _set_login(profile_ids: list[int], active: bool) -> None:
    """As the HR import: staff who leave cannot sign in; superusers keep their login."""
    users = get_user_model().objects.filter(profile__pk__in=profile_ids, is_superuser=False)
    users.exclude(is_active=active).update(is_active=active)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    form = StaffProfileForm
    list_display = ("employee_number", "full_name", "email", "direction", "manager", "category", "is_active")
    list_filter = ("is_active", "category", "direction")
    search_fields = ("employee_number", "user__first_name", "user__last_name", "user__email")
    autocomplete_fields = ("user", "manager")
    list_select_related = ("user", "direction", "manager__user")
    list_per_page = 50
    actions = ["deactivate_selected"]

    @admin.display(description=_("nom"), ordering="user__last_name")
    def full_name(self, obj: StaffProfile) -> str:
        return obj.full_name

    @admin.display(description=_("courriel"), ordering="user__email")
    def email(self, obj: StaffProfile) -> str:
        return obj.user.email

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        return type("StaffProfileForm", (super().get_form(request, obj, change, **kwargs),), {"actor": request.user})

    def has_change_permission(self, request, obj=None):
        # One's own direction and manager decide one's roles (HR, DCAI, manager): only an administrator
        # changes them for oneself.
        if obj is not None and _self_grant_refused(request.user, obj.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _self_grant_refused(request.user, obj.user):
            return False
        return super().has_delete_permission(request, obj)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path == reverse("admin:autocomplete") and request.GET.get("field_name") == "manager":
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates

    def save_model(self, request, obj, form, change):
        was_active = form.initial.get("is_active", True) if change else None
        super().save_model(request, obj, form, change)
        pk = obj.pk
        if not change or (not was_active and obj.is_active):
            # New or returning staff: the same hooks as the HR import (§7.5).
            if change:
                _set_login([pk], True)
            transaction.on_commit(lambda: services.staff_after_create(profile_ids=[pk]))
        elif was_active and not obj.is_active:
            _set_login([pk], False)
            transaction.on_commit(lambda: services.staff_after_deactivate(profile_ids=[pk]))

    @admin.action(description=_("Désactiver les intervenants sélectionnés"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        with transaction.atomic():
            ids = list(queryset.filter(is_active=True).values_list("pk", flat=True))
            StaffProfile.objects.filter(pk__in=ids).update(is_active=False)
            _set_login(ids, False)
            if ids:
                transaction.on_commit(lambda: services.staff_after_deactivate(profile_ids=ids))
        self.message_user(
            request,
            ngettext("%(n)d intervenant désactivé.", "%(n)d intervenants désactivés.", len(ids))
            % {"n": len(ids)},
        )
