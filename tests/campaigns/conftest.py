import pytest

from policies.campaigns import services
from policies.campaigns.models import Campaign

from .factories import VersionFactory, make_campaign


@pytest.fixture
def version(db):
    return VersionFactory()


@pytest.fixture
def launch(django_capture_on_commit_callbacks):
    """launch(campaign, actor) launches as HR and runs the launch task in-process (after commit)."""

    def _launch(campaign: Campaign, actor) -> Campaign:
        with django_capture_on_commit_callbacks(execute=True):
            services.campaign_launch(campaign=campaign, actor=actor)
        campaign.refresh_from_db()
        return campaign

    return _launch


@pytest.fixture
def launched(org, version, launch):
    """A campaign for the whole institution, launched by harry (HR)."""
    return launch(make_campaign(version, actor=org.user("harry")), org.user("harry"))
