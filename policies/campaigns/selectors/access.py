"""Who may do what with campaigns, and which campaigns and requests a person sees (§7.4, §7.5, §7.6).

- HR sees every campaign and every request, and runs campaigns (§7.5).
- A direction lead (head or delegate) sees the requests of their direction(s) (§7.4).
- A manager sees the requests of their direct reports and reminds them (§7.6).
- Everyone sees their own requests.
Staff who left (inactive profiles) are out of every count (docs/rules.md).

Each `can_*` rule is the one function both the pages (to show a link or a button) and the services
(to refuse) call.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from policies.models import PolicyVersion
from portal.roles import roles_for

from ..models import AcknowledgementRequest, Campaign
from ..workflow import CAMPAIGN_WORKFLOW, CLOSE, EDIT, LAUNCH, OPEN_STATUSES, REMIND

User = AbstractBaseUser | AnonymousUser | None
VISIBLE_STATUSES = (Campaign.Status.LAUNCHING, Campaign.Status.LAUNCHED, Campaign.Status.CLOSED)


# --- Who may -----------------------------------------------------------------------------------------


def can_manage_campaigns(user: User) -> bool:
    """§7.5: HR makes sure every user is informed: it creates, launches and closes the campaigns, and
    sees all of them."""
    return roles_for(user).is_hr


def can_follow_team(user: User) -> bool:
    """§7.6: a manager follows up the members of their team (their direct reports)."""
    roles = roles_for(user)
    return roles.is_manager and roles.profile is not None


def can_see_campaign_dashboard(user: User) -> bool:
    """The figures of a campaign: HR for the institution (§7.5), a direction lead for their direction(s)
    (§7.4: directions see to the policy being applied in their direction)."""
    roles = roles_for(user)
    return roles.is_hr or roles.is_direction_lead


def can_see_campaigns(user: User) -> bool:
    """The campaign list: whoever runs, watches or follows up campaigns."""
    return can_see_campaign_dashboard(user) or can_follow_team(user)


def campaign_actions(user: User, campaign: Campaign) -> frozenset[str]:
    """What this person may do to this campaign now: the map's actions for its status
    (policies.campaigns.workflow), kept to those their role allows (edit a draft, launch and close: HR;
    remind: a manager). The pages show a button exactly for these; the services refuse the others."""
    allowed: set[str] = set()
    if can_manage_campaigns(user):
        allowed |= {LAUNCH, CLOSE, EDIT}
    if can_follow_team(user):
        allowed.add(REMIND)
    return CAMPAIGN_WORKFLOW.actions(campaign.status) & allowed


def template_flags(user: AbstractBaseUser) -> dict[str, bool]:
    """Named flags for templates (settings.PORTAL_TEMPLATE_FLAGS), from the rules above."""
    return {
        "own_acknowledgements": roles_for(user).profile is not None,
        "see_campaigns": can_see_campaigns(user),
        "create_campaigns": can_manage_campaigns(user),
        "manage_campaigns": can_manage_campaigns(user),
        "see_campaign_dashboard": can_see_campaign_dashboard(user),
        "follow_team": can_follow_team(user),
    }


# --- Campaigns ---------------------------------------------------------------------------------------


def _scope_filter(user: AbstractBaseUser) -> Q | None:
    """Requests outside HR that this person may see as a lead or a manager (None: none at all)."""
    roles = roles_for(user)
    condition = Q(pk__in=[])
    found = False
    if roles.led_direction_ids:
        condition |= Q(profile__direction_id__in=roles.led_direction_ids)
        found = True
    if can_follow_team(user):
        condition |= Q(profile__manager_id=roles.profile.pk)
        found = True
    return condition if found else None


def campaigns_visible_to(user: AbstractBaseUser) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.select_related("version__policy")
    if can_manage_campaigns(user):
        return campaigns
    condition = _scope_filter(user)
    if condition is None:
        return campaigns.none()
    in_scope = AcknowledgementRequest.objects.filter(
        condition, campaign=OuterRef("pk"), profile__is_active=True
    )
    return campaigns.filter(Exists(in_scope), status__in=VISIBLE_STATUSES)


def campaigns_with_progress(user: AbstractBaseUser) -> QuerySet[Campaign]:
    """The campaigns this person sees, each with `audience_size` and `confirmed` counted within their
    scope: HR the institution, a lead their direction(s), a manager their team (never more)."""
    requests = AcknowledgementRequest.objects.filter(campaign=OuterRef("pk"), profile__is_active=True)
    if not can_manage_campaigns(user):
        condition = _scope_filter(user)
        requests = requests.filter(condition) if condition is not None else requests.none()
    counts = requests.order_by().values("campaign")
    return campaigns_visible_to(user).annotate(
        audience_size=Coalesce(
            Subquery(counts.annotate(n=Count("pk")).values("n")[:1]), 0, output_field=IntegerField()
        ),
        confirmed=Coalesce(
            Subquery(counts.filter(satisfied_at__isnull=False).annotate(n=Count("pk")).values("n")[:1]),
            0,
            output_field=IntegerField(),
        ),
    )


def get_campaign_for(user: AbstractBaseUser, pk: int) -> Campaign:
    campaign = campaigns_visible_to(user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def get_campaign_for_hr(user: AbstractBaseUser, pk: int) -> Campaign:
    """A campaign's own page (settings, launch, close): HR's alone; anyone else gets a 404."""
    if not can_manage_campaigns(user):
        raise Http404
    return get_campaign_for(user, pk)


def get_campaign_for_team(user: AbstractBaseUser, pk: int) -> Campaign:
    """A campaign as a manager follows it (§7.6); anyone who manages nobody gets a 404."""
    if not can_follow_team(user):
        raise Http404
    return get_campaign_for(user, pk)


def versions_open_to_campaigns() -> QuerySet[PolicyVersion]:
    """§7.5: the versions a campaign may ask people to acknowledge: in force, acknowledgement required."""
    return PolicyVersion.objects.select_related("policy").filter(
        status=PolicyVersion.Status.IN_FORCE, requires_acknowledgement=True
    )


# --- Requests ----------------------------------------------------------------------------------------


def requests_in_scope(user: AbstractBaseUser, campaign: Campaign) -> QuerySet[AcknowledgementRequest] | None:
    """The requests of a campaign a dashboard may count for this person (None: no dashboard)."""
    roles = roles_for(user)
    base = AcknowledgementRequest.objects.filter(campaign=campaign, profile__is_active=True)
    if can_manage_campaigns(user):
        return base
    if roles.led_direction_ids:
        return base.filter(profile__direction_id__in=roles.led_direction_ids)
    return None


def get_dashboard_scope(user: AbstractBaseUser, pk: int) -> tuple[Campaign, QuerySet[AcknowledgementRequest]]:
    """A campaign and the requests its dashboard, drill-down and exports show this person; 404 for anyone
    without a dashboard (see `can_see_campaign_dashboard`)."""
    campaign = get_campaign_for(user, pk)
    scope = requests_in_scope(user, campaign)
    if scope is None:
        raise Http404
    return campaign, scope


def campaign_requests(campaign: Campaign) -> QuerySet[AcknowledgementRequest]:
    """Every request of a campaign whose person is still on staff (HR's figures)."""
    return AcknowledgementRequest.objects.filter(campaign=campaign, profile__is_active=True)


def team_requests(user: AbstractBaseUser, campaign: Campaign) -> QuerySet[AcknowledgementRequest]:
    """The requests of a manager's direct reports (§7.6)."""
    profile = roles_for(user).profile
    if profile is None:
        return AcknowledgementRequest.objects.none()
    return AcknowledgementRequest.objects.filter(
        campaign=campaign, profile__manager_id=profile.pk, profile__is_active=True
    )


def own_requests(user: AbstractBaseUser) -> QuerySet[AcknowledgementRequest]:
    return AcknowledgementRequest.objects.filter(profile__user=user).select_related(
        "campaign__version__policy", "acknowledgement"
    )


def pending_requests_for(user: AbstractBaseUser) -> QuerySet[AcknowledgementRequest]:
    """Open requests of this person for versions still in force, soonest due first."""
    return (
        own_requests(user)
        .filter(
            satisfied_at=None,
            campaign__status__in=OPEN_STATUSES,
            campaign__version__status=PolicyVersion.Status.IN_FORCE,
        )
        .order_by("due_on", "pk")
    )


def get_request_for(user: AbstractBaseUser, pk: int) -> AcknowledgementRequest:
    """A person opens only their own requests; any other id is a 404."""
    request = own_requests(user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def own_request_pk(user: AbstractBaseUser, campaign_pk: int) -> int:
    """The id of this person's own request in a campaign (the link of its notifications), else 404."""
    pk = own_requests(user).filter(campaign_id=campaign_pk).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    return pk


def request_open_to_confirm(request: AcknowledgementRequest) -> bool:
    """§7.5: a request waits for its person's confirmation while it is not satisfied, its version is in
    force and its campaign is not closed."""
    return (
        request.satisfied_at is None
        and request.campaign.version.status == PolicyVersion.Status.IN_FORCE
        and request.campaign.status != Campaign.Status.CLOSED
    )
