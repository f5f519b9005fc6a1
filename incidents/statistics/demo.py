"""Demo data for the oversight pages: fourteen months of past declarations (so the statistics, the search and
the board report have something to show), a login for the general direction (§7.2), and one board report.

Past declarations are written in bulk with the course the services would have left (levels reached, times
taken in charge, closures, takedowns, two register entries), one declaration and one closing event each.
Idempotent: nothing is done when the past declarations are already there.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal.models import Direction, StaffProfile

from ..models import BoardReport, Event, Incident, ReferenceCounter, RegisterEntry, Takedown
from . import period as periods

DG_USERNAME = "dg"
HISTORY_SIZE = 180
MARK = "(déclaration antérieure)"
SEEN = [
    "Une publication dans un groupe Facebook public critique l'attente à l'urgence et vise une infirmière.",
    "Une vidéo TikTok tournée en uniforme dans une salle de repos, logo du CHUM visible.",
    "Un compte Instagram reprend le logo du CHUM et propose des emplois contre paiement.",
    "Une photo d'un tableau de suivi de patients apparaît à l'arrière-plan d'une story.",
    "Des commentaires insultants répétés sous une publication de la page officielle.",
    "Une capture d'écran d'une note interne circule sur X avec un commentaire moqueur.",
    "Un article de blogue reprend sans autorisation des photos du site du CHUM.",
    "Un forum de discussion affirme à tort qu'un médecin du CHUM a été suspendu.",
    "Une publication LinkedIn d'un fournisseur montre des documents sur un chariot de livraison.",
    "Une photo d'un bracelet d'identification d'un enfant hospitalisé est partagée dans un groupe de parents.",
]
CATEGORIES = [
    (Incident.Category.REPUTATION, 26), (Incident.Category.DEROGATORY, 20), (Incident.Category.NETIQUETTE, 16),
    (Incident.Category.CONFIDENTIAL, 10), (Incident.Category.STAFF_INFO, 8), (Incident.Category.PATIENT_INFO, 8),
    (Incident.Category.IMPERSONATION, 6), (Incident.Category.COPYRIGHT, 4), (Incident.Category.OTHER, 2),
]
PLATFORMS = [
    (Incident.Platform.FACEBOOK, 40), (Incident.Platform.INSTAGRAM, 18), (Incident.Platform.TIKTOK, 14),
    (Incident.Platform.X, 10), (Incident.Platform.LINKEDIN, 6), (Incident.Platform.FORUM, 5),
    (Incident.Platform.YOUTUBE, 4), (Incident.Platform.BLOG, 2), (Incident.Platform.OTHER, 1),
]


def _pick(rng: random.Random, mix):
    values, weights = zip(*mix, strict=True)
    return rng.choices(values, weights)[0]


def _general_direction_login(say) -> None:
    """The head of the demo's general direction signs in as "dg" (the demo password of portal.demo)."""
    from portal.demo import DEMO_PASSWORD

    general = Direction.objects.filter(role=Direction.Role.GENERAL).select_related("head").first()
    if general is None or general.head is None:
        return
    head = general.head
    if head.username != DG_USERNAME and not get_user_model().objects.filter(username=DG_USERNAME).exists():
        head.username = DG_USERNAME
        head.set_password(DEMO_PASSWORD)
        head.save(update_fields=["username", "password"])
    if head.username == DG_USERNAME:
        say(f"Direction générale : {DG_USERNAME} ({head.get_full_name()}), mot de passe {DEMO_PASSWORD}.")


def _references(count: int, year: int) -> list[str]:
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year, last=0)], ignore_conflicts=True)
    ReferenceCounter.objects.filter(year=year).update(last=F("last") + count)
    last = ReferenceCounter.objects.get(year=year).last
    return [f"INC-{year}-{n:05d}" for n in range(last - count + 1, last + 1)]


