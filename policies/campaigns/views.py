"""Pages of acknowledgement campaigns. Views parse input, ask selectors, call services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from policies.models import PolicyVersion
from portal.exports import export_response
from portal.models import Direction, StaffProfile
from portal.roles import roles_for

from . import selectors, services
from .charts import build_chart
from .forms import STATUS_LABELS, AcknowledgeForm, CampaignForm, PeopleFilterForm
from .models import AcknowledgementRequest, Campaign, ManagerFollowUp

PAGE_SIZE = 50
MANAGER_PAGE_SIZE = 25


def reading_url(version: PolicyVersion) -> str:
    """The version's reading page, when the policies app serves it."""
    try:
        return version.get_absolute_url()
    except NoReverseMatch:
        return ""


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        for item in error.messages:
            form.add_error(None, item)


def _message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Campaigns (HR, and leads/managers for their part) ----------------------------------------------


def campaign_list(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if not (roles.is_hr or roles.is_direction_lead or roles.is_manager):
        return redirect("campaigns:mine")
    campaigns = selectors.campaigns_with_progress(request.user)
    page = Paginator(campaigns, 20).get_page(request.GET.get("page"))
    for campaign in page:
        campaign.rate = selectors._rate(campaign.confirmed, campaign.audience_size)
    return render(request, "campaigns/list.html", {"page_obj": page, "can_create": roles.is_hr})


def campaign_create(request: HttpRequest) -> HttpResponse:
    if not roles_for(request.user).is_hr:
        raise PermissionDenied
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user,
                version=data["version"],
                title=data["title"],
                audience=data["audience"],
                due_on=data["due_on"],
                reminder_every_days=data["reminder_every_days"],
                directions=data["directions"],
                categories=data["categories"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Campagne créée. Vérifiez-la, puis lancez-la."))
            return redirect(campaign)
    return render(request, "campaigns/form.html", {"form": form})


def _detail_context(campaign: Campaign) -> dict:
    summary = None
    if campaign.status != Campaign.Status.DRAFT:
        summary = selectors.completion_summary(
            AcknowledgementRequest.objects.filter(campaign=campaign, profile__is_active=True)
        )
    return {
        "campaign": campaign,
        "summary": summary,
        "directions": list(campaign.directions.all()),
        "category_labels": [label for code, label in campaign_categories(campaign)],
        "events": list(campaign.events.select_related("actor")),
        "reading_url": reading_url(campaign.version),
    }


def campaign_categories(campaign: Campaign) -> list[tuple[str, str]]:
    labels = dict(StaffProfile.Category.choices)
    return [(code, labels.get(code, code)) for code in campaign.categories]


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_hr(request.user, pk)
    return render(request, "campaigns/detail.html", _detail_context(campaign))


def campaign_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Launch progress fragment, polled by htmx while the launch task runs."""
    campaign = selectors.get_campaign_for_hr(request.user, pk)
    if not request.htmx:
        return redirect(campaign)
    if request.GET.get("was") == Campaign.Status.LAUNCHING and campaign.status != Campaign.Status.LAUNCHING:
        # The launch just finished: reload the page so the figures and buttons follow.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "campaigns/_progress.html", {"campaign": campaign})


@require_POST
def campaign_launch(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_hr(request.user, pk)
    try:
        services.campaign_launch(campaign=campaign, actor=request.user)
    except ValidationError as error:
        messages.error(request, _message_of(error))
    else:
        messages.success(request, _("Lancement demandé : les demandes sont créées en arrière-plan."))
    return redirect(campaign)


@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_hr(request.user, pk)
    try:
        services.campaign_close(campaign=campaign, actor=request.user)
    except ValidationError as error:
        messages.error(request, _message_of(error))
    else:
        messages.success(request, _("Campagne fermée : plus aucun rappel ne sera envoyé."))
    return redirect(campaign)


# --- Dashboard, drill-down and exports (HR: everything; direction leads: their direction) -----------


def _scope(request: HttpRequest, pk: int) -> tuple[Campaign, object]:
    campaign = selectors.get_campaign_for(request.user, pk)
    scope = selectors.requests_in_scope(request.user, campaign)
    if scope is None:
        raise Http404
    return campaign, scope


def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, scope = _scope(request, pk)
    today = timezone.localdate()
    figures = selectors.dashboard_figures(scope, today)
    manager_page = Paginator(figures.by_manager, MANAGER_PAGE_SIZE).get_page(request.GET.get("mpage"))
    points = selectors.completion_over_time(campaign, scope, figures.summary.total, today)
    return render(
        request,
        "campaigns/dashboard.html",
        {
            "campaign": campaign,
            "summary": figures.summary,
            "by_direction": figures.by_direction,
            "manager_page": manager_page,
            "managers": selectors.name_managers(list(manager_page.object_list)),
            "chart": build_chart(points),
            "points": points,
            "is_hr": roles_for(request.user).is_hr,
        },
    )


def _filtered_people(request: HttpRequest, scope) -> tuple[PeopleFilterForm, object]:
    # Filter choices: the directions and managers that appear in the scope (semi-joins, no DISTINCT).
    directions = [
        (pk, f"{code} – {name}")
        for pk, code, name in Direction.objects.filter(pk__in=scope.values("profile__direction_id"))
        .order_by("code")
        .values_list("pk", "code", "name_fr")
    ]
    managers = [
        (pk, f"{last}, {first}".strip(", "))
        for pk, last, first in StaffProfile.objects.filter(pk__in=scope.values("profile__manager_id"))
        .order_by("user__last_name", "user__first_name", "pk")
        .values_list("pk", "user__last_name", "user__first_name")
    ]
    form = PeopleFilterForm(request.GET or None, directions=directions, managers=managers)
    # Invalid parts of a forged query are dropped (and said so on the page); the valid parts apply.
    filters = {}
    if form.is_bound:
        form.is_valid()  # cleaned_data keeps the fields that passed
        filters = form.cleaned_data
    rows = selectors.people(
        scope,
        direction_id=filters.get("direction"),
        manager_id=filters.get("manager"),
        status=filters.get("status") or "",
    )
    return form, rows


def people(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, scope = _scope(request, pk)
    form, rows = _filtered_people(request, scope)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for row in page:
        row.state = selectors.status_of(row, today)
        row.state_label = STATUS_LABELS[row.state]
    selected = form.cleaned_data if form.is_bound else {}
    return render(
        request,
        "campaigns/people.html",
        {
            "campaign": campaign,
            "form": form,
            "selected": {key: "" if value is None else str(value) for key, value in selected.items()},
            "page_obj": page,
            "query": request.GET.urlencode(),
        },
    )


EXPORT_HEADER = [
    gettext_lazy("Matricule"),
    gettext_lazy("Nom"),
    gettext_lazy("Prénom"),
    gettext_lazy("Direction"),
    gettext_lazy("Gestionnaire"),
    gettext_lazy("Catégorie"),
    gettext_lazy("Statut"),
    gettext_lazy("Échéance"),
    gettext_lazy("Confirmée le"),
]


def export_rows(rows, today=None):
    categories = dict(StaffProfile.Category.choices)
    today = today or timezone.localdate()
    for row in rows.iterator(chunk_size=2000):
        profile = row.profile
        manager = profile.manager.full_name if profile.manager else ""
        yield [
            profile.employee_number,
            profile.user.last_name,
            profile.user.first_name,
            profile.direction.code,
            manager,
            str(categories.get(profile.category, profile.category)),
            str(STATUS_LABELS[selectors.status_of(row, today)]),
            row.due_on,
            row.satisfied_at,
        ]


def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    campaign, scope = _scope(request, pk)
    _form, rows = _filtered_people(request, scope)
    filename = f"campagne-{campaign.pk}-{timezone.localdate().isoformat()}"
    return export_response(fmt, filename, [str(h) for h in EXPORT_HEADER], export_rows(rows))


# --- Manager's team (§7.6) --------------------------------------------------------------------------


def team(request: HttpRequest, pk: int) -> HttpResponse:
    roles = roles_for(request.user)
    if not roles.is_manager:
        raise Http404
    campaign = selectors.get_campaign_for(request.user, pk)
    requests = selectors.team_requests(request.user, campaign)
    today = timezone.localdate()
    summary = selectors.completion_summary(requests, today)
    # Those who have not confirmed first: they are who the manager follows up.
    pending_first = Case(When(satisfied_at__isnull=True, then=0), default=1, output_field=IntegerField())
    page = Paginator(
        requests.select_related("profile__user").order_by(
            pending_first, "profile__user__last_name", "profile__user__first_name", "pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    for row in page:
        row.state = selectors.status_of(row, today)
        row.state_label = STATUS_LABELS[row.state]
    follow_up = ManagerFollowUp.objects.filter(campaign=campaign, manager=roles.profile).first()
    next_reminder_at = None
    if follow_up and follow_up.last_team_reminder_at:
        next_at = follow_up.last_team_reminder_at + services.team_reminder_cooldown()
        if next_at > timezone.now():
            next_reminder_at = next_at
    return render(
        request,
        "campaigns/team.html",
        {
            "campaign": campaign,
            "summary": summary,
            "page_obj": page,
            "follow_up": follow_up,
            "next_reminder_at": next_reminder_at,
            "can_remind": campaign.status == Campaign.Status.LAUNCHED
            and summary.pending > 0
            and not next_reminder_at,
        },
    )


@require_POST
def team_remind(request: HttpRequest, pk: int) -> HttpResponse:
    if not roles_for(request.user).is_manager:
        raise Http404
    campaign = selectors.get_campaign_for(request.user, pk)
    try:
        sent = services.campaign_remind_team(campaign=campaign, actor=request.user)
    except ValidationError as error:
        messages.error(request, _message_of(error))
    else:
        if sent:
            messages.success(
                request, _("Rappel envoyé à %(count)s personne(s) de votre équipe.") % {"count": sent}
            )
        else:
            messages.info(request, _("Toute votre équipe a déjà confirmé : aucun rappel envoyé."))
    return redirect("campaigns:team", pk=campaign.pk)


# --- The person's own requests (§7.5) ---------------------------------------------------------------


def my_requests(request: HttpRequest) -> HttpResponse:
    rows = selectors.own_requests(request.user).order_by("satisfied_at", "due_on", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for row in page:
        row.state = selectors.status_of(row, today)
        row.state_label = STATUS_LABELS[row.state]
    return render(request, "campaigns/mine.html", {"page_obj": page})


def my_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The link in a campaign's notifications: the recipient's own request in that campaign."""
    own = selectors.own_requests(request.user).filter(campaign_id=pk).values_list("pk", flat=True).first()
    if own is None:
        raise Http404
    return redirect("campaigns:request", pk=own)


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ack_request = selectors.get_request_for(request.user, pk)
    version = ack_request.campaign.version
    open_to_confirm = (
        ack_request.satisfied_at is None
        and version.status == PolicyVersion.Status.IN_FORCE
        and ack_request.campaign.status != Campaign.Status.CLOSED
    )
    form = None
    if open_to_confirm:
        form = AcknowledgeForm(
            request.POST or None, version=version, initial={"text_hash": version.text_hash()}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.acknowledgement_record(
                    user=request.user,
                    version=version,
                    attestation=form.statement,
                    expected_text_hash=form.cleaned_data["text_hash"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Merci : votre prise de connaissance est enregistrée."))
                return redirect("campaigns:request", pk=ack_request.pk)
    elif request.method == "POST":
        messages.info(request, _("Cette demande n'attend plus de confirmation."))
        return redirect("campaigns:request", pk=ack_request.pk)
    return render(
        request,
        "campaigns/request.html",
        {
            "ack_request": ack_request,
            "version": version,
            "form": form,
            "reading_url": reading_url(version),
            "state_label": STATUS_LABELS[selectors.status_of(ack_request)],
        },
    )
