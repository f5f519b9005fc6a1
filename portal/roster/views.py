"""Pages of the authorized-user roster. Views parse input, call selectors and services, and render;
the rules live in `rules` (who may act), `selectors` (what one sees) and `services` (what changes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.actions import attempt
from portal.audit.services import audit_staff_export
from portal.exports import export_response
from portal.roles import roles_for
from portal.submissions import attempt_once

from . import rules, selectors, services
from .forms import (
    AccountForm,
    ConfirmForm,
    DesignationForm,
    RefuseForm,
    RenewalForm,
    RevokeForm,
    RosterFilterForm,
)
from .models import Designation

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")


# --- Roster lists -------------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if rules.may_see_whole_roster(roles):
        return redirect("roster:roster")
    if roles.is_direction_lead:
        return redirect("roster:direction_roster")
    return redirect("roster:mine")


def _roster_page(request: HttpRequest, *, queryset: QuerySet[Designation], directions, template_context: dict):
    form = RosterFilterForm(request.GET, directions=directions)
    filtered = selectors.filter_roster(queryset, form.filters).order_by("-created_at", "-id")
    page = Paginator(selectors.with_list_data(filtered), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "roster/roster_list.html",
        {
            "filter_form": form,
            "page_obj": page,
            "designations": page.object_list,
            "today": timezone.localdate(),
            **template_context,
        },
    )


@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    """§7.3: DCAI sees the whole roster of authorized users."""
    if not rules.may_see_whole_roster(roles_for(request.user)):
        raise Http404
    return _roster_page(
        request,
        queryset=selectors.designations_visible_to(request.user),
        directions=selectors.roster_directions_for(request.user, scope="dcai"),
        template_context={"title": _("Registre des utilisateurs autorisés"), "scope": "dcai"},
    )


@require_GET
def direction_roster(request: HttpRequest) -> HttpResponse:
    """§7.4: a direction sees the authorized users it designated."""
    roles = roles_for(request.user)
    if not roles.is_direction_lead:
        raise Http404
    return _roster_page(
        request,
        queryset=selectors.direction_roster_of(request.user),
        directions=selectors.roster_directions_for(request.user, scope="direction"),
        template_context={"title": _("Utilisateurs autorisés de ma direction"), "scope": "direction"},
    )


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """§6.3: a person sees their own designations and the obligations that come with them."""
    roles = roles_for(request.user)
    if roles.profile is None:
        raise Http404
    page = Paginator(selectors.own_designations(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "roster/mine.html",
        {
            "page_obj": page,
            "designations": page.object_list,
            "today": timezone.localdate(),
            "links": selectors.policy_links(),
        },
    )


def _export_response(fmt: str, queryset: QuerySet[Designation], filename: str, separator: str | None) -> HttpResponse:
    """The roster's columns, the same for DCAI and for a direction; the caller scopes the rows."""
    return export_response(
        fmt,
        f"{filename}-{timezone.localdate().isoformat()}",
        selectors.ROSTER_EXPORT_HEADER,
        selectors.roster_export_rows(queryset),
        separator=separator,
    )


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """§7.3: DCAI exports the roster (with the filters of the page)."""
    if not rules.may_see_whole_roster(roles_for(request.user)) or fmt not in EXPORT_FORMATS:
        raise Http404
    form = RosterFilterForm(request.GET, directions=selectors.roster_directions_for(request.user, scope="dcai"))
    queryset = selectors.filter_roster(selectors.designations_visible_to(request.user), form.filters)
    audit_staff_export(request, what="roster", fmt=fmt)  # docs/rules.md, "Audit"
    return _export_response(fmt, queryset, "utilisateurs-autorises", request.GET.get("sep"))


@require_GET
def direction_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """§7.4: a direction (head or delegate) exports the authorized users it designated, with its page's filters.

    A direction it does not lead, asked for in the filters, is a 404: never an export of someone else's rows.
    """
    roles = roles_for(request.user)
    if not roles.is_direction_lead or fmt not in EXPORT_FORMATS:
        raise Http404
    directions = selectors.roster_directions_for(request.user, scope="direction")
    form = RosterFilterForm(request.GET, directions=directions)
    filters = form.filters
    if "direction" in form.errors:
        raise Http404
    codes = sorted(
        {filters["direction"].code} if filters.get("direction") else directions.values_list("code", flat=True)
    )
    queryset = selectors.filter_roster(selectors.direction_roster_of(request.user), filters)
    audit_staff_export(request, what="roster", fmt=fmt)
    filename = "-".join(["utilisateurs-autorises", *(slugify(c) for c in codes)])
    return _export_response(fmt, queryset, filename, request.GET.get("sep"))


# --- One designation ---------------------------------------------------------------------------------


def _detail(
    request: HttpRequest,
    designation: Designation,
    *,
    forms: dict | None = None,
    actions: rules.DesignationActions | None = None,
    status: int = 200,
):
    forms = forms or {}
    is_own = designation.profile.user_id == request.user.pk
    context = {
        "designation": designation,
        "accounts": selectors.accounts_of(designation),
        "events": selectors.events_of(designation),
        "renewals": selectors.renewals_of(designation),
        "actions": actions or selectors.designation_actions_for(request.user, designation),
        "confirm_form": forms.get("confirm") or ConfirmForm(),
        "refuse_form": forms.get("refuse") or RefuseForm(),
        "revoke_form": forms.get("revoke") or RevokeForm(),
        "today": timezone.localdate(),
        "is_own": is_own,
    }
    if is_own:
        context["links"] = selectors.policy_links()
    return render(request, "roster/designation_detail.html", context, status=status)


@require_GET
def designation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_designation_for(request.user, pk))


