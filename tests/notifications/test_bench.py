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
    assert len(rows) == 4  # notify_many, notify, the bare smtplib loop, the ratio of the first to the third
    for _metric, value in rows[:3]:
        assert re.match(r"^\d+ \(40 en [\d.]+ s\)$", value), value
    portal_rate, raw_rate = (float(rows[i][1].split()[0]) for i in (0, 2))
    assert float(rows[3][1]) == pytest.approx(portal_rate / raw_rate, abs=0.05)
    assert not Notification.objects.exists()  # the throwaway rows are gone