def _one(rng: random.Random, declarer: StaffProfile, created, now, dcai_user) -> tuple[Incident, list]:
    """An incident's final state and course, and its takedown (if any)."""
    category = _pick(rng, CATEGORIES)
    urgent = category == Incident.Category.PATIENT_INFO
    incident = Incident(
        declarer_id=declarer.user_id,
        description=f"{rng.choice(SEEN)} {MARK}",
        platform=_pick(rng, PLATFORMS),
        seen_at=created - timedelta(hours=rng.randrange(1, 30)),
        category=category,
        patient_info_exposed=urgent,
        urgent=urgent,
        concerned_kind=Incident.Concerned.INSTITUTION,
        direction_id=declarer.direction_id,
        assigned_manager_id=declarer.manager_id,
    )
    incident.reached_manager_at = created
    moment = created + timedelta(hours=rng.randrange(1, 40))
    incident.taken_manager_at = moment
    recent = (now - created).days < 12
    route = rng.random()
    takedown = None
    if route < 0.5 or (recent and route < 0.7):  # closed (or still) at the manager's
        if recent and rng.random() < 0.5:
            incident.level, incident.status = Incident.Level.MANAGER, Incident.Status.IN_PROGRESS
            incident.taken_in_charge_by_id, incident.taken_in_charge_at = declarer.manager.user_id, moment
            incident.deadline_at = created + timedelta(days=rng.randrange(1, 6))
            return incident, []
        incident.level, incident.status = Incident.Level.CLOSED, Incident.Status.CLOSED
        incident.outcome, incident.closure_reason = Incident.Outcome.UNFOUNDED, "Vérification faite : non fondé."
        incident.closed_at_level = Incident.Level.MANAGER
        incident.closed_at = moment + timedelta(hours=rng.randrange(2, 90))
        return incident, []
    late = rng.random() < 0.15
    incident.auto_escalations, incident.missed_deadline = (1, True) if late else (0, False)
    incident.reached_direction_at = moment + timedelta(hours=rng.randrange(2, 60))
    incident.assigned_direction_id = declarer.direction_id
    incident.taken_direction_at = incident.reached_direction_at + timedelta(hours=rng.randrange(1, 50))
    incident.reached_dcai_at = incident.taken_direction_at + timedelta(hours=rng.randrange(2, 70))
    if recent and rng.random() < 0.6:
        incident.level, incident.status = Incident.Level.DCAI, Incident.Status.OPEN
        incident.deadline_at = incident.reached_dcai_at + timedelta(days=7)
        return incident, []
    incident.taken_dcai_at = incident.reached_dcai_at + timedelta(hours=rng.randrange(1, 20))
    incident.level, incident.status = Incident.Level.CLOSED, Incident.Status.CLOSED
    incident.outcome = rng.choices(
        [Incident.Outcome.FOUNDED, Incident.Outcome.UNFOUNDED, Incident.Outcome.DUPLICATE, Incident.Outcome.WITHDRAWN],
        [70, 15, 10, 5],
    )[0]
    incident.closure_reason = "Dossier traité par la DCAI."
    incident.closed_at_level = Incident.Level.DCAI
    incident.closed_at = incident.taken_dcai_at + timedelta(hours=rng.randrange(4, 200))
    if incident.outcome == Incident.Outcome.FOUNDED and rng.random() < 0.6:
        asked = incident.taken_dcai_at + timedelta(hours=rng.randrange(1, 12))
        removed = asked + timedelta(hours=rng.randrange(3, 120)) if rng.random() < 0.75 else None
        incident.takedown_requested = True
        takedown = Takedown(requested_to=Takedown.RequestedTo.PLATFORM, requested_at=asked,
                            removed_seen_at=removed, recorded_by=dcai_user)
    return incident, [takedown] if takedown else []


