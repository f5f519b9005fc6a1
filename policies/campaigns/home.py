"""Home-page panels of this app: what waits for the signed-in person (a constant number of queries)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import pending_requests_for, running_campaigns, team_progress

SHOWN = 5


def panels(request) -> list[dict]:
    user = request.user
    out = []
    # One query: the person's open requests (one more row than shown tells whether there are more).
    pending = list(pending_requests_for(user)[: SHOWN + 1])
    if pending:
        out.append(
            {
                "title": _("Prise de connaissance à confirmer"),
                "template": "campaigns/_home_pending.html",
                "requests": pending[:SHOWN],
                "more": len(pending) > SHOWN,
                "today": timezone.localdate(),
            }
        )
    # Managers (§7.6), one query: per launched campaign, how many of their direct reports confirmed.
    teams = team_progress(user, SHOWN)
    if teams:
        out.append(
            {
                "title": _("Prises de connaissance de votre équipe"),
                "template": "campaigns/_home_team.html",
                "teams": teams,
            }
        )
    # HR (§7.5), one query: campaigns being launched or running.
    running = running_campaigns(user, SHOWN)
    if running is not None:
        out.append(
            {"title": _("Campagnes en cours"), "template": "campaigns/_home_hr.html", "campaigns": running}
        )
    return out
