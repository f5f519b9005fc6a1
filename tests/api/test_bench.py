"""The API section of `manage.py bench` runs at a tiny scale, measures every endpoint and leaves nothing."""

import io

import pytest

from portal.api.bench import api
from portal.api.models import ApiCall, ApiToken
from portal.bench import build_institution
from portal.roster.models import Designation
from tests.campaigns.factories import VersionFactory


@pytest.mark.django_db
def test_api_section_measures_every_endpoint_and_rolls_back():
    build_institution(staff=60, managers=6, directions=5)
    VersionFactory(policy__number="10974")  # the campaign section leaves one in force at full scale
    rows = dict(api(io.StringIO()))
    assert len(rows) == 8
    walk = next(value for metric, value in rows.items() if "parcours complet (1000" in metric)
    assert walk.startswith("60 lignes en 1 pages") and walk.endswith("6–6 requêtes par page")
    assert all("requêtes" in value or value.endswith(" s") for value in rows.values())
    assert not Designation.objects.exists() and not ApiToken.objects.exists() and not ApiCall.objects.exists()
