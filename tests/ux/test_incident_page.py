"""The incident page as people read it: the history, the headings, one red banner, actions first."""

import re

import pytest
from django.urls import reverse

from incidents import services
from incidents.evidence import clean_uploads
from tests.incidents.factories import declare, exe_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def _history(html: str) -> str:
    return html.split('id="h-timeline"', 1)[1].split("</section>", 1)[0]


def test_history_names_a_closure_once_and_counts_the_files_added(org, login):
    incident = declare(org.user("alice"))
    services.incident_take_in_charge(incident=incident, actor=org.user("bob"))
    services.incident_request_information(incident=incident, actor=org.user("bob"), question="Une capture ?")
    services.incident_answer_information(
        incident=incident,
        actor=org.user("alice"),
        answer="La voici",
        evidence=clean_uploads([upload("capture.png", png_bytes())]),
    )
    services.incident_close(incident=incident, actor=org.user("bob"), outcome="unfounded", reason="Rien")
    for name in ("alice", "bob"):
        history = _history(login(org.user(name)).get(incident.get_absolute_url()).content.decode())
        assert "Fermé" in history and not re.search(r"Fermé\s*→\s*Fermé", history)
        assert "1 fichier joint" in history
        # No bare number under "Preuve ajoutée".
        assert not re.search(r'<div class="small">\s*1\s*</div>', history)


def test_the_declarer_reads_their_own_heading(org, login):
    incident = declare(org.user("alice"))
    services.incident_request_information(incident=incident, actor=org.user("bob"), question="Où ?")
    mine = login(org.user("alice")).get(incident.get_absolute_url()).content.decode()
    assert "Questions reçues et vos réponses" in mine and "Échanges avec le déclarant" not in mine
    theirs = login(org.user("bob")).get(incident.get_absolute_url()).content.decode()
    assert "Échanges avec le déclarant" in theirs


def test_next_actions_come_before_the_history_on_a_phone(org, login):
    incident = declare(org.user("alice"))
    html = login(org.user("bob")).get(incident.get_absolute_url()).content.decode()
    # Source order is the phone's order (one column); the wide layout moves the actions to the right.
    assert html.index('id="h-actions"') < html.index('id="h-summary"') < html.index('id="h-timeline"')
    assert "col-lg-5 order-lg-last" in html


def test_a_refused_file_shows_one_red_banner(org, login):
    data = {
        "description": "Un texte bien précis à conserver",
        "platform": "instagram",
        "links": "https://instagram.example/p/1",
        "seen_at": "2026-01-05T10:00",
        "category": "reputation",
        "still_online": "yes",
        "concerned_kind": "institution",
        "route_choice": "normal",
        "evidence": [upload("capture.png", exe_bytes())],
    }
    response = login(org.user("alice")).post(reverse("incidents:declare"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("alert-danger") == 1
    assert "joignez de nouveau vos preuves" in html


def test_a_refused_action_shows_one_red_banner(org, login):
    incident = declare(org.user("alice"))
    client = login(org.user("bob"))
    response = client.post(reverse("incidents:close", args=[incident.pk]), {"outcome": "unfounded", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count('class="alert alert-danger') + html.count("alert-block alert-danger") == 1
