"""Sharing an incident says with whom it was shared; a refused share says why and shares nothing."""

from django.contrib.messages import get_messages
from django.urls import reverse

from incidents.models import Event
from tests.incidents.factories import declare


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_success_message_names_the_person_the_incident_is_shared_with(org, login):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    oscar = org.user("oscar")
    diane = login(org.user("diane"))
    response = diane.post(reverse("incidents:share", args=[incident.pk]), {"person": oscar.username})
    assert response.status_code == 302
    assert _messages(response) == [f"L'incident est partagé avec {oscar.get_full_name()}."]
    assert oscar.get_full_name()  # the name, not "this person"
    assert login(oscar).get(incident.get_absolute_url()).status_code == 200  # really shared


def test_an_unknown_person_is_refused_with_a_message_and_nothing_is_shared(org, login):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    diane = login(org.user("diane"))
    response = diane.post(reverse("incidents:share", args=[incident.pk]), {"person": "personne-inconnue"})
    assert "Aucun compte actif ne correspond à « personne-inconnue »." in response.content.decode()
    assert not any("partagé avec" in m for m in _messages(response))
    assert not Event.objects.filter(incident=incident, kind=Event.Kind.SHARED).exists()
