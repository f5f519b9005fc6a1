"""How long audit rows are kept: AUDIT_RETENTION_YEARS, never shorter than the register's
(REGISTER_RETENTION_YEARS, itself at least five years; docs/rules.md, "Audit")."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from portal.dates import add_years

from .chain import locked_head, seal_pending
from .models import AuditRecord

# The register's legal minimum; the PostgreSQL guard (migration 0002) refuses to delete younger rows.
MINIMUM_YEARS = 5


def audit_retention_years() -> int:
    """The configured period, refused when shorter than the register's or the legal minimum."""
    years = settings.AUDIT_RETENTION_YEARS
    register_years = getattr(settings, "REGISTER_RETENTION_YEARS", MINIMUM_YEARS)
    if not isinstance(years, int) or years < max(MINIMUM_YEARS, register_years):
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_YEARS={years!r} must be a whole number of years, at least the register's "
            f"({max(MINIMUM_YEARS, register_years)})"
        )
    return years


def audit_purge(*, batch: int = 5000) -> int:
    """Delete the oldest rows past their period, oldest first, and move the chain's anchor after them."""
    cutoff = add_years(timezone.now(), -audit_retention_years())
    seal_pending()  # the anchor is a chain hash: only sealed rows can go
    with transaction.atomic():
        head = locked_head()
        doomed = list(
            # Sealed rows only: the anchor is the chain hash of the last row purged.
            AuditRecord.objects.filter(at__lt=cutoff, id__gt=head.purged_through_id, id__lte=head.last_id)
            .order_by("id")
            .values_list("id", "chain_hash")[:batch]
        )
        if not doomed:
            return 0
        last_id, last_hash = doomed[-1]
        AuditRecord.objects.filter(id__lte=last_id, id__gt=head.purged_through_id).delete()
        head.purged_through_id, head.anchor_hash = last_id, last_hash
        head.save(update_fields=["purged_through_id", "anchor_hash"])
    return len(doomed)
