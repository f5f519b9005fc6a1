"""The delivery bench section: skipped without the real services, a measured rate with them."""

import re

import pytest

from portal.notifications import bench
from portal.notifications.models import Notification


def test_skipped_with_a_reason_without_the_services(settings, db):
    settings.REDIS_URL = ""
    [(metric, value)] = bench.delivery(None)
    assert "REDIS_URL" in value


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_small_batch_through_a_worker(db):
    from tests.conftest import require_services

    require_services()
    rows = bench.delivery(None, batch=40)
    assert len(rows) == 2
    for _metric, value in rows:
        assert re.match(r"^\d+ \(40 en [\d.]+ s\)$", value), value
    assert not Notification.objects.exists()  # the throwaway rows are gone
