"""Campaign events move onto the portal's event shape: every row is kept and gets its action."""

import pytest

from policies.campaigns.models import CampaignEvent
from tests.policies.test_migrations import latest_migrations, migrate_to

from .factories import VersionFactory, make_campaign

pytestmark = pytest.mark.django_db(transaction=True)


def test_campaign_events_keep_their_rows_and_get_their_action_from_their_statuses():
    campaign = make_campaign(VersionFactory())
    latest = latest_migrations()
    old_apps = migrate_to([("campaigns", "0001_initial")])
    try:
        OldEvent = old_apps.get_model("campaigns", "CampaignEvent")
        rows = [
            ("", "draft", ""),
            ("draft", "launching", ""),
            ("launching", "launched", "12 / 11"),
            ("launched", "closed", ""),
            ("", "launched", "new staff"),
            ("draft", "closed", ""),
        ]
        for before, after, note in rows:
            OldEvent.objects.create(campaign_id=campaign.pk, from_status=before, to_status=after, note=note)
    finally:
        migrate_to(latest)
    events = list(CampaignEvent.objects.filter(campaign=campaign).order_by("pk"))
    assert [(e.from_status, e.to_status, e.note) for e in events] == rows
    assert [e.action for e in events] == [
        "created",
        "launched",
        "launch_finished",
        "closed",
        "created",
        "closed",
    ]

