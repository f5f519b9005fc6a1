from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import PersonalDataRequest

# An HTML date picker needs ISO dates to show its initial value.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonSearchForm(forms.Form):
    matricule = forms.CharField(label=_("Matricule de la personne"), max_length=20)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de demande"), choices=PersonalDataRequest.Kind.choices)
    received_on = forms.DateField(label=_("Reçue le"), widget=DATE)
    details = forms.CharField(label=_("Objet de la demande"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class AnswerForm(forms.Form):
    answered_on = forms.DateField(label=_("Répondue le"), widget=DATE)
    answer = forms.CharField(label=_("Réponse donnée"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
