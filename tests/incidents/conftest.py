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

