"""Every dotted path the settings name (hooks, panels, bench sections) resolves to a callable."""

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

SETTINGS = ["PORTAL_ON_STAFF_CREATED", "PORTAL_ON_STAFF_DEACTIVATED", "PORTAL_HOME_PANELS",
            "PORTAL_BENCH_SECTIONS", "PORTAL_DEMO_HOOKS"]


@pytest.mark.parametrize("name", SETTINGS)
def test_dotted_paths_resolve(name):
    paths = getattr(settings, name)
    assert paths
    for dotted in paths:
        assert callable(import_string(dotted)), dotted


def test_every_beat_task_is_registered():
    from portal.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
