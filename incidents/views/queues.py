"""Handler queues: to handle, overdue, recently closed, with filters and pagination."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..forms import QueueFilterForm
from ..selectors import can_use_queues, queue_counts, queue_overdue, queue_recently_closed, queue_to_handle
from ..selectors.holder import HOLDER_RELATED, with_holders

PAGE_SIZE = 25
QUEUES = {
    "a-traiter": (_("À traiter"), queue_to_handle),
    "en-retard": (_("En retard"), queue_overdue),
    "recemment-fermes": (_("Récemment fermés"), queue_recently_closed),
}


def index(request):
    """/incidents/: handlers land on their queue, everyone else on their own declarations."""
    if can_use_queues(request.user):
        return redirect("incidents:queue", name="a-traiter")
    return redirect("incidents:mine")


def queue(request, name: str):
    if name not in QUEUES or not can_use_queues(request.user):
        raise Http404
    title, selector = QUEUES[name]
    base = selector(request.user)
    filters = QueueFilterForm(request.GET or None, queue=base)
    sort = request.GET.get("tri", "")
    incidents = filters.apply(base, sort=sort).select_related(*HOLDER_RELATED)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "incidents/queue.html",
        {
            "title": title,
            "queue_name": name,
            "queues": [(key, label) for key, (label, _sel) in QUEUES.items()],
            "counts": queue_counts(request.user),
            "filters": filters,
            "sort": sort,
            "page_obj": page,
            "incidents": with_holders(page.object_list, now=now),
            "now": now,
        },
    )
