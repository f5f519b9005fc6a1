"""Home-page panels of this app: what waits for the signed-in person (a constant number of queries)."""

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.roles import roles_for

from .models import AcknowledgementRequest, Campaign
from .selectors import pending_requests_for

SHOWN = 5


def panels(request) -> list[dict]:
    user = request.user
    roles = roles_for(user)
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
    if roles.is_manager and roles.profile is not None:
        # One query: per open campaign, how many of the manager's direct reports have confirmed.
        teams = list(
            AcknowledgementRequest.objects.filter(
                profile__manager_id=roles.profile.pk,
                profile__is_active=True,
                campaign__status=Campaign.Status.LAUNCHED,
            )
            .values(campaign_pk=F("campaign_id"), title=F("campaign__title"), due=F("campaign__due_on"))
            .annotate(total=Count("pk"), done=Count("pk", filter=Q(satisfied_at__isnull=False)))
            .order_by("due", "campaign_pk")[:SHOWN]
        )
        if teams:
            out.append(
                {
                    "title": _("Prises de connaissance de votre équipe"),
                    "template": "campaigns/_home_team.html",
                    "teams": teams,
                }
            )
    if roles.is_hr:
        # One query: campaigns being launched or running.
        running = list(
            Campaign.objects.filter(
                status__in=[Campaign.Status.LAUNCHING, Campaign.Status.LAUNCHED]
            ).order_by("due_on", "pk")[:SHOWN]
        )
        out.append(
            {"title": _("Campagnes en cours"), "template": "campaigns/_home_hr.html", "campaigns": running}
        )
    return out
