"""§4 names "administrateurs" (board members): a staff category the HR import and campaigns handle."""

import pytest

from policies.campaigns.models import Campaign
from policies.campaigns.selectors import audience_profiles
from portal.models import StaffProfile
from tests.campaigns.factories import VersionFactory, make_campaign
from tests.portal.test_import_org import csv_bytes, line, run

pytestmark = pytest.mark.django_db


def test_board_members_are_imported_and_targeted_by_a_campaign(django_capture_on_commit_callbacks):
    report = run(
        csv_bytes(
            line("A001", "Hélène", "Administratrice", direction="DG", role="general", category="Administratrice"),
            line("A002", "Paul", "Employé", direction="DG", role="general", category="employé"),
        ),
        django_capture_on_commit_callbacks,
    )
    assert not getattr(report, "errors", None)
    board = StaffProfile.objects.get(employee_number="A001")
    assert board.category == StaffProfile.Category.ADMINISTRATEUR
    campaign = make_campaign(
        VersionFactory(), audience=Campaign.Audience.TARGETED, categories=[StaffProfile.Category.ADMINISTRATEUR]
    )
    assert list(audience_profiles(campaign).values_list("employee_number", flat=True)) == ["A001"]


def test_the_campaign_form_offers_the_board_members():
    from policies.campaigns.forms import CampaignForm

    assert StaffProfile.Category.ADMINISTRATEUR in dict(CampaignForm.base_fields["categories"].choices)
