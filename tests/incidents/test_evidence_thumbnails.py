"""Evidence thumbnails on the incident page (docs/rules.md): a small JPEG of the re-encoded copy (a PDF's
first page), drawn once and kept in the private storage, served with the download's access check, lazy,
with alt text, and no query per file on the page."""

import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from incidents import services
from incidents.evidence import clean_upload, sandbox, thumbnails
from incidents.models import Evidence, Incident
from incidents.retention import retention_apply
from portal.storage import private_storage

from .factories import declare, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def _png(name="capture.png", size=(800, 600), color=(200, 30, 30)):
    return clean_upload(upload(name, png_bytes(size, color), "image/png"))


def _url(item: Evidence) -> str:
    return reverse("incidents:evidence_thumbnail", args=[item.incident_id, item.pk])


def test_a_thumbnail_is_a_small_jpeg_drawn_once_and_kept(org, login, monkeypatch):
    incident = declare(org.user("alice"), evidence=[_png()])
    item = Evidence.objects.get(incident=incident)
    client = login(org.user("bob"))
    page = client.get(incident.get_absolute_url()).content.decode()
    tag = re.search(r"<img [^>]*" + re.escape(_url(item)) + r"[^>]*>", page).group(0)
    assert 'loading="lazy"' in tag and 'alt="Aperçu de « capture.png »"' in tag

    response = client.get(_url(item))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    picture = Image.open(io.BytesIO(response.content))
    assert picture.format == "JPEG" and picture.size == (240, 180)
    assert private_storage().exists(thumbnails.thumbnail_name(item.stored_name))

    # Kept: the second request reads it from the storage, the sanitiser is not started again.
    def no_second_drawing(*args, **kwargs):
        raise AssertionError("drawn twice")

    monkeypatch.setattr(sandbox, "sanitise", no_second_drawing)
    assert client.get(_url(item)).content == response.content


def test_a_pdf_shows_its_first_page(org, login):
    incident = declare(org.user("alice"), evidence=[clean_upload(upload("lettre.pdf", pdf_bytes(), "application/pdf"))])
    item = Evidence.objects.get(incident=incident)
    client = login(org.user("alice"))
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Aperçu de la première page de « lettre.pdf »" in page
    response = client.get(_url(item))
    picture = Image.open(io.BytesIO(response.content))
    assert picture.format == "JPEG" and max(picture.size) == 240  # a 200 × 200 page, drawn 240 × 240
    assert picture.getpixel((120, 120)) == (255, 255, 255)  # a blank page


def test_anyone_who_may_not_see_the_file_gets_404(org, login):
    incident = declare(org.user("alice"), evidence=[_png()])
    other = declare(org.user("alice"))
    item = Evidence.objects.get(incident=incident)
    for name in ("oscar", "olga", "harry"):
        client = login(org.user(name))
        assert client.get(_url(item)).status_code == 404
    # The file of one incident through another incident's address: 404 too, even for its declarer.
    forged = reverse("incidents:evidence_thumbnail", args=[other.pk, item.pk])
    assert login(org.user("alice")).get(forged).status_code == 404
    assert not private_storage().exists(thumbnails.thumbnail_name(item.stored_name))


def test_a_file_the_sanitiser_refuses_shows_a_file_icon_and_keeps_nothing(org, login, monkeypatch):
    incident = declare(org.user("alice"), evidence=[_png()])
    item = Evidence.objects.get(incident=incident)
    monkeypatch.setattr(sandbox, "sanitise", lambda items, **kwargs: [sandbox.Outcome(code=sandbox.TIMEOUT)])
    response = login(org.user("alice")).get(_url(item))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert not private_storage().exists(thumbnails.thumbnail_name(item.stored_name))


def _page_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_queries_with_one_file_or_five(org, login):
    one = declare(org.user("alice"), evidence=[_png()])
    five = declare(org.user("alice"), evidence=[_png(f"c{i}.png", (50, 40), (i * 40, 0, 0)) for i in range(5)])
    assert Evidence.objects.filter(incident=five).count() == 5
    client = login(org.user("bob"))
    assert _page_queries(client, one.get_absolute_url()) == _page_queries(client, five.get_absolute_url())


def test_the_retention_purge_erases_the_thumbnail_with_the_file(org, login):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="Directement.", evidence=[_png()])
    item = Evidence.objects.get(incident=incident)
    login(org.user("diane")).get(_url(item))
    name = thumbnails.thumbnail_name(item.stored_name)
    assert private_storage().exists(name)
    services.incident_close(incident=incident, actor=org.user("diane"), outcome="founded")
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - timedelta(days=366 * 30))
    retention_apply()
    assert not private_storage().exists(name) and not private_storage().exists(item.stored_name)
