"""Nothing to count reads as words ("Aucune version à traiter"), never "0 version"."""

import pytest
from django.urls import reverse

from policies.models import PolicyVersion
from tests.policies.factories import make_version

pytestmark = pytest.mark.django_db


def test_the_dcai_home_says_none_rather_than_zero(org, login):
    client = login(org.user("diane"))
    html = client.get(reverse("home")).content.decode()
    assert "Aucune version à traiter" in html and "0 version" not in html

    make_version(status=PolicyVersion.Status.DRAFT)
    html = client.get(reverse("home")).content.decode()
    assert "1 version à traiter" in html and "Aucune version à traiter" not in html
