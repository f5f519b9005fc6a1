"""A fresh cache namespace per test, for what the portal counts in the cache (rate limits).

The test's keys get their own prefix, so counts start from zero whatever the backend: the embedded
cache lives as long as the worker process, and a Redis cache is shared with other xdist workers and
with earlier runs whose ids repeat.
"""

import uuid

import pytest


@pytest.fixture
def fresh_cache_namespace(settings):
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches
