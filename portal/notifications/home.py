"""Home-page panels of this app: what waits for the signed-in person."""

from django.utils.translation import gettext_lazy as _

from .selectors import notifications_visible_to, unread_count_for_request

LATEST = 5


def panels(request) -> list[dict]:
    """Unread notifications: the count (shared with the navigation) and the last few. Two queries at most."""
    unread = unread_count_for_request(request)
    if not unread:
        return []
    latest = list(notifications_visible_to(request.user).filter(read_at__isnull=True)[:LATEST])
    return [
        {
            "title": _("Notifications"),
            "template": "notifications/_home_panel.html",
            "unread": unread,
            "latest": latest,
        }
    ]
