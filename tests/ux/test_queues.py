"""Queues: sort by column, a platform column and filter, directions offered only if the queue holds them."""

import re

import pytest
from django.urls import reverse

from incidents.models import Incident
from tests.incidents.factories import declare

pytestmark = pytest.mark.django_db


def test_sort_platform_and_relevant_directions(org, login):
    first = declare(org.user("alice"), platform=Incident.Platform.FACEBOOK)
    second = declare(org.user("alice"), platform=Incident.Platform.X)
    client = login(org.user("bob"))
    url = reverse("incidents:queue", args=["a-traiter"])
    html = client.get(url + "?tri=-reference").content.decode()
    assert html.index(second.reference) < html.index(first.reference)
    assert 'aria-sort="descending"' in html and 'name="tri" value="-reference"' in html
    html = client.get(url + "?tri=reference").content.decode()
    assert html.index(first.reference) < html.index(second.reference)
    assert 'aria-sort="ascending"' in html
    # A forged sort is ignored: the queue's own order, no error.
    assert client.get(url + "?tri=description").status_code == 200
    # The platform column and filter.
    assert 'data-label="Plateforme"' in html
    html = client.get(url + "?platform=x").content.decode()
    assert second.reference in html and first.reference not in html
    # The manager's queue holds one direction: the filter offers it, not the institution's others.
    direction_select = html.split('name="direction"', 1)[1].split("</select>", 1)[0]
    assert org.care.code in direction_select or org.care.name in direction_select
    assert org.tech.name not in direction_select and org.hr.name not in direction_select


def test_lists_stack_on_a_phone(org, login):
    declare(org.user("alice"))
    mine = login(org.user("alice")).get(reverse("incidents:mine")).content.decode()
    assert "table-stack" in mine
    for label in ("Statut", "Messages"):
        assert f'data-label="{label}"' in mine
    queue = login(org.user("bob")).get(reverse("incidents:queue", args=["a-traiter"])).content.decode()
    assert "table-stack" in queue and 'data-label="Échéance"' in queue


def test_takedown_requested_at_defaults_to_now():
    from django.utils import timezone

    from incidents.forms import TakedownForm

    html = str(TakedownForm()["requested_at"])
    now = timezone.localtime()
    assert f'value="{now:%Y-%m-%dT%H:%M}"' in html or f'value="{now:%Y-%m-%dT}' in html


def test_the_queue_title_takes_each_languages_colon(org, login):
    client = login(org.user("bob"))
    url = reverse("incidents:queue", args=["a-traiter"])
    assert '<h1 class="h3">Incidents : À traiter</h1>' in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    assert '<h1 class="h3">Incidents: To handle</h1>' in client.get(url).content.decode()


def test_the_direction_filter_offers_the_queues_directions_and_keeps_one(org, login):
    from tests.incidents.factories import build_incidents

    care = build_incidents(1, declarer=org.user("alice"), level=Incident.Level.DCAI)[0]
    tech = build_incidents(1, declarer=org.user("oscar"), level=Incident.Level.DCAI)[0]
    client = login(org.user("diane"))
    url = reverse("incidents:queue", args=["a-traiter"])
    select = client.get(url).content.decode().split('name="direction"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{org.care.pk}">DSP – Direction des soins infirmiers</option>' in select
    assert f'<option value="{org.tech.pk}">' in select and f'<option value="{org.hr.pk}">' not in select
    html = client.get(f"{url}?direction={org.tech.pk}").content.decode()
    assert tech.reference in html and care.reference not in html
    assert f'<option value="{org.tech.pk}" selected>' in html
    # A direction the queue does not hold (or no direction at all) is refused; the list stays whole.
    for forged in (org.hr.pk, "DSP"):
        html = client.get(f"{url}?direction={forged}").content.decode()
        select_tag = next(tag for tag in re.findall(r"<select[^>]*>", html) if 'name="direction"' in tag)
        assert 'aria-invalid="true"' in select_tag
        assert care.reference in html and tech.reference in html
    client.cookies["django_language"] = "en"
    assert f'<option value="{org.care.pk}">DSP – DSP Department</option>' in client.get(url).content.decode()
