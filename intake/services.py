"""Writes of intake: an anonymous or external declaration and its receipt (docs/rules.md, "Anonymous reports").

The declaration itself is `incidents.services.incident_declare` with no declarer (same checks, same
evidence hygiene, routed to DCAI); this adds the receipt in the same transaction. The code is returned
once, to be shown once; only its prefix and slow hash are kept (intake.receipts).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from incidents.models import Incident
from incidents.services import incident_declare

from .models import Receipt
from .receipts import PREFIX_DIGITS, digest_of, new_code


@dataclass(frozen=True)
class Declared:
    incident: Incident
    code: str  # the receipt code, in clear: show it once and forget it


def intake_declare(*, source: str, contact: str = "", **declaration) -> Declared:
    """Record an anonymous (staff, signed in or not) or external (public page) declaration with its receipt.

    `declaration` takes the fields of `incident_declare`; nothing about the person is passed or stored
    but the contact details an external reporter chose to give.
    """
    if source not in (Incident.Source.ANONYMOUS, Incident.Source.EXTERNAL):
        raise ValueError(f"not an intake source: {source!r}")
    code = new_code()
    digest = digest_of(code)  # slow: computed before the transaction opens
    with transaction.atomic():
        incident = incident_declare(declarer=None, source=source, reporter_contact=contact, **declaration)
        Receipt.objects.create(incident=incident, prefix=code[:PREFIX_DIGITS], digest=digest)
    return Declared(incident=incident, code=code)
