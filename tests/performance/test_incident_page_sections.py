"""The incident page reads with the incident whether each of its lists has rows
(incidents.selectors.page.SECTIONS_PRESENT): an empty list costs no query, a filled one shows every row,
and what was added between two requests shows at the next one (nothing kept between requests)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents import services
from incidents.evidence import clean_upload
from incidents.models import Incident, Measure, Takedown
from tests.incidents.factories import build_incidents, declare, png_bytes, upload

# The lists a DCAI officer reads on the page: messages, notes, measures, takedowns, shares.
FILLED_LISTS = 5


def _page(client, url) -> tuple[int, str]:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _fill_lists(org, incident, actor, *, dcai: bool) -> None:
    """A question, a note and a measure; for DCAI also a takedown and a share with harry."""
    services.incident_request_information(incident=incident, actor=actor, question="Quel compte a publié ?")
    services.incident_add_note(incident=incident, actor=actor, body="Note interne.")
    services.incident_record_measure(
        incident=incident,
        actor=actor,
        kind=Measure.Kind.values[0],
        decided_by="Direction",
        decided_on=date.today(),
        description="Rencontre avec l'employé.",
    )
    if dcai:  # takedowns and shares are DCAI's
        services.incident_record_takedown(
            incident=incident,
            actor=actor,
            requested_to=Takedown.RequestedTo.values[0],
            requested_at=timezone.now(),
            details="Formulaire de la plateforme",
        )
        services.incident_share(incident=incident, actor=actor, user=org.user("harry"))


def test_each_list_costs_a_query_only_when_it_has_rows_and_shows_them(org, login):
    incident = build_incidents(1, declarer=org.user("alice"), level=Incident.Level.DCAI)[0]
    client = login(org.user("diane"))
    url = incident.get_absolute_url()
    empty, html = _page(client, url)
    assert "Aucune note." in html and "Aucune mesure consignée." in html and "Aucun échange." in html

    _fill_lists(org, incident, org.user("diane"), dcai=True)
    filled, html = _page(client, url)
    for text in ("Quel compte a publié ?", "Note interne.", "Rencontre avec l", "Formulaire de la plateforme"):
        assert text in html
    assert org.user("harry").get_full_name() in html
    assert filled == empty + FILLED_LISTS


@pytest.mark.parametrize("who", ["bob", "diane"])
def test_with_every_list_filled_the_page_stays_within_twelve_queries(org, login, who):
    """The worst case of the page: every list it shows to the handler (bob at manager level) or to DCAI has
    rows, a screenshot included."""
    incident = declare(org.user("alice"), evidence=[clean_upload(upload("capture.png", png_bytes(), "image/png"))])
    if who == "diane":
        Incident.objects.filter(pk=incident.pk).update(level=Incident.Level.DCAI)
        incident.refresh_from_db()
    _fill_lists(org, incident, org.user(who), dcai=who == "diane")
    queries, html = _page(login(org.user(who)), incident.get_absolute_url())
    for text in ("Quel compte a publié ?", "Note interne.", "Rencontre avec l", "capture.png"):
        assert text in html
    assert queries <= 12
