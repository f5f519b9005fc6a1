"""Pages of acknowledgement campaigns. Views parse input, ask selectors, call services (portal.actions)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.actions import attempt
from portal.audit.services import audit_staff_export
from portal.exports import export_response
from portal.submissions import attempt_once

from . import selectors, services
from .charts import build_chart
from .forms import AcknowledgeForm, CampaignForm, DraftSettingsForm, PeopleFilterForm
from .models import Campaign

PAGE_SIZE = 50
MANAGER_PAGE_SIZE = 25


# --- Campaigns (HR, and leads/managers for their part) ----------------------------------------------


def campaign_list(request: HttpRequest) -> HttpResponse:
    if not selectors.can_see_campaigns(request.user):
        return redirect("campaigns:mine")
    page = Paginator(selectors.campaigns_with_progress(request.user), 20).get_page(request.GET.get("page"))
    selectors.with_completion_rates(page)
    return render(request, "campaigns/list.html", {"page_obj": page})


def campaign_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_manage_campaigns(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            request,
            lambda: services.campaign_create(
                actor=request.user,
                version=data["version"],
                title=data["title"],
                audience=data["audience"],
                due_on=data["due_on"],
                reminder_every_days=data["reminder_every_days"],
                directions=data["directions"],
                categories=data["categories"],
            ),
            form=form,
            success=_("Campagne créée. Vérifiez-la, puis lancez-la."),
        )
        if outcome.ok:
            return redirect(outcome.value)
    return render(request, "campaigns/form.html", {"form": form})


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_hr(request.user, pk)
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "summary": selectors.campaign_summary(campaign),
            "directions": selectors.campaign_directions(campaign),
            "category_labels": selectors.campaign_category_labels(campaign),
            "events": selectors.campaign_events(campaign),
            "actions": selectors.campaign_actions(request.user, campaign),
            # A draft has asked nobody yet: how many people its launch would ask.
            "audience_size": selectors.draft_audience_size(campaign),
        },
    )


def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """§7.5: HR adjusts a draft (title, due date, rhythm) before launching it."""
    campaign = selectors.get_campaign_for_hr(request.user, pk)
    if "edit" not in selectors.campaign_actions(request.user, campaign):
        messages.error(request, _("Seul un brouillon peut être modifié."))
        return redirect(campaign)
    initial = {"title": campaign.title, "due_on": campaign.due_on, "reminder_every_days": campaign.reminder_every_days}
    form = DraftSettingsForm(request.POST or None, initial=initial, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: services.campaign_update_draft(campaign=campaign, actor=request.user, **form.cleaned_data),
            form=form,
            success=_("Brouillon enregistré. Lancez-le quand il est prêt."),
        )
        if outcome.ok:
            return redirect(campaign)
    return render(
        request,
        "campaigns/edit.html",
        {"campaign": campaign, "form": form, "audience_size": selectors.draft_audience_size(campaign)},
    )


@require_POST
def campaign_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """§7.5: HR deletes a draft it will not launch; a launched or closed campaign stays (refused, said)."""
    campaign = selectors.get_campaign_for_hr(request.user, pk)
    outcome = attempt(
        request,
        lambda: services.campaign_delete_draft(campaign=campaign, actor=request.user),
        success=lambda title: _("Le brouillon « %(title)s » est supprimé.") % {"title": title},
    )
    return redirect("campaigns:list" if outcome.ok else campaign.get_absolute_url())


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
    # One launch per click: a double click or a resent form shows the campaign as the first one left it.
    attempt_once(
        request,
        lambda: services.campaign_launch(campaign=campaign, actor=request.user),
        success=_("Lancement demandé : les demandes sont créées en arrière-plan."),
        result_url=lambda launched: launched.get_absolute_url(),
    )
    return redirect(campaign)


@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_hr(request.user, pk)
    attempt(
        request,
        lambda: services.campaign_close(campaign=campaign, actor=request.user),
        success=_("Campagne fermée : plus aucun rappel ne sera envoyé."),
    )
    return redirect(campaign)


# --- Dashboard, drill-down and exports (HR: everything; direction leads: their direction) -----------


def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, scope = selectors.get_dashboard_scope(request.user, pk)
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
        },
    )


def _filtered_people(request: HttpRequest, scope) -> tuple[PeopleFilterForm, object]:
    directions, managers = selectors.people_filter_choices(scope)
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
    campaign, scope = selectors.get_dashboard_scope(request.user, pk)
    form, rows = _filtered_people(request, scope)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.with_states(page)
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


def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    campaign, scope = selectors.get_dashboard_scope(request.user, pk)
    _form, rows = _filtered_people(request, scope)
    filename = f"campagne-{campaign.pk}-{timezone.localdate().isoformat()}"
    audit_staff_export(request, what="campaign", fmt=fmt)  # docs/rules.md, "Audit"
    return export_response(
        fmt,
        filename,
        [str(h) for h in selectors.EXPORT_HEADER],
        selectors.export_rows(rows),
        separator=request.GET.get("sep"),
    )


# --- Manager's team (§7.6) --------------------------------------------------------------------------


def team(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_team(request.user, pk)
    requests = selectors.team_requests(request.user, campaign)
    summary = selectors.completion_summary(requests)
    page = Paginator(selectors.team_rows(requests), PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.with_states(page)
    return render(
        request,
        "campaigns/team.html",
        {
            "campaign": campaign,
            "summary": summary,
            "page_obj": page,
            **selectors.team_follow_up(request.user, campaign, summary),
        },
    )


@require_POST
def team_remind(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_team(request.user, pk)
    outcome = attempt(request, lambda: services.campaign_remind_team(campaign=campaign, actor=request.user))
    if outcome.ok and outcome.value:
        messages.success(
            request, _("Rappel envoyé à %(count)s personne(s) de votre équipe.") % {"count": outcome.value}
        )
    elif outcome.ok:
        messages.info(request, _("Toute votre équipe a déjà confirmé : aucun rappel envoyé."))
    return redirect("campaigns:team", pk=campaign.pk)


# --- The person's own requests (§7.5) ---------------------------------------------------------------


def my_requests(request: HttpRequest) -> HttpResponse:
    rows = selectors.own_requests(request.user).order_by("satisfied_at", "due_on", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.with_states(page)
    return render(request, "campaigns/mine.html", {"page_obj": page})


def my_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The link in a campaign's notifications: the recipient's own request in that campaign."""
    return redirect("campaigns:request", pk=selectors.own_request_pk(request.user, pk))


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ack_request = selectors.get_request_for(request.user, pk)
    version = ack_request.campaign.version
    form = None
    if selectors.request_open_to_confirm(ack_request):
        form = AcknowledgeForm(request.POST or None, version=version, initial={"text_hash": version.text_hash()})
        if request.method == "POST" and form.is_valid():
            outcome = attempt(
                request,
                lambda: services.acknowledgement_record(
                    user=request.user,
                    version=version,
                    attestation=form.statement,
                    expected_text_hash=form.cleaned_data["text_hash"],
                ),
                form=form,
                success=_("Merci : votre prise de connaissance est enregistrée."),
            )
            if outcome.ok:
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
            "state_label": selectors.STATUS_LABELS[selectors.status_of(ack_request)],
        },
    )
