"""403, 404 and 500 have the portal's look, speak the person's language, lead home and give the request id."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _not_debug(settings):
    settings.DEBUG = False


def _in_english(client):
    client.cookies["django_language"] = "en"
    return client


def test_403_has_the_portal_look_a_way_home_and_the_request_id(org, login):
    response = login(org.user("alice")).get(reverse("policies:manage"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in html and 'class="navbar-brand"' in html and "Erreur 403" in html
    assert f'href="{reverse("home")}"' in html and "Retour à l’accueil" in html
    request_id = response["X-Request-ID"]
    assert request_id and f"<code class=\"user-select-all\">{request_id}</code>" in html
    assert "403 Forbidden" not in html


def test_404_with_debug_off_is_the_portal_page_in_both_languages(org, login):
    client = login(org.user("alice"))
    response = client.get("/incidents/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in html and "Retour à l’accueil" in html and "Not Found" not in html
    assert response["X-Request-ID"] in html
    english = _in_english(client).get("/incidents/999999/").content.decode()
    # Every string of the page goes through the catalogue: in English, the page's own words are English.
    with translation.override("en"):
        assert translation.gettext("Page introuvable") in english
        assert translation.gettext("Accueil") in english
    assert '<html lang="en">' in english


def test_500_is_the_portal_page_with_the_request_id(org, settings):
    settings.ROOT_URLCONF = "tests.ux.failing_urls"
    client = Client(raise_request_exception=False)
    client.force_login(org.user("alice"), backend="portal.accounts.backends.PortalPasswordBackend")
    response = client.get("/echec/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Le portail a rencontré une erreur" in html and 'class="navbar-brand"' in html
    assert f'href="{reverse("home")}"' in html
    assert response["X-Request-ID"] in html
    assert "RuntimeError" not in html and "a bug" not in html
