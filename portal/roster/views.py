"""Pages of the authorized-user roster. Views parse input and call services; rules live in rules/services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.exports import export_response
from portal.models import Direction
from portal.roles import roles_for

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
from .links import obligation_links
from .models import Designation, OfficialAccount

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")


def _apply_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: field errors where the form has the field, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Roster lists -------------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if rules.may_see_whole_roster(roles):
        return redirect("roster:roster")
    if roles.is_direction_lead:
        return redirect("roster:direction_roster")
    return redirect("roster:mine")


def _roster_page(
    request: HttpRequest, *, queryset: QuerySet[Designation], directions, template_context: dict
):
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
        directions=Direction.objects.all(),
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
        directions=Direction.objects.filter(pk__in=roles.led_direction_ids),
        template_context={"title": _("Utilisateurs autorisés de ma direction"), "scope": "direction"},
    )


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """§6.3: a person sees their own designations and the obligations that come with them."""
    roles = roles_for(request.user)
    if roles.profile is None:
        raise Http404
    designations = selectors.with_list_data(
        Designation.objects.filter(profile__user=request.user).order_by("-start_date", "-id")
    )
    page = Paginator(designations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "roster/mine.html",
        {
            "page_obj": page,
            "designations": page.object_list,
            "today": timezone.localdate(),
            "links": obligation_links(),
        },
    )


def _export_header() -> list[str]:
    return [
        _("Référence"),
        _("Statut"),
        _("Nom"),
        _("Prénom"),
        _("Matricule"),
        _("Direction"),
        _("Rôle"),
        _("Comptes officiels"),
        _("Date de début"),
        _("Date de fin"),
        _("Désignée par"),
        _("Désignée le"),
        _("Décision de"),
        _("Décision le"),
        _("Commentaire de la DCAI"),
        _("Révoquée le"),
        _("Motif de la révocation"),
        _("Renouvellement de"),
    ]


def _export_response(fmt: str, queryset: QuerySet[Designation], filename: str) -> HttpResponse:
    """The roster's columns, the same for DCAI and for a direction; the caller scopes the rows."""
    queryset = selectors.with_list_data(
        queryset.select_related("designated_by", "decided_by", "revoked_by", "renewal_of").order_by(
            "direction__code", "profile__user__last_name", "-start_date", "id"
        )
    )

    def name(user) -> str:
        return (user.get_full_name() or user.get_username()) if user else ""

    def rows():
        for d in queryset.iterator(chunk_size=2000):
            user = d.profile.user
            yield [
                d.reference,
                d.get_status_display(),
                user.last_name,
                user.first_name,
                d.profile.employee_number,
                d.direction.code,
                d.get_role_display(),
                "; ".join(str(a) for a in d.accounts.all()),
                d.start_date,
                d.end_date,
                name(d.designated_by),
                d.created_at,
                name(d.decided_by),
                d.decided_at,
                d.decision_comment,
                d.revoked_at,
                d.revocation_reason,
                d.renewal_of.reference if d.renewal_of else "",
            ]

    return export_response(fmt, f"{filename}-{timezone.localdate().isoformat()}", _export_header(), rows())


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """§7.3: DCAI exports the roster (with the filters of the page)."""
    if not rules.may_see_whole_roster(roles_for(request.user)) or fmt not in EXPORT_FORMATS:
        raise Http404
    form = RosterFilterForm(request.GET, directions=Direction.objects.all())
    queryset = selectors.filter_roster(selectors.designations_visible_to(request.user), form.filters)
    return _export_response(fmt, queryset, "utilisateurs-autorises")


@require_GET
def direction_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """§7.4: a direction (head or delegate) exports the authorized users it designated, with its page's filters.

    A direction it does not lead, asked for in the filters, is a 404: never an export of someone else's rows.
    """
    roles = roles_for(request.user)
    if not roles.is_direction_lead or fmt not in EXPORT_FORMATS:
        raise Http404
    directions = Direction.objects.filter(pk__in=roles.led_direction_ids)
    form = RosterFilterForm(request.GET, directions=directions)
    filters = form.filters
    if "direction" in form.errors:
        raise Http404
    codes = sorted(
        {filters["direction"].code} if filters.get("direction") else directions.values_list("code", flat=True)
    )
    queryset = selectors.filter_roster(selectors.direction_roster_of(request.user), filters)
    return _export_response(fmt, queryset, "-".join(["utilisateurs-autorises", *(slugify(c) for c in codes)]))


