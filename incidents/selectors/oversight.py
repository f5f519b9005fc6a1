"""Who oversees the application of the policy, and the board reports they read (§7.1, §7.2, §7.3).

- DCAI (§7.3) and the head and delegates of the general direction (§7.2) read the statistics: counts and
  times only, never the content of an incident.
- DCAI generates the governance report for the board (§7.1); the general direction reads the reports too.
Anyone else gets 404 from these pages, and from a report's address (its existence is not revealed).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from portal.roles import roles_for

from ..models import BoardReport
from .visibility import pk_or_404

User = AbstractBaseUser | AnonymousUser | None


def can_see_statistics(user: User) -> bool:
    """§7.3 DCAI and §7.2 the general direction (its head and delegates): institution-wide figures."""
    roles = roles_for(user)
    return roles.is_dcai or roles.is_general_direction_lead


def leads_general_direction(user: User) -> bool:
    """§7.2: the head or a delegate of the general direction (its home page shows the institution's counts)."""
    return roles_for(user).is_general_direction_lead


def can_generate_board_reports(user: User) -> bool:
    """§7.1 with §7.3: DCAI prepares the governance report the board receives."""
    return roles_for(user).is_dcai


def can_read_board_reports(user: User) -> bool:
    """DCAI, who generates them, and the general direction, who answers to the board (§7.2)."""
    return can_see_statistics(user)


def board_reports_visible_to(user: User) -> QuerySet[BoardReport]:
    if not can_read_board_reports(user):
        return BoardReport.objects.none()
    return BoardReport.objects.select_related("generated_by").defer("pdf", "figures")


def get_board_report_for(user: User, pk, *, with_pdf: bool = False) -> BoardReport:
    """A kept report, else 404 (for a forged id and for anyone who does not read reports alike)."""
    reports = BoardReport.objects.select_related("generated_by")
    if not can_read_board_reports(user):
        raise Http404
    report = (reports if with_pdf else reports.defer("pdf")).filter(pk=pk_or_404(pk)).first()
    if report is None:
        raise Http404
    return report
