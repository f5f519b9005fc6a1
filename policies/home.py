"""Home-page panels of this app: what waits for the signed-in person."""

from django.utils.translation import gettext as _

from .models import PolicyVersion
from .selectors import can_manage_policies, version_in_force


def panels(request) -> list[dict]:
    """The policy in force for everyone (one query); DCAI also sees the versions waiting on it (one more)."""
    panel = {
        "title": _("Politique en vigueur"),
        "template": "policies/_home_policy.html",
        "version": version_in_force(),
        "drafts": None,
    }
    if can_manage_policies(request.user):
        panel["drafts"] = PolicyVersion.objects.filter(
            status__in=[PolicyVersion.Status.DRAFT, PolicyVersion.Status.APPROVED]
        ).count()
    return [panel]