# --- One designation ---------------------------------------------------------------------------------


def _detail(request: HttpRequest, designation: Designation, *, forms: dict | None = None, status: int = 200):
    roles = roles_for(request.user)
    actions = rules.designation_actions(
        roles, request.user, designation, has_live_renewal=designation.has_live_renewal
    )
    blocker = ""
    if actions.confirm or actions.remind:
        blocker = services.acknowledgement_blocker(designation.profile.user)
    forms = forms or {}
    context = {
        "designation": designation,
        "accounts": designation.accounts.order_by("platform", "handle"),
        "events": selectors.events_of(designation),
        "renewals": designation.renewals.order_by("-start_date"),
        "actions": actions,
        "acknowledgement_blocker": blocker,
        "confirm_form": forms.get("confirm") or ConfirmForm(),
        "refuse_form": forms.get("refuse") or RefuseForm(),
        "revoke_form": forms.get("revoke") or RevokeForm(),
        "today": timezone.localdate(),
        "is_own": designation.profile.user_id == request.user.pk,
    }
    if context["is_own"]:
        context["links"] = obligation_links()
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
    form = DesignationForm(request.POST or None, led_direction_ids=roles.led_direction_ids)
    if request.method == "POST" and form.is_valid():
        try:
            designation = services.designation_create(
                actor=request.user, profile=form.cleaned_data["profile"], data=form.to_data()
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("La désignation %(ref)s est transmise à la DCAI pour confirmation.")
                % {"ref": designation.reference},
            )
            if services.acknowledgement_blocker(designation.profile.user):
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
    if not rules.may_renew(roles_for(request.user), previous, has_live_renewal=previous.has_live_renewal):
        if previous.direction_id not in roles_for(request.user).led_direction_ids:
            raise PermissionDenied
        messages.error(request, _("Cette désignation ne peut pas être renouvelée."))
        return redirect(previous)
    form = RenewalForm(request.POST or None, previous=previous)
    if request.method == "POST" and form.is_valid():
        try:
            renewal = services.designation_renew(
                designation=previous, actor=request.user, data=form.to_data()
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Le renouvellement %(ref)s est transmis à la DCAI pour confirmation.")
                % {"ref": renewal.reference},
            )
            return redirect(renewal)
    return render(request, "roster/designation_form.html", {"form": form, "previous": previous})


def _action(request: HttpRequest, pk: int, *, form_class, form_key: str, run, success: str) -> HttpResponse:
    designation = selectors.get_designation_for(request.user, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _detail(request, designation, forms={form_key: form}, status=400)
    try:
        run(designation, form.cleaned_data if form is not None else {})
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return redirect(designation)
        _apply_errors(form, error)
        return _detail(
            request, selectors.get_designation_for(request.user, pk), forms={form_key: form}, status=400
        )
    messages.success(request, success)
    return redirect(designation)


@require_POST
def designation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=ConfirmForm,
        form_key="confirm",
        run=lambda d, c: services.designation_confirm(
            designation=d, actor=request.user, comment=c["comment"]
        ),
        success=_("La désignation est confirmée ; la personne en est informée."),
    )


@require_POST
def designation_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=RefuseForm,
        form_key="refuse",
        run=lambda d, c: services.designation_refuse(designation=d, actor=request.user, comment=c["comment"]),
        success=_("La désignation est refusée ; la direction en est informée."),
    )


@require_POST
def designation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
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
    try:
        sent = services.designation_remind_acknowledgement(designation=designation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if sent:
            messages.success(request, _("Un rappel de prise de connaissance a été envoyé à la personne."))
        else:
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
        try:
            services.official_account_create(actor=request.user, data=form.to_data())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Le compte officiel est ajouté."))
            return redirect("roster:accounts")
    return render(request, "roster/account_form.html", {"form": form, "account": None})


@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_accounts_manager(request)
    account = get_object_or_404(OfficialAccount, pk=pk)
    form = AccountForm(request.POST or None, initial=AccountForm.initial_for(account))
    if request.method == "POST" and form.is_valid():
        try:
            services.official_account_update(account=account, actor=request.user, data=form.to_data())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Le compte officiel est modifié."))
            return redirect(reverse("roster:accounts"))
    return render(request, "roster/account_form.html", {"form": form, "account": account})
