"""The bench section runs end to end on a small synthetic institution."""

import io

import pytest

from policies.campaigns.bench import campaign
from policies.campaigns.models import AcknowledgementRequest, Campaign
from portal.bench import build_institution
from portal.models import StaffProfile

pytestmark = pytest.mark.django_db


def test_bench_section_on_a_small_institution():
    build_institution(staff=240, managers=8, directions=5)
    out = io.StringIO()
    rows = dict(campaign(out))
    active = StaffProfile.objects.filter(is_active=True).count()
    launched = Campaign.objects.get(title="Banc d'essai")
    assert launched.status == Campaign.Status.LAUNCHED
    assert AcknowledgementRequest.objects.filter(campaign=launched).count() == active
    assert rows["personnes visées"] == active
    assert rows["demandes / notifications écrites"] == f"{active} / {active}"
    for label, value in rows.items():
        assert "HTTP" not in str(value), (label, value)
    assert (
        AcknowledgementRequest.objects.filter(campaign=launched, satisfied_at__isnull=False).count()
        > active / 2
    )
