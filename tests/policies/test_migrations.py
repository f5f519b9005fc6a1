"""Version events move onto the portal's event shape (portal.workflow.EventBase): every row is kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from policies.models import PolicyVersionEvent

from .factories import make_version

pytestmark = pytest.mark.django_db(transaction=True)


def migrate_to(targets):
    """Migrate the test database to `targets`; the historical models of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest_migrations():
    """Every app's latest migration: where the database must be again after each test."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_version_events_keep_their_rows():
    version = make_version(sections=0)
    latest = latest_migrations()
    old_apps = migrate_to([("policies", "0002_version_events_signed_on")])
    try:
        OldEvent = old_apps.get_model("policies", "PolicyVersionEvent")
        OldEvent.objects.create(version_id=version.pk, action="approved", from_status="draft", to_status="approved")
    finally:
        migrate_to(latest)
    event = PolicyVersionEvent.objects.get(version=version)
    assert (event.action, event.from_status, event.to_status) == ("approved", "draft", "approved")
