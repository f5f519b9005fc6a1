"""DCAI's search of every incident (§7.3): filters, sortable columns and pages, all in the URL."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ..forms.search import IncidentSearchForm
from ..selectors.holder import with_holders
from ..selectors.search import DEFAULT_SORT, can_search_incidents, rows_in_order, search_incidents

PAGE_SIZE = 25
# Past this many matches the page says "more than" rather than counting them all: an exact count of a common
# word or a wide filter reads every match again, as long as the page itself (README, "Performance").
COUNT_CAP = 1000
# (sort key, column heading) of the sortable columns, in the order of the table.
COLUMNS = [
    ("reference", _("Référence")),
    ("declared", _("Déclaré le")),
    ("category", _("Catégorie")),
    ("level", _("Niveau et statut")),
    ("direction", _("Direction")),
    (None, _("Responsable")),
    ("deadline", _("Échéance")),
]


class CappedPaginator(Paginator):
    """Counts the matches up to COUNT_CAP + 1: the pages then go as far as the cap, and `capped` says there
    are more (the person narrows the search rather than reading past a thousand incidents)."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()  # the order does not change a count

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def sort_columns(current: str) -> list[dict]:
    """Each column heading with the sort its link asks for (the same column again reverses it) and its
    `aria-sort` state for screen readers."""
    key, descending = current.lstrip("-"), current.startswith("-")
    columns = []
    for name, label in COLUMNS:
        active = name is not None and name == key
        columns.append(
            {
                "label": label,
                "sort": None if name is None else (name if active and descending else f"-{name}" if active else name),
                "aria_sort": ("descending" if descending else "ascending") if active else "",
            }
        )
    return columns


def search(request):
    if not can_search_incidents(request.user):
        raise Http404
    form = IncidentSearchForm(request.GET or None)
    criteria = form.criteria()
    now = timezone.now()
    matches = search_incidents(request.user, criteria, now).values_list("pk", flat=True)
    page = CappedPaginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/search.html",
        {
            "form": form,
            "page_obj": page,
            "incidents": with_holders(rows_in_order(list(page.object_list)), now=now),
            "columns": sort_columns(criteria.sort or DEFAULT_SORT),
            "filtered": form.has_filters,
            "count_cap": COUNT_CAP,
        },
    )
