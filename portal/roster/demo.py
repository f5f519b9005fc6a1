"""Demo data of the roster: the institution's official accounts and one designation waiting for DCAI."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from portal.models import StaffProfile
from portal.roles import dcai_direction

from .models import Designation, OfficialAccount
from .services import DesignationData, designation_create

ACCOUNTS = [
    ("facebook", "CHUMontreal", "https://www.facebook.com/CHUMontreal"),
    ("instagram", "chumontreal", "https://www.instagram.com/chumontreal"),
    ("x", "CHUMontreal", "https://x.com/CHUMontreal"),
    ("linkedin", "chum", "https://www.linkedin.com/company/chum"),
    ("youtube", "CHUMtv", "https://www.youtube.com/@CHUMtv"),
]
DEMO_HEAD = "direction"
DEMO_EMPLOYEE = "employe"


def seed_roster(out) -> None:
    """Idempotent: accounts are created once; the demo employee is designated once by their director."""
    dcai = dcai_direction()
    if dcai is None:
        out.write("Utilisateurs autorisés : aucune direction DCAI, rien à faire.")
        return
    with transaction.atomic():
        created = 0
        for platform, handle, url in ACCOUNTS:
            _account, was_created = OfficialAccount.objects.get_or_create(
                platform=platform, handle=handle, defaults={"url": url, "direction": dcai}
            )
            created += was_created
        employee = (
            StaffProfile.objects.select_related("user", "direction")
            .filter(user__username=DEMO_EMPLOYEE)
            .first()
        )
        head = employee.direction.head if employee else None
        designated = False
        if (
            employee
            and head
            and head.username == DEMO_HEAD
            and not Designation.objects.filter(profile=employee).exists()
        ):
            start = timezone.localdate()
            designation_create(
                actor=head,
                profile=employee,
                data=DesignationData(
                    accounts=list(OfficialAccount.objects.filter(platform__in=["facebook", "instagram"])),
                    role=Designation.Role.PUBLISHER,
                    justification="Publier les nouvelles de la direction des soins infirmiers.",
                    start_date=start,
                    end_date=start + datetime.timedelta(days=180),
                ),
            )
            designated = True
    out.write(
        f"Utilisateurs autorisés : {created} compte(s) officiel(s) ajouté(s)"
        f"{', une désignation en attente de la DCAI' if designated else ''}."
    )
