"""DCAI pages (§7.3): draft editing, the board's approval (§7.1), putting a version in force.

Each page acts on a version only when `version_actions` (the map of policies.workflow and who may
act) allows it; the service checks the same again and its refusals land on the form (portal.actions).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.actions import attempt

from .. import services
from ..forms import (
    ApprovalForm,
    DraftForm,
    NewDraftForm,
    PutInForceForm,
    SectionFormSet,
    ordered_sections,
    section_initial,
)
from ..models import PolicyVersion
from ..selectors import (
    get_policy_to_manage,
    get_version_to_act_on,
    in_force_version_of,
    version_actions,
    versions_to_manage,
    with_version_actions,
)
from ..workflow import APPROVE, EDIT, PUT_IN_FORCE


def _refuse_wrong_status(request, version: PolicyVersion, action: str):
    """None when `action` applies to the version now; else the redirect to its page, with why."""
    if action in version_actions(request.user, version):
        return None
    messages.error(
        request,
        _("Cette action ne s'applique pas à une version « %(status)s ».") % {"status": version.get_status_display()},
    )
    return redirect(version.get_absolute_url())


def manage(request):
    page = Paginator(versions_to_manage(request.user), 50).get_page(request.GET.get("page"))
    versions = with_version_actions(request.user, page.object_list)
    return render(
        request,
        "policies/manage.html",
        {"page_obj": page, "versions": versions, "new_form": NewDraftForm()},
    )


@require_POST
def version_new(request, number: str):
    policy = get_policy_to_manage(request.user, number)
    form = NewDraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez un libellé de version."))
        return redirect("policies:manage")
    outcome = attempt(
        request,
        lambda: services.version_create_draft(policy=policy, actor=request.user, label=form.cleaned_data["label"]),
        success=lambda draft: _("Brouillon « %(label)s » créé.") % {"label": draft.label},
    )
    if outcome.ok:
        return redirect("policies:version_edit", policy.number, outcome.value.pk)
    return redirect("policies:manage")


def version_edit(request, number: str, pk: int):
    version = get_version_to_act_on(request.user, number, pk)
    refused = _refuse_wrong_status(request, version, EDIT)
    if refused:
        return refused
    form = DraftForm(request.POST or None, instance=version)
    formset = SectionFormSet(request.POST or None, initial=section_initial(version), prefix="sections")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        outcome = attempt(
            request,
            lambda: services.version_update_draft(
                version=version,
                actor=request.user,
                fields={name: form.cleaned_data[name] for name in DraftForm.Meta.fields},
                sections=ordered_sections(formset),
            ),
            form=form,
            success=_("Brouillon enregistré."),
        )
        if outcome.ok:
            return redirect("policies:version_edit", version.policy.number, version.pk)
    return render(
        request, "policies/version_edit.html", {"version": version, "form": form, "formset": formset}
    )


def version_approve(request, number: str, pk: int):
    version = get_version_to_act_on(request.user, number, pk)
    refused = _refuse_wrong_status(request, version, APPROVE)
    if refused:
        return refused
    form = ApprovalForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: services.version_record_approval(version=version, actor=request.user, **form.cleaned_data),
            form=form,
            success=_("Approbation enregistrée."),
        )
        if outcome.ok:
            return redirect(version.get_absolute_url())
    return render(request, "policies/version_approve.html", {"version": version, "form": form})


def version_put_in_force(request, number: str, pk: int):
    version = get_version_to_act_on(request.user, number, pk)
    refused = _refuse_wrong_status(request, version, PUT_IN_FORCE)
    if refused:
        return refused
    form = PutInForceForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: services.version_put_in_force(version=version, actor=request.user, **form.cleaned_data),
            form=form,
            success=_("La version %(label)s est en vigueur.") % {"label": version.label},
        )
        if outcome.ok:
            return redirect(version.policy.get_absolute_url())
    return render(
        request,
        "policies/version_put_in_force.html",
        {"version": version, "form": form, "current": in_force_version_of(version.policy)},
    )
