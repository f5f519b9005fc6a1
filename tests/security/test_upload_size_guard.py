"""An oversized evidence file is cut off as it arrives: never stored whole, refused with a clear message."""

import os

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.evidence import files as evidence
from incidents.models import Incident
from tests.incidents.factories import upload


@pytest.fixture
def received_sizes(monkeypatch):
    sizes = []
    original = evidence.read_upload

    def spy(file):
        sizes.append(file.size)
        return original(file)

    monkeypatch.setattr(evidence, "read_upload", spy)
    return sizes


def test_oversized_evidence_is_not_stored_whole(org, login, settings, received_sizes):
    settings.EVIDENCE_MAX_BYTES = 2000
    big = b"\x89PNG\r\n\x1a\n" + os.urandom(600 * 1024)
    response = login(org.user("alice")).post(
        reverse("incidents:declare"),
        {
            "description": "Une publication",
            "platform": Incident.Platform.FACEBOOK,
            "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": Incident.Category.REPUTATION,
            "still_online": Incident.StillOnline.YES,
            "concerned_kind": Incident.Concerned.INSTITUTION,
            "route_choice": Incident.RouteChoice.NORMAL,
            "evidence": [upload("capture.png", big, "image/png")],
        },
    )
    assert response.status_code == 400
    assert "dépasse la taille maximale" in response.content.decode()
    assert not Incident.objects.exists()
    # What reached the server's storage is the limit plus at most one chunk, not the 600 KB sent.
    assert received_sizes and max(received_sizes) <= settings.EVIDENCE_MAX_BYTES + 64 * 1024