@require_http_methods(["GET", "POST"])
def designation_create(request: HttpRequest) -> HttpResponse:
    """§7.4: a direction head or delegate designates a staff member of their direction."""
    roles = roles_for(request.user)
    if not roles.is_direction_lead:
        raise Http404
    form = DesignationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        outcome = attempt_once(
            request,
            lambda: services.designation_create(
                actor=request.user, profile=form.cleaned_data["profile"], data=form.to_data()
            ),
            form=form,
            success=lambda designation: (
                _("La désignation %(ref)s est transmise à la DCAI pour confirmation.") % {"ref": designation.reference}
            ),
            result_url=lambda designation: designation.get_absolute_url(),
        )
        if outcome.replayed:
            return redirect(outcome.url)
        if outcome.ok:
            designation = outcome.value
            if selectors.acknowledgement_blocker(designation.profile.user):
                messages.warning(
                    request,
                    _(
                        "Cette personne n'a pas encore pris connaissance de la politique en "
                        "vigueur : la DCAI ne pourra pas confirmer avant qu'elle le fasse."
                    ),
                )
            return redirect(designation)
    return render(request, "roster/designation_form.html", {"form": form, "previous": None})


@require_http_methods(["GET", "POST"])
def designation_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """§7.4: a new period linked to the previous one, confirmed by DCAI again."""
    previous = selectors.get_designation_for(request.user, pk)
    refusal = rules.renew_refusal(roles_for(request.user), previous, has_live_renewal=previous.has_live_renewal)
    if refusal is not None:
        if refusal.who:
            raise PermissionDenied
        messages.error(request, _("Cette désignation ne peut pas être renouvelée."))
        return redirect(previous)
    form = RenewalForm(request.POST or None, previous=previous)
    if request.method == "POST" and form.is_valid():
        outcome = attempt_once(
            request,
            lambda: services.designation_renew(designation=previous, actor=request.user, data=form.to_data()),
            form=form,
            success=lambda renewal: (
                _("Le renouvellement %(ref)s est transmis à la DCAI pour confirmation.") % {"ref": renewal.reference}
            ),
            result_url=lambda renewal: renewal.get_absolute_url(),
        )
        if outcome.ok:
            return redirect(outcome.url)
    return render(request, "roster/designation_form.html", {"form": form, "previous": previous})


def _act(request: HttpRequest, pk: int, *, form_class, form_key: str, run, success: str) -> HttpResponse:
    """A decision taken from the designation's page: its form, then the service through `attempt`."""
    designation = selectors.get_designation_for(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail(request, designation, forms={form_key: form}, status=400)
    outcome = attempt(request, lambda: run(designation, form.cleaned_data), form=form, success=success)
    if outcome.ok:
        return redirect(designation)
    designation = selectors.get_designation_for(request.user, pk)
    actions = selectors.designation_actions_for(request.user, designation)
    if not actions.offers(form_key) and outcome.message != actions.confirm_blocked:
        # The form is no longer on the page (e.g. the period ended meanwhile): say why at the top.
        messages.error(request, outcome.message)
    return _detail(request, designation, forms={form_key: form}, actions=actions, status=400)


@require_POST
def designation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=ConfirmForm,
        form_key="confirm",
        run=lambda d, c: services.designation_confirm(designation=d, actor=request.user, comment=c["comment"]),
        success=_("La désignation est confirmée ; la personne en est informée."),
    )


@require_POST
def designation_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=RefuseForm,
        form_key="refuse",
        run=lambda d, c: services.designation_refuse(designation=d, actor=request.user, comment=c["comment"]),
        success=_("La désignation est refusée ; la direction en est informée."),
    )


@require_POST
def designation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=RevokeForm,
        form_key="revoke",
        run=lambda d, c: services.designation_revoke(designation=d, actor=request.user, reason=c["reason"]),
        success=_("La désignation est révoquée."),
    )


@require_POST
def designation_remind(request: HttpRequest, pk: int) -> HttpResponse:
    designation = selectors.get_designation_for(request.user, pk)
    outcome = attempt(
        request,
        lambda: services.designation_remind_acknowledgement(designation=designation, actor=request.user),
    )
    if outcome.ok and outcome.value:
        messages.success(request, _("Un rappel de prise de connaissance a été envoyé à la personne."))
    elif outcome.ok:
        messages.info(request, _("Un rappel a déjà été envoyé dans les dernières 24 heures."))
    return redirect(designation)


# --- Official accounts (§7.3) ----------------------------------------------------------------------


def _require_accounts_manager(request: HttpRequest) -> None:
    if not rules.may_manage_accounts(roles_for(request.user)):
        raise Http404


@require_GET
def accounts(request: HttpRequest) -> HttpResponse:
    _require_accounts_manager(request)
    page = Paginator(selectors.accounts_for_dcai(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "roster/account_list.html", {"page_obj": page, "accounts": page.object_list})


@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    _require_accounts_manager(request)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: services.official_account_create(actor=request.user, data=form.to_data()),
            form=form,
            success=_("Le compte officiel est ajouté."),
        )
        if outcome.ok:
            return redirect("roster:accounts")
    return render(request, "roster/account_form.html", {"form": form, "account": None})


@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_accounts_manager(request)
    account = get_object_or_404(selectors.accounts_for_dcai(), pk=pk)
    form = AccountForm(request.POST or None, initial=AccountForm.initial_for(account))
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: services.official_account_update(account=account, actor=request.user, data=form.to_data()),
            form=form,
            success=_("Le compte officiel est modifié."),
        )
        if outcome.ok:
            return redirect("roster:accounts")
    return render(request, "roster/account_form.html", {"form": form, "account": account})
