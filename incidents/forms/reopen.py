"""The form of "reopen a closed incident" (DCAI, §7.3): a reason, long enough to explain the decision."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..services.reopen import REOPEN_REASON_MIN_LENGTH, reopen_reason_error


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "minlength": REOPEN_REASON_MIN_LENGTH}),
        help_text=_("Consigné dans l'historique ; le déclarant ne le lit pas."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        error = reopen_reason_error(reason)
        if error:
            raise ValidationError(error)
        return reason.strip()
