"""Governance reports for the board (§7.1): the list, a preview of a period, generating one, and each kept
report as a printable page and as its PDF. DCAI generates; DCAI and the general direction read."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.actions import attempt

from ..forms.statistics import PeriodForm
from ..selectors.oversight import (
    board_reports_visible_to,
    can_generate_board_reports,
    can_read_board_reports,
    get_board_report_for,
)
from ..services import board_report_generate
from ..statistics.board import board_figures, present_report

PAGE_SIZE = 20


def _readers_only(request) -> None:
    if not can_read_board_reports(request.user):
        raise Http404


def board_reports(request, form: PeriodForm | None = None):
    _readers_only(request)
    page = Paginator(board_reports_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/reports/list.html",
        {
            "page_obj": page,
            "reports": page.object_list,
            "form": form or PeriodForm(today=timezone.localdate()),
            "may_generate": can_generate_board_reports(request.user),
        },
    )


def board_report_preview(request):
    """The report of a period as it would be generated now (not kept), to read or print before generating."""
    _readers_only(request)
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    period = form.chosen_period()
    return render(
        request,
        "incidents/reports/report.html",
        {
            **present_report(board_figures(period)),
            "form": form,
            "preview": True,
            "may_generate": can_generate_board_reports(request.user),
        },
    )


@require_POST
def board_report_create(request):
    _readers_only(request)
    if not can_generate_board_reports(request.user):
        raise PermissionDenied
    form = PeriodForm(request.POST, today=timezone.localdate())
    if not form.is_valid() or not form.cleaned_data.get("chosen"):
        if not form.errors:
            form.add_error("period", _("Choisissez une période."))
        return board_reports(request, form=form)
    outcome = attempt(
        request,
        lambda: board_report_generate(actor=request.user, period=form.cleaned_data["chosen"]),
        form=form,
        success=lambda report: _("Rapport %(reference)s produit et conservé.") % {"reference": report.reference},
    )
    if not outcome.ok:
        return board_reports(request, form=form)
    return redirect(outcome.value)


def board_report(request, report_pk: int):
    report = get_board_report_for(request.user, report_pk)
    return render(
        request,
        "incidents/reports/report.html",
        {**present_report(report.figures), "report": report, "preview": False},
    )


def board_report_pdf(request, report_pk: int):
    report = get_board_report_for(request.user, report_pk, with_pdf=True)
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
