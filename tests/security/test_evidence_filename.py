"""A stored evidence name never carries control characters into the download's headers."""

from django.urls import reverse

from incidents.evidence import clean_uploads
from tests.incidents.factories import declare, png_bytes, upload


def test_control_characters_are_dropped_from_the_stored_name(org, login):
    files = clean_uploads([upload("capture\r\nSet-Cookie: x=1\t.png", png_bytes(), "image/png")])
    incident = declare(org.user("alice"), evidence=files)
    item = incident.evidence.get()
    assert item.original_name == "captureSet-Cookie: x=1.png"
    response = login(org.user("alice")).get(reverse("incidents:evidence", args=[incident.pk, item.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.cookies


def test_non_ascii_name_is_encoded_in_the_download_header(org, login):
    files = clean_uploads([upload("capture d'écran «1».png", png_bytes(), "image/png")])
    incident = declare(org.user("alice"), evidence=files)
    item = incident.evidence.get()
    response = login(org.user("alice")).get(reverse("incidents:evidence", args=[incident.pk, item.pk]))
    assert "filename*=utf-8''" in response["Content-Disposition"]
