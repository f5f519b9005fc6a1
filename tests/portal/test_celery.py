"""A task goes through the real Redis broker to a real Celery worker and its result comes back."""

import pytest

from portal.celery import ping


@pytest.mark.integration
def test_task_round_trip_through_redis_and_a_worker(celery_worker):
    result = ping.apply_async(args=["bonjour"], queue=celery_worker.queue)
    assert result.get(timeout=30) == "pong:bonjour"


def test_without_redis_tasks_run_in_process():
    # The embedded default (no REDIS_URL) runs tasks eagerly; unit tests keep that mode.
    assert ping.delay("x").get(timeout=1) == "pong:x"
