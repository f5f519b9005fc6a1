"""The person's notifications: list, open, mark read, mark all read, email preferences.

Services are called through `portal.actions.attempt`: a refusal lands on the form or as a message; a
notification of someone else is a 404 from the selector before any service runs.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.actions import attempt

from . import selectors, services
from .forms import PreferenceForm

PAGE_SIZE = 20


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET"])
def notification_list(request):
    unread_only = request.GET.get("filtre") == "non-lues"
    notifications = selectors.notifications_visible_to(request.user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
            "unread_only": unread_only,
        },
    )


@require_http_methods(["GET"])
def notification_open(request, pk: int):
    """Follow a notification to its object, marking it read on the way."""
    notification = selectors.get_notification_for(request.user, pk)
    attempt(request, lambda: services.notification_mark_read(user=request.user, notification=notification))
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(link)
    return redirect("notifications:list")


@require_POST
def notification_read(request, pk: int):
    notification = selectors.get_notification_for(request.user, pk)
    attempt(request, lambda: services.notification_mark_read(user=request.user, notification=notification))
    if request.htmx:
        return render(
            request,
            "notifications/_read_response.html",
            {
                "notification": notification,
                "unread": selectors.unread_count_for_request(request, refresh=True),
            },
        )
    return redirect(_safe_next(request, reverse("notifications:list")))


@require_POST
def notification_read_all(request):
    outcome = attempt(request, lambda: services.notifications_mark_all_read(user=request.user))
    if outcome.value:
        messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect(_safe_next(request, reverse("notifications:list")))


@require_http_methods(["GET", "POST"])
def preferences(request):
    preference = selectors.preference_for(request.user)
    form = PreferenceForm(request.POST or None, initial={"reminders": preference.reminders})
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: services.preference_set(user=request.user, reminders=form.cleaned_data["reminders"]),
            form=form,
            success=_("Vos préférences de notification sont enregistrées."),
        )
        if outcome.ok:
            return redirect("notifications:preferences")
    return render(
        request, "notifications/preferences.html", {"form": form}, status=400 if form.errors else 200
    )
