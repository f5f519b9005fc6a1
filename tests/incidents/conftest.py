import pytest

from portal.notifications.models import Notification


@pytest.fixture
def notified():
    """notified(kind) -> set of usernames who got that kind of notification (optionally since a row id)."""

    def _notified(kind: str, *, target=None) -> set[str]:
        rows = Notification.objects.filter(kind=kind)
        if target is not None:
            rows = rows.filter(target_id=str(target.pk))
        return set(rows.values_list("recipient__username", flat=True))

    return _notified


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas' passwords are hashed at creation; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
