"""DCAI pages (§7.3): draft editing, the board's approval (§7.1), putting a version in force."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
from ..selectors import can_manage_policies, get_policy_for, get_version_for, versions_visible_to


def _require_manager(request) -> None:
    if not can_manage_policies(request.user):
        raise PermissionDenied


def _manageable_version(request, number: str, pk: int, status: str) -> PolicyVersion:
    """404 when the person may not see the version (drafts are DCAI's), 403 when they may see but not act."""
    version = get_version_for(request.user, number, pk)
    _require_manager(request)
    if version.status != status:
        messages.error(
            request,
            _("Cette action ne s'applique pas à une version « %(status)s ».")
            % {"status": version.get_status_display()},
        )
        raise _WrongStatus(version)
    return version


class _WrongStatus(Exception):
    def __init__(self, version: PolicyVersion):
        self.version = version


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def manage(request):
    _require_manager(request)
    versions = (
        versions_visible_to(request.user)
        .annotate(section_count=Count("sections"))
        .order_by("policy__number", "-created_at")
    )
    page = Paginator(versions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/manage.html",
        {"page_obj": page, "versions": page.object_list, "new_form": NewDraftForm()},
    )


@require_POST
def version_new(request, number: str):
    policy = get_policy_for(request.user, number)
    _require_manager(request)
    form = NewDraftForm(request.POST)
    if form.is_valid():
        try:
            draft = services.version_create_draft(
                policy=policy, actor=request.user, label=form.cleaned_data["label"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Brouillon « %(label)s » créé.") % {"label": draft.label})
            return redirect("policies:version_edit", policy.number, draft.pk)
    else:
        messages.error(request, _("Indiquez un libellé de version."))
    return redirect("policies:manage")


def version_edit(request, number: str, pk: int):
    try:
        version = _manageable_version(request, number, pk, PolicyVersion.Status.DRAFT)
    except _WrongStatus as wrong:
        return redirect(wrong.version.get_absolute_url())
    form = DraftForm(request.POST or None, instance=version)
    formset = SectionFormSet(request.POST or None, initial=section_initial(version), prefix="sections")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.version_update_draft(
                version=version,
                actor=request.user,
                fields={name: form.cleaned_data[name] for name in DraftForm.Meta.fields},
                sections=ordered_sections(formset),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Brouillon enregistré."))
            return redirect("policies:version_edit", version.policy.number, version.pk)
    return render(
        request, "policies/version_edit.html", {"version": version, "form": form, "formset": formset}
    )


def version_approve(request, number: str, pk: int):
    try:
        version = _manageable_version(request, number, pk, PolicyVersion.Status.DRAFT)
    except _WrongStatus as wrong:
        return redirect(wrong.version.get_absolute_url())
    form = ApprovalForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_record_approval(version=version, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Approbation enregistrée."))
            return redirect(version.get_absolute_url())
    return render(request, "policies/version_approve.html", {"version": version, "form": form})


def version_put_in_force(request, number: str, pk: int):
    try:
        version = _manageable_version(request, number, pk, PolicyVersion.Status.APPROVED)
    except _WrongStatus as wrong:
        return redirect(wrong.version.get_absolute_url())
    form = PutInForceForm(request.POST or None, version=version)
    current = version.policy.versions.filter(status=PolicyVersion.Status.IN_FORCE).first()
    if request.method == "POST" and form.is_valid():
        try:
            services.version_put_in_force(version=version, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("La version %(label)s est en vigueur.") % {"label": version.label})
            return redirect(version.policy.get_absolute_url())
    return render(
        request, "policies/version_put_in_force.html", {"version": version, "form": form, "current": current}
    )
