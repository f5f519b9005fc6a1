"""The takedown form's "Demandé le" starts at now, to the minute, on the incident page (§7.3)."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from .factories import declare

pytestmark = pytest.mark.django_db


def test_requested_at_starts_at_now_on_the_page(org, login):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="Directement à la DCAI.")
    before = timezone.localtime().replace(second=0, microsecond=0)
    page = login(org.user("diane")).get(incident.get_absolute_url()).content.decode()
    after = timezone.localtime()
    field = re.search(r'<input[^>]*name="requested_at"[^>]*>', page).group(0)
    assert 'type="datetime-local"' in field
    value = re.search(r'value="([^"]+)"', field).group(1)
    shown = timezone.make_aware(datetime.strptime(value, "%Y-%m-%dT%H:%M"))
    assert before <= shown <= after
    assert after - shown < timedelta(minutes=1)
