import pytest
from django.core.cache import cache
from django.utils import timezone

from incidents.models import Incident


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def declaration():
    """declaration(**overrides) -> the fields of a valid declaration, for the services."""

    def _declaration(**overrides):
        fields = {
            "description": "Une publication montre le bracelet d'un patient.",
            "platform": Incident.Platform.FACEBOOK,
            "links": "https://facebook.example/p/1",
            "seen_at": timezone.now(),
            "category": Incident.Category.REPUTATION,
            "patient_info_exposed": False,
            "concerned_kind": Incident.Concerned.PUBLIC,
        }
        fields.update(overrides)
        return fields

    return _declaration


@pytest.fixture
def form_data():
    """form_data(**overrides) -> the POST of the intake form."""

    def _form(**overrides):
        data = {
            "description": "Un commentaire sur la page officielle donne le nom d'un patient.",
            "platform": "facebook",
            "links": "https://facebook.example/p/2",
            "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": "netiquette",
            "still_online": "yes",
            "concerned_kind": "patient",
            "contact": "",
            "website": "",
        }
        data.update(overrides)
        return data

    return _form


@pytest.fixture
def notified():
    """notified(kind, target=incident) -> usernames told of that kind."""
    from portal.notifications.models import Notification

    def _notified(kind: str, *, target=None) -> set[str]:
        rows = Notification.objects.filter(kind=kind)
        if target is not None:
            rows = rows.filter(target_id=str(target.pk))
        return set(rows.values_list("recipient__username", flat=True))

    return _notified
