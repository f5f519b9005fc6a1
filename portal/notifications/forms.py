from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


class PreferenceForm(forms.Form):
    reminders = forms.ChoiceField(
        label=_("Comment recevoir les rappels par courriel ?"),
        choices=NotificationPreference.Reminders.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Les avis urgents (par exemple des renseignements de patients exposés) sont toujours envoyés "
            "sur-le-champ. Toutes vos notifications restent visibles dans le portail."
        ),
    )
