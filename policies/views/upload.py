"""DCAI sends a policy document from the management page (§7.3): a preview first, then a draft.

The preview is `import_policy --dry-run` and writes nothing; "Créer le brouillon" runs the same import for
real (policies.importer.upload). Anyone who does not manage policies gets 404, as if the pages did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.actions import attempt
from portal.submissions import attempt_once

from ..forms import PolicyImportConfirmForm, PolicyUploadForm
from ..importer import upload
from ..importer.loader import ImportResult
from ..selectors import can_manage_policies


def _only_managers(request) -> None:
    if not can_manage_policies(request.user):
        raise Http404


def import_upload(request):
    _only_managers(request)
    form = PolicyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, data = form.cleaned_data["document"]
        outcome = attempt(
            request,
            lambda: upload.import_preview(
                actor=request.user, name=name, data=data, accept_date_fix=form.cleaned_data["accept_date_fix"]
            ),
            form=form,
        )
        if outcome.ok:
            preview = outcome.value
            return render(
                request,
                "policies/import_preview.html",
                {"preview": preview, "name": name, "form": PolicyImportConfirmForm(initial={"token": preview.token})},
            )
    return render(request, "policies/import_upload.html", {"form": form})


def _result_url(result: ImportResult) -> str:
    if result.version_action in ("created", "updated"):
        return reverse("policies:version_edit", args=[result.version.policy.number, result.version.pk])
    return reverse("policies:manage")


def _result_message(result: ImportResult) -> str:
    values = {"label": result.version_label or getattr(result.version, "label", "")}
    if result.version_action == "created":
        return _("Brouillon « %(label)s » créé à partir du document.") % values
    if result.version_action == "updated":
        return _("Brouillon « %(label)s » mis à jour à partir du document.") % values
    if result.version_action == "identical":
        return _("Texte identique à la version %(label)s : aucun brouillon créé.") % values
    return _("Le brouillon « %(label)s » contient déjà ce texte : rien n'a changé.") % values


@require_POST
def import_confirm(request):
    _only_managers(request)
    form = PolicyImportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Envoyez de nouveau le document à importer."))
        return redirect("policies:import")
    outcome = attempt_once(
        request,
        lambda: upload.import_confirm(actor=request.user, token=form.cleaned_data["token"]),
        result_url=_result_url,
        success=_result_message,
    )
    return redirect(outcome.url if outcome.ok else reverse("policies:import"))
