"""The main menu is drawn once per person's flags, language and address (templates/base.html), and a change
of role shows in the very next page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<ul class="navbar-nav me-auto">.*?(?=<ul class="navbar-nav">)', re.S)


def _menu(response) -> str:
    return MENU.search(response.content.decode()).group(0)


def _menu_drawn(response) -> bool:
    return "incidents/_nav.html" in [t.name for t in response.templates]


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="portal.accounts.backends.PortalPasswordBackend")
    return client


def test_drawn_once_then_kept_for_the_same_flags_language_and_address(org):
    url = reverse("incidents:mine")
    alice, carol = _client(org.user("alice")), _client(org.user("carol"))
    first = alice.get(url)
    again = alice.get(url)
    assert _menu(first) == _menu(again) and not _menu_drawn(again)
    assert 'href="/incidents/mes-declarations/" aria-current="page"' in _menu(again)
    # Another address marks another entry; another person's flags give another menu.
    declare = alice.get(reverse("incidents:declare"))
    assert 'href="/incidents/mes-declarations/" aria-current="page"' not in _menu(declare)
    assert "Incidents à traiter" not in _menu(again) and "Incidents à traiter" in _menu(carol.get(url))
    alice.cookies["django_language"] = "en"
    assert "My reports" in _menu(alice.get(url))


def test_a_new_role_shows_in_the_next_page(org):
    client = _client(org.user("alice"))
    url = reverse("incidents:mine")
    assert "Registre des incidents de confidentialité" not in _menu(client.get(url))
    org.alice.direction = org.dcai
    org.alice.save(update_fields=["direction"])
    assert "Registre des incidents de confidentialité" in _menu(client.get(url))


def test_kept_menus_are_forgotten_when_the_addresses_change(settings):
    from django.core.cache import caches

    caches["fragments"].set("a-menu", "<ul></ul>")
    settings.LANGUAGE_CODE = "en"  # a setting a kept menu depends on besides its key
    assert caches["fragments"].get("a-menu") is None
    caches["fragments"].set("a-menu", "<ul></ul>")
    settings.STATISTICS_CACHE_SECONDS = 1  # one it does not depend on
    assert caches["fragments"].get("a-menu") == "<ul></ul>"
