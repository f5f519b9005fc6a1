"""Home-page panels of this app: what waits for the signed-in person."""

from django.utils.translation import gettext as _

from .selectors import version_in_force, versions_waiting_count


def panels(request) -> list[dict]:
    """The policy in force for everyone (one query); DCAI also sees the versions waiting on it (one more)."""
    return [
        {
            "title": _("Politique en vigueur"),
            "template": "policies/_home_policy.html",
            "version": version_in_force(),
            "drafts": versions_waiting_count(request.user),
        }
    ]
