"""The losing side of a concurrent action sees the incident page with what happened, never a bare 403
(docs/rules.md); someone who may not act at all still gets 403."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from incidents.models import Event, Incident
from incidents.services import incident_take_in_charge

from .factories import declare


def _seen(incident: Incident) -> str:
    incident.refresh_from_db()
    return f"{int(incident.updated_at.timestamp())}.{incident.updated_at.microsecond:06d}"


@pytest.fixture
def at_dcai(org):
    return declare(org.user("alice"), route_choice="dcai", route_reason="Publication virale")


def _texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_page_shows_a_stale_form_as_overtaken(org, login, at_dcai):
    page = login(org.user("dora")).get(at_dcai.get_absolute_url()).content.decode()
    assert 'name="seen"' in page
    seen = _seen(at_dcai)
    incident_take_in_charge(incident=at_dcai, actor=org.user("diane"))  # diane was quicker
    client = login(org.user("dora"))
    response = client.post(reverse("incidents:take_in_charge", args=[at_dcai.pk]), {"seen": seen})
    assert response.status_code == 302 and response["Location"] == at_dcai.get_absolute_url()
    assert any("vient d'être pris en charge par une autre personne" in text for text in _texts(response))
    assert Event.objects.filter(incident=at_dcai, kind=Event.Kind.TAKEN_IN_CHARGE).count() == 1


def test_someone_who_may_not_act_still_gets_403(org, login, at_dcai):
    # alice declared it: she never takes it in charge, whatever her page says.
    response = login(org.user("alice")).post(
        reverse("incidents:take_in_charge", args=[at_dcai.pk]), {"seen": _seen(at_dcai)}
    )
    assert response.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_one_wins_the_other_is_told(org):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="Publication virale")
    url = reverse("incidents:take_in_charge", args=[incident.pk])
    seen = _seen(incident)  # both pages were opened before either click
    barrier = threading.Barrier(2)
    answers: dict[str, tuple[int, str, list[str]]] = {}

    def act(name: str) -> None:
        client = Client()
        client.force_login(org.user(name), backend="portal.accounts.backends.PortalPasswordBackend")
        try:
            barrier.wait()
            response = client.post(url, {"seen": seen})
            answers[name] = (response.status_code, response.get("Location", ""), _texts(response))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=act, args=(name,)) for name in ("diane", "dora")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert Event.objects.filter(incident=incident, kind=Event.Kind.TAKEN_IN_CHARGE).count() == 1
    winner = Incident.objects.get(pk=incident.pk).taken_in_charge_by.username
    loser = "dora" if winner == "diane" else "diane"
    assert answers[winner][:2] == (302, incident.get_absolute_url())
    assert any("Vous avez pris l'incident en charge" in t for t in answers[winner][2])
    status, location, texts = answers[loser]
    assert (status, location) == (302, incident.get_absolute_url())
    assert any("vient d'être pris en charge par une autre personne" in t for t in texts), texts
