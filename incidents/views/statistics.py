"""The statistics page (§7.2 the general direction, §7.3 DCAI) and its CSV/XLSX export: counts and times only."""

from datetime import datetime

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from portal.exports import export_response

from ..forms.statistics import StatisticsForm
from ..selectors.oversight import can_generate_board_reports, can_see_statistics
from ..statistics import export
from ..statistics.board import present_institution
from ..statistics.cache import page_figures
from ..statistics.display import present
from ..statistics.institution import institution_figures


def _selection(request):
    if not can_see_statistics(request.user):
        raise Http404
    today = timezone.localdate()
    form = StatisticsForm(request.GET or None, today=today)
    period, direction = form.chosen_period(), form.chosen_direction()
    figures = page_figures(period, direction=direction, directions=list(form.directions.values()))
    return form, period, direction, figures, institution_figures(today, direction)


def statistics(request):
    form, period, direction, figures, institution = _selection(request)
    return render(
        request,
        "incidents/statistics/page.html",
        {
            "form": form,
            "period": period,
            "direction": direction,
            "stats": present(figures),
            # The figures may have been counted a few minutes ago (statistics.cache): the page says when.
            "computed_at": datetime.fromisoformat(figures["computed_at"]),
            "institution": present_institution(institution),
            "query": request.GET.urlencode(),
            "may_generate_report": can_generate_board_reports(request.user),
        },
    )


def statistics_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, period, direction, figures, institution = _selection(request)
    suffix = f"-{direction.code}" if direction is not None else ""
    return export_response(
        fmt,
        f"statistiques-incidents-{period.token}{suffix}",
        export.header(),
        export.rows(figures, institution, period.label),
        separator=request.GET.get("sep"),
    )
