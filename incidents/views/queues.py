"""Handler queues: to handle, overdue, recently closed, with filters and pagination."""

from dataclasses import replace

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..forms import QueueFilterForm
from ..selectors import can_use_queues, queue_counts
from ..selectors.holder import HOLDER_RELATED, with_holders
from ..selectors.lists import queue_levels, queue_overdue_levels, queue_recently_closed_levels
from ..templatetags.incident_cells import QUEUE_ROW_FIELDS

PAGE_SIZE = 25
# Queues whose unfiltered count is one of the tab counts (incidents.selectors.queue_counts).
COUNTED = {"a-traiter": "to_handle", "en-retard": "overdue"}
QUEUES = {
    "a-traiter": (_("À traiter"), queue_levels),
    "en-retard": (_("En retard"), queue_overdue_levels),
    "recemment-fermes": (_("Récemment fermés"), queue_recently_closed_levels),
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
    # Read level by level (incidents.selectors.lists.LevelQueue): filters and sorting apply to each level.
    queue = selector(request.user)
    filters = QueueFilterForm(request.GET or None, queue=queue.whole)
    sort = request.GET.get("tri", "")
    incidents = queue.map(
        lambda base: filters.apply(base, sort=sort).select_related(*HOLDER_RELATED).only(*QUEUE_ROW_FIELDS)
    )
    counts = queue_counts(request.user)
    filtered = filters.is_bound and filters.is_valid() and any(filters.cleaned_data.values())
    if name in COUNTED and not filtered:
        incidents = replace(incidents, known_count=counts[COUNTED[name]])
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "incidents/queue.html",
        {
            "title": title,
            "queue_name": name,
            "queues": [(key, label) for key, (label, _sel) in QUEUES.items()],
            "counts": counts,
            "filters": filters,
            "sort": sort,
            "page_obj": page,
            "incidents": with_holders(page.object_list, now=now),
            "now": now,
        },
    )
