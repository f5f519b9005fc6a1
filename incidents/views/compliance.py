"""DCAI records why an incident is not a confidentiality incident (Quebec privacy law; §7.3;
incidents.services.compliance). Everyone else gets 404, like the register itself."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.actions import attempt

from ..selectors import get_incident_for, may_keep_register
from ..services.compliance import register_decision_record


class RegisterDecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Pourquoi ce n'est pas un incident de confidentialité"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Motif obligatoire, conservé dans l'historique de l'incident."),
    )


@require_POST
def register_decision(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_keep_register(request.user):
        raise Http404
    incident = get_incident_for(request.user, pk)
    form = RegisterDecisionForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: register_decision_record(incident=incident, actor=request.user, reason=form.cleaned_data["reason"]),
            success=_("La décision est consignée : ce n'est pas un incident de confidentialité."),
        )
    else:
        messages.error(request, _("Expliquez pourquoi ce n'est pas un incident de confidentialité."))
    return redirect(incident.get_absolute_url() + "#h-register")
