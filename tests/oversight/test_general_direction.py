"""The general direction (§7.2) sees to the application of the policy: its head and delegates read the
institution's figures, never an incident's content; forged ids give 404."""

import html

import pytest
from django.urls import reverse

from incidents.models import Incident
from portal.permissions import direction_delegate_add
from portal.roles import roles_for
from tests.factories import make_staff
from tests.incidents.factories import declare

pytestmark = pytest.mark.django_db


def test_head_and_delegates_of_the_general_direction_only(org, gina):
    assert roles_for(gina).is_general_direction_lead
    delegate = make_staff("gaston", org.tech).user
    direction_delegate_add(user=delegate, direction=org.general)
    assert roles_for(delegate).is_general_direction_lead
    staff = make_staff("gilles", org.general).user  # works in the general direction, leads nothing
    for user in (staff, org.user("carol"), org.user("harry"), org.user("diane")):
        assert not roles_for(user).is_general_direction_lead


def test_counts_on_the_home_page_never_the_content(org, login, gina):
    incident = declare(
        org.user("alice"),
        description="Publication identifiant une usagère de l'urgence.",
        category=Incident.Category.PATIENT_INFO,
        patient_info_exposed=True,
    )
    client = login(gina)
    home = html.unescape(client.get(reverse("home")).content.decode())
    assert "Indicateurs de l'établissement" in home
    assert reverse("incidents:statistics") in home
    assert incident.reference not in home and "usagère" not in home
    statistics = client.get(reverse("incidents:statistics")).content.decode()
    assert incident.reference not in statistics and "usagère" not in statistics


def test_forged_and_real_incident_ids_give_404(org, login, gina):
    incident = declare(org.user("alice"))
    client = login(gina)
    for pk in (incident.pk, 987654):
        assert client.get(reverse("incidents:detail", args=[pk])).status_code == 404
        assert client.get(reverse("incidents:access_log", args=[pk])).status_code == 404
    assert client.get(reverse("incidents:search"), {"q": incident.reference}).status_code == 404


def test_navigation_offers_the_statistics_and_reports(org, login, gina):
    page = login(gina).get(reverse("home")).content.decode()
    assert reverse("incidents:statistics") in page and reverse("incidents:board_reports") in page
    assert reverse("incidents:search") not in page
    dcai = login(org.user("diane")).get(reverse("home")).content.decode()
    assert reverse("incidents:search") in dcai and reverse("incidents:statistics") in dcai
    alice = login(org.user("alice")).get(reverse("home")).content.decode()
    assert reverse("incidents:statistics") not in alice and reverse("incidents:board_reports") not in alice