def _history(rng: random.Random, now, dcai_user) -> list[Incident]:
    declarers = list(
        StaffProfile.objects.filter(is_active=True, manager__isnull=False, user__is_active=True)
        .exclude(direction__role=Direction.Role.COMMUNICATIONS)
        .select_related("manager")
        .order_by("pk")
    )
    made: list[tuple[Incident, list]] = []
    for _i in range(HISTORY_SIZE):
        created = now - timedelta(days=rng.randrange(3, 425), minutes=rng.randrange(0, 1440))
        made.append(_one(rng, rng.choice(declarers), created, now, dcai_user))
    made.sort(key=lambda pair: pair[0].reached_manager_at)
    by_year: dict[int, list[Incident]] = {}
    for incident, _t in made:
        by_year.setdefault(timezone.localtime(incident.reached_manager_at).year, []).append(incident)
    for year, incidents in by_year.items():
        for incident, reference in zip(incidents, _references(len(incidents), year), strict=True):
            incident.reference = reference
    rows = Incident.objects.bulk_create([incident for incident, _t in made])
    for row in rows:  # created_at is stamped "now" by the insert: back to the declaration time
        Incident.objects.filter(pk=row.pk).update(created_at=row.reached_manager_at)
    events, takedowns = [], []
    for incident, extra in made:
        events.append(Event(incident=incident, kind=Event.Kind.DECLARED, actor_id=incident.declarer_id,
                            to_status=Incident.Status.OPEN, to_level=Incident.Level.MANAGER, visible_to_declarer=True))
        if incident.is_closed:
            events.append(Event(incident=incident, kind=Event.Kind.CLOSED, from_status=Incident.Status.IN_PROGRESS,
                                to_status=Incident.Status.CLOSED, from_level=incident.closed_at_level,
                                to_level=Incident.Level.CLOSED, visible_to_declarer=True))
        for takedown in extra:
            takedown.incident = incident
            takedowns.append(takedown)
    Event.objects.bulk_create(events)
    Takedown.objects.bulk_create(takedowns)
    return rows


def _register(rows: list[Incident], dcai_user) -> int:
    exposed = [r for r in rows if r.category == Incident.Category.PATIENT_INFO and r.reached_dcai_at][:2]
    for row in exposed:
        learned = timezone.localdate(row.reached_dcai_at)
        RegisterEntry.objects.create(
            incident=row, regime=RegisterEntry.Regime.HEALTH,
            information_description="Nom et photo d'un usager.",
            circumstances="Photo publiée dans un groupe public, retirée à notre demande.",
            incident_start=learned - timedelta(days=1), learned_start=learned, persons_count=1,
            persons_in_quebec=1, risk_sensitivity="Renseignements de santé.", risk_malicious_uses="Faibles.",
            risk_consequences="Atteinte à la vie privée.", risk_likelihood="Faible : retrait rapide.",
            serious_injury_risk=False, risk_conclusion_reason="Diffusion limitée et retrait en quelques heures.",
            measures="Retrait obtenu ; rappel de la politique au déclarant.",
            keep_until=date(learned.year + 6, learned.month, 28 if learned.month == 2 else learned.day),
            created_by=dcai_user,
        )
    return len(exposed)


def seed_oversight(out: TextIO | None = None) -> None:
    def say(line: str) -> None:
        if out is not None:
            out.write(line + "\n")

    _general_direction_login(say)
    if Incident.objects.filter(description__endswith=MARK).exists():
        say("Historique des incidents : déjà en place, rien à faire.")
        return
    dcai_user = get_user_model().objects.filter(username="dcai").first()
    if dcai_user is None or not StaffProfile.objects.filter(manager__isnull=False).exists():
        say("Historique des incidents : organisation de démonstration absente, rien à faire.")
        return
    rng = random.Random(10974)
    now = timezone.now()
    with transaction.atomic():
        rows = _history(rng, now, dcai_user)
        entries = _register(rows, dcai_user)
    say(f"Historique des incidents : {len(rows)} déclarations antérieures, {entries} inscriptions au registre.")
    if not BoardReport.objects.exists():
        from django.core.exceptions import ValidationError

        from ..services import board_report_generate

        today = timezone.localdate()
        year = today.year if today.month > 3 else today.year - 1
        last_quarter = periods.quarter(year, ((today.month - 1) // 3) or 4)
        try:
            report = board_report_generate(actor=dcai_user, period=last_quarter, language="fr")
        except ValidationError as refused:  # no WeasyPrint on this machine: the other pages still show
            say("Rapport au conseil d'administration : " + " ".join(refused.messages))
        else:
            say(f"Rapport au conseil d'administration : {report.reference}.")
