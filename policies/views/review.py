"""The review cycle of the policies in force, for DCAI (§7.3 keeps the policy up to date; policies.review)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.actions import attempt

from .. import services
from ..forms import PlanReviewForm
from ..review import reviews
from ..selectors import can_manage_policies, get_version_to_act_on, version_history
from ..workflow import PLAN_REVIEW
from .manage import _refuse_wrong_status


def review_list(request):
    """Policies due for review: every version in force, most pressing first."""
    if not can_manage_policies(request.user):
        raise PermissionDenied
    return render(request, "policies/review_list.html", {"reviews": reviews(timezone.localdate())})


def version_plan_review(request, number: str, pk: int):
    version = get_version_to_act_on(request.user, number, pk)
    refused = _refuse_wrong_status(request, version, PLAN_REVIEW)
    if refused:
        return refused
    form = PlanReviewForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: services.version_plan_review(version=version, actor=request.user, **form.cleaned_data),
            form=form,
            success=_("Prochaine révision planifiée."),
        )
        if outcome.ok:
            return redirect("policies:reviews")
    history = [event for event in version_history(request.user, version) if event.action == "review"]
    return render(
        request, "policies/version_plan_review.html", {"version": version, "form": form, "history": history}
    )
