"""Demo data: disclosure requests of the demo employee (one waiting for an answer, one authorised) and
consents DCAI recorded for the official accounts (one expiring soon, one given by the demo employee)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from incidents.evidence import CleanFile
from portal.roster.models import OfficialAccount

from .models import AuthorisationRequest
from .services import (
    AuthorisationData,
    ConsentData,
    authorisation_ask,
    authorisation_authorise,
    authorisation_request,
    consent_record,
    publication_record,
)

# A 1 × 1 PNG: the demo's "signed form" (real forms go through the sanitiser).
_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5d3c1a40000000049454e44ae426082"
)


def seed_publishing(out) -> None:
    """Idempotent: nothing is added once a request exists."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["employe", "dcai"])}
    accounts = list(OfficialAccount.objects.filter(platform__in=["facebook", "instagram"]))
    if len(users) < 2 or not accounts or AuthorisationRequest.objects.exists():
        out.write("Autorisations et consentements : rien à ajouter.")
        return
    employee, dcai = users["employe"], users["dcai"]
    today = timezone.localdate()
    with transaction.atomic():
        first = authorisation_request(
            requester=employee,
            data=AuthorisationData(
                subject="Le nombre de patients traités au nouveau bloc opératoire depuis son ouverture.",
                medium="Radio-Canada (entrevue)",
                audience="Grand public",
                purpose="Un journaliste prépare un reportage sur le nouveau bloc.",
                wanted_until=today + datetime.timedelta(days=30),
            ),
        )
        authorisation_authorise(
            request=first,
            actor=dcai,
            valid_until=today + datetime.timedelta(days=30),
            conditions="Chiffres arrondis, sans nom de patient ni de médecin.",
        )
        second = authorisation_request(
            requester=employee,
            data=AuthorisationData(
                subject="Photo de l'affiche interne sur la réorganisation de l'unité 7B.",
                medium="LinkedIn personnel",
                audience="Réseau professionnel",
                purpose="Présenter le projet à des collègues d'autres établissements.",
                wanted_until=today + datetime.timedelta(days=14),
                draft_text="Fière de notre équipe qui repense l'unité 7B !",
            ),
        )
        authorisation_ask(request=second, actor=dcai, question="L'affiche montre-t-elle des noms d'employés ?")
        signed = [
            CleanFile(original_name="formulaire-signe.png", content_type="image/png", extension="png", data=_PIXEL)
        ]
        patient = consent_record(
            actor=dcai,
            data=ConsentData(
                person_kind="patient",
                person_name="Madeleine Tremblay",
                covers={"images", "name"},
                accounts=accounts,
                valid_from=today - datetime.timedelta(days=300),
                valid_until=today + datetime.timedelta(days=20),
            ),
            signed_form=signed,
        )
        consent_record(
            actor=dcai,
            data=ConsentData(
                person_kind="staff",
                staff_profile=employee.profile,
                covers={"images", "quotes"},
                accounts=accounts[:1],
                valid_from=today,
            ),
            signed_form=signed,
        )
        publication_record(
            actor=dcai,
            account=accounts[0],
            title="Portrait d'une patiente au retour à la maison",
            published_on=today - datetime.timedelta(days=10),
            consents=[patient],
        )
    out.write("Autorisations et consentements : 2 demandes, 2 consentements, 1 publication.")
