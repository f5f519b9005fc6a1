"""Confirming the policy settles its request: the notice no longer waits unread (§7.5)."""

import pytest

from policies.campaigns import services
from policies.campaigns.notifications import KIND_REMINDER, KIND_REQUEST
from portal.notifications.models import Notification
from portal.notifications.services import notify_people
from tests.campaigns.factories import VersionFactory, make_campaign

pytestmark = pytest.mark.django_db


def test_confirming_marks_the_request_and_its_reminders_read(org, django_capture_on_commit_callbacks):
    version = VersionFactory()
    campaign = make_campaign(version, actor=org.user("harry"))
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_launch(campaign=campaign, actor=org.user("harry"))
    alice, bob = org.user("alice"), org.user("bob")
    notify_people(KIND_REMINDER, [alice, bob], target=campaign, context={"due_on": "2027-01-01"})
    notify_people("incidents.declared", [alice])
    mine = Notification.objects.filter(recipient=alice, kind__in=[KIND_REQUEST, KIND_REMINDER])
    assert mine.count() == 2 and mine.filter(read_at__isnull=True).count() == 2

    services.acknowledgement_record(user=alice, version=version, attestation="Lu")

    assert not mine.filter(read_at__isnull=True).exists()
    # Bob has not confirmed; alice's other notices stay hers to read.
    assert not Notification.objects.filter(recipient=bob, read_at__isnull=False).exists()
    assert Notification.objects.get(recipient=alice, kind="incidents.declared").read_at is None
