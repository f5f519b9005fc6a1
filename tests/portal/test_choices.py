"""`get_FOO_display` read from a table per field and language (portal.choices) answers what Django's own
method answers, in each language, and the value itself when it is not a choice."""

import pytest
from django.db.models import Model
from django.utils import translation

from incidents.models import Incident
from portal.roster.models import Designation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("model", "name"),
    [(Incident, "category"), (Incident, "platform"), (Incident, "level"), (Designation, "status")],
)
def test_the_same_labels_as_django_in_each_language(model, name, language):
    field = model._meta.get_field(name)
    with translation.override(language):
        for value, _label in field.flatchoices:
            row = model(**{name: value})
            assert row._get_FIELD_display(field) == Model._get_FIELD_display(row, field)
        assert model(**{name: "inconnu"})._get_FIELD_display(field) == "inconnu"


def test_the_label_follows_the_active_language():
    incident = Incident(level=Incident.Level.CLOSED)
    with translation.override("fr"):
        french = incident.get_level_display()
    with translation.override("en"):
        english = incident.get_level_display()
    assert (french, english) == ("Fermé", "Closed")
