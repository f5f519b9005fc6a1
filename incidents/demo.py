"""Demo data of incidents: eight fictional declarations at every level, through the real services.

The employee's case waits for their manager, another waits for the employee's answer, one is with
the nursing direction, two are with DCAI (one urgent: a patient's information exposed, §6.1), and two
are closed (unfounded by a manager, §7.6; founded by DCAI with a takedown, §7.3).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal.models import StaffProfile

from .models import Incident, Takedown
from .services import (
    incident_close,
    incident_declare,
    incident_escalate,
    incident_record_takedown,
    incident_request_information,
    incident_take_in_charge,
)

# key → declaration; "declarer" names an entry of _people(); seen = hours before now.
DECLARATIONS: dict[str, dict] = {
    "waiting_manager": {
        "declarer": "employe",
        "platform": Incident.Platform.FACEBOOK,
        "category": Incident.Category.REPUTATION,
        "concerned_kind": Incident.Concerned.INSTITUTION,
        "still_online": Incident.StillOnline.YES,
        "seen": 20,
        "description": (
            "Dans un groupe Facebook public de résidents du quartier, une publication affirme que "
            "l'urgence « laisse les gens attendre douze heures sans explication » et invite à ne plus "
            "venir au CHUM. Plusieurs commentaires s'en prennent au personnel de l'urgence."
        ),
    },
    "question_to_declarer": {
        "declarer": "employe",
        "platform": Incident.Platform.INSTAGRAM,
        "category": Incident.Category.CONFIDENTIAL,
        "concerned_kind": Incident.Concerned.INSTITUTION,
        "seen": 70,
        "description": (
            "Une story Instagram d'un compte personnel montre le poste des infirmières de l'unité 7 "
            "avec le tableau de suivi en arrière-plan. Je n'ai pas pu voir si des noms étaient lisibles."
        ),
    },
    "with_direction": {
        "declarer": "team_member",
        "platform": Incident.Platform.TIKTOK,
        "category": Incident.Category.DEROGATORY,
        "concerned_kind": Incident.Concerned.STAFF,
        "concerned_staff": "colleague",
        "still_online": Incident.StillOnline.YES,
        "seen": 50,
        "links": "https://www.tiktok.com/@exemple-fictif/video/0000000000",
        "description": (
            "Un collègue publie sur TikTok des vidéos humoristiques tournées en uniforme dans la salle "
            "de repos, logo du CHUM visible. La dernière se moque des « patients qui sonnent pour rien »."
        ),
    },
    "urgent_patient": {
        "declarer": "care_worker",
        "platform": Incident.Platform.FACEBOOK,
        "category": Incident.Category.PATIENT_INFO,
        "patient_info_exposed": True,
        "concerned_kind": Incident.Concerned.PATIENT,
        "still_online": Incident.StillOnline.YES,
        "route_choice": Incident.RouteChoice.DCAI,
        "route_reason": "Renseignements d'un usager exposés : la DCAI doit agir sans attendre.",
        "seen": 2,
        "description": (
            "Une photo publiée dans un groupe Facebook de parents montre un enfant hospitalisé dont le "
            "bracelet d'identification est lisible (nom et date de naissance). Elle a été partagée "
            "une quarantaine de fois."
        ),
    },
    "fake_account": {
        "declarer": "it_worker",
        "platform": Incident.Platform.INSTAGRAM,
        "category": Incident.Category.IMPERSONATION,
        "concerned_kind": Incident.Concerned.INSTITUTION,
        "still_online": Incident.StillOnline.YES,
        "route_choice": Incident.RouteChoice.DCAI,
        "route_reason": "Faux compte au nom de l'établissement.",
        "seen": 30,
        "description": (
            "Un compte Instagram « chum.emplois.officiel » reprend le logo du CHUM et promet des postes "
            "contre des frais d'inscription de 150 $ payables par virement."
        ),
    },
    "closed_unfounded": {
        "declarer": "logistics_worker",
        "platform": Incident.Platform.LINKEDIN,
        "category": Incident.Category.CONFIDENTIAL,
        "concerned_kind": Incident.Concerned.INSTITUTION,
        "still_online": Incident.StillOnline.YES,
        "seen": 120,
        "description": (
            "Un fournisseur a publié sur LinkedIn une photo d'une livraison à notre quai de chargement. "
            "Des documents sont visibles sur le chariot ; ce sont peut-être des documents internes."
        ),
    },
    "closed_founded": {
        "declarer": "teaching_worker",
        "platform": Incident.Platform.X,
        "category": Incident.Category.CONFIDENTIAL,
        "concerned_kind": Incident.Concerned.INSTITUTION,
        "route_choice": Incident.RouteChoice.DCAI,
        "route_reason": "Une note interne non publiée circule à l'extérieur.",
        "seen": 160,
        "description": (
            "Une capture d'écran d'une note interne sur la réorganisation des stages circule sur X, "
            "avec un commentaire moqueur. La note n'a pas été rendue publique."
        ),
    },
    "other_manager": {
        "declarer": "allied_worker",
        "platform": Incident.Platform.FACEBOOK,
        "category": Incident.Category.NETIQUETTE,
        "concerned_kind": Incident.Concerned.VISITOR,
        "still_online": Incident.StillOnline.UNKNOWN,
        "seen": 8,
        "description": (
            "Sous la publication de la page officielle sur la Semaine des bénévoles, un visiteur publie "
            "à répétition des commentaires insultants envers l'accueil de la clinique externe."
        ),
    },
}


def _rank_and_file(code: str):
    """Staff of a direction who manage nobody, in a fixed order."""
    return (
        StaffProfile.objects.filter(direction__code=code, is_active=True, manager__isnull=False)
        .exclude(manager__manager__isnull=True)  # managers report to the head
        .exclude(user__username="employe")
        .select_related("user", "manager__user")
        .order_by("employee_number")
    )


def _people() -> dict | None:
    User = get_user_model()
    people = {u.username: u for u in User.objects.filter(username__in=["employe", "gestionnaire", "dcai"])}
    if len(people) < 3:
        return None
    team = _rank_and_file("DSI").filter(manager__user=people["gestionnaire"]).first()
    colleague = _rank_and_file("DSI").exclude(manager__user=people["gestionnaire"]).first()
    picks = {
        "team_member": team,
        "care_worker": _rank_and_file("DSP").first(),
        "it_worker": _rank_and_file("DRI").first(),
        "logistics_worker": _rank_and_file("DLOG").first(),
        "teaching_worker": _rank_and_file("DEAC").first(),
        "allied_worker": _rank_and_file("DSM").first(),
    }
    if colleague is None or None in picks.values():
        return None
    people.update({key: profile.user for key, profile in picks.items()})
    people["colleague"] = colleague
    people["logistics_manager"] = picks["logistics_worker"].manager.user
    return people


def _declare(spec: dict, people: dict) -> Incident:
    fields = {k: v for k, v in spec.items() if k not in ("declarer", "seen", "concerned_staff")}
    return incident_declare(
        declarer=people[spec["declarer"]],
        seen_at=timezone.now() - timedelta(hours=spec["seen"]),
        patient_info_exposed=fields.pop("patient_info_exposed", False),
        concerned_staff=people.get(spec.get("concerned_staff", "")),
        **fields,
    )


def seed_incidents(out: TextIO | None = None) -> None:
    """Idempotent: when any demo declaration is already there, nothing is done."""

    def say(line: str) -> None:
        if out is not None:
            out.write(line + "\n")

    descriptions = [spec["description"] for spec in DECLARATIONS.values()]
    if Incident.objects.filter(description__in=descriptions).exists():
        say("Incidents : déjà en place, rien à faire.")
        return
    people = _people()
    if people is None:
        say("Incidents : organisation de démonstration absente, rien à faire.")
        return
    manager, dcai = people["gestionnaire"], people["dcai"]
    with transaction.atomic():
        made = {key: _declare(spec, people) for key, spec in DECLARATIONS.items()}
        incident_take_in_charge(incident=made["question_to_declarer"], actor=manager)
        incident_request_information(
            incident=made["question_to_declarer"],
            actor=manager,
            question=(
                "Pouvez-vous préciser le nom du compte qui a publié la story et l'heure à laquelle vous "
                "l'avez vue ? Une story disparaît après 24 heures : une capture d'écran nous aiderait."
            ),
        )
        incident_take_in_charge(incident=made["with_direction"], actor=manager)
        incident_escalate(
            incident=made["with_direction"],
            actor=manager,
            assessment=(
                "Propos désobligeants envers les usagers, uniforme et logo visibles. Un rappel de la "
                "politique ne suffit pas : je transmets à la direction pour évaluer une mesure."
            ),
        )
        incident_take_in_charge(incident=made["fake_account"], actor=dcai)
        incident_record_takedown(
            incident=made["fake_account"],
            actor=dcai,
            requested_to=Takedown.RequestedTo.PLATFORM,
            requested_at=timezone.now() - timedelta(hours=1),
            details="Signalement d'usurpation d'identité envoyé par le formulaire d'Instagram.",
        )
        logistics_manager = people["logistics_manager"]
        incident_take_in_charge(incident=made["closed_unfounded"], actor=logistics_manager)
        incident_close(
            incident=made["closed_unfounded"],
            actor=logistics_manager,
            outcome=Incident.Outcome.UNFOUNDED,
            reason=(
                "Vérification faite : ce sont les bons de livraison du fournisseur, sans information "
                "du CHUM ni d'usager."
            ),
        )
        incident_take_in_charge(incident=made["closed_founded"], actor=dcai)
        incident_record_takedown(
            incident=made["closed_founded"],
            actor=dcai,
            requested_to=Takedown.RequestedTo.AUTHOR,
            requested_at=timezone.now() - timedelta(hours=3),
            details="Message privé à l'auteur de la publication.",
        )
        incident_close(
            incident=made["closed_founded"],
            actor=dcai,
            outcome=Incident.Outcome.FOUNDED,
            reason="Publication retirée par son auteur après notre demande ; rappel de la politique fait.",
            takedown_requested=True,
        )
    open_count = Incident.objects.filter(pk__in=[i.pk for i in made.values()]).exclude(level="closed").count()
    say(f"Incidents : {len(made)} déclaration(s) de démonstration, dont {open_count} en cours.")
