from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import config, throttle
from .backends import REFUSAL_ATTR
from .models import SignInEvent
from .receivers import IDENTIFIER_ATTR
from .services import sign_in_event_record

Kind, Method, Reason = SignInEvent.Kind, SignInEvent.Method, SignInEvent.Reason


class SignInForm(AuthenticationForm):
    """The password form: the hospital's directory (LDAP) and portal passwords, with the limits of
    portal.accounts.throttle checked before any password is."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Identifiant ou mot de passe incorrect. Vérifiez-les et réessayez."),
        "directory_unavailable": _(
            "L'annuaire de l'établissement ne répond pas. Réessayez dans quelques minutes."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Nom d'utilisateur ou matricule")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.throttled_seconds = 0

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if username and password and self.request is not None:
            setattr(self.request, IDENTIFIER_ATTR, username[:150])
            reason, seconds = throttle.password_attempt_refusal(self.request, username)
            if reason:
                self.throttled_seconds = seconds
                sign_in_event_record(
                    request=self.request, kind=Kind.REFUSAL, method=Method.PASSWORD, reason=reason,
                    identifier=username,
                )
                raise ValidationError(self._throttle_message(reason, seconds), code=reason)
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, REFUSAL_ATTR, "") == Reason.DIRECTORY_UNAVAILABLE:
                raise ValidationError(
                    self.error_messages["directory_unavailable"], code="directory_unavailable"
                ) from None
            raise

    @staticmethod
    def _throttle_message(reason: str, seconds: int) -> str:
        if reason == Reason.TOO_SOON:
            return ngettext(
                "Par sécurité, attendez %(n)d seconde avant de réessayer.",
                "Par sécurité, attendez %(n)d secondes avant de réessayer.",
                seconds,
            ) % {"n": seconds}
        return _(
            "Trop de tentatives de connexion échouent en ce moment sur le portail. Par sécurité, "
            "réessayez dans quelques minutes ou utilisez le compte de l'établissement."
        )


class PortalPasswordResetForm(PasswordResetForm):
    """Only the accounts allowed a portal password receive a reset link (AUTH_LOCAL_LOGIN)."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if config.local_login_allowed(user))


class SignInLogFilterForm(forms.Form):
    who = forms.CharField(
        label=_("Personne"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("nom d'utilisateur, nom ou courriel")}),
    )
    kind = forms.ChoiceField(label=_("Événement"), required=False, choices=[("", _("Tous"))] + Kind.choices)
    method = forms.ChoiceField(label=_("Méthode"), required=False, choices=[("", _("Toutes"))] + Method.choices)
    client_ip = forms.GenericIPAddressField(label=_("Adresse du poste"), required=False)
    day_from = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    day_to = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            choice = isinstance(field, forms.ChoiceField)
            field.widget.attrs["class"] = "form-select form-select-sm" if choice else "form-control form-control-sm"

    def filters(self) -> dict:
        """The valid filters; an invalid one is left out (the page says so)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
