"""Personal-data requests and exports (Quebec privacy law; docs/rules.md, "Personal information").

DCAI only. The export gathers what the portal holds about one staff member: the organisation's sections
here (profile, designations) and each app's through `settings.PORTAL_PERSONAL_DATA_SECTIONS` (callables
`section(profile) -> {"title", "header", "rows"}`), each limited to that person's own data.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.hooks import call_each
from portal.models import StaffProfile
from portal.roles import roles_for
from portal.roster.models import Designation, DesignationAccount

from .models import ANSWER_DAYS, PersonalDataRequest


def may_handle_requests(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and roles_for(user).is_dcai


def _require(actor: AbstractBaseUser) -> None:
    if not may_handle_requests(actor):
        raise PermissionDenied


def request_record(
    *, actor: AbstractBaseUser, profile: StaffProfile, kind: str, received_on: date, details: str
) -> PersonalDataRequest:
    """Record an access or rectification request; the answer is due 30 days after it was received."""
    _require(actor)
    details = (details or "").strip()
    if kind not in PersonalDataRequest.Kind.values:
        raise ValidationError({"kind": _("Choisissez le type de demande.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("La date de réception ne peut pas être dans le futur.")})
    if not details:
        raise ValidationError({"details": _("Décrivez l'objet de la demande.")})
    return PersonalDataRequest.objects.create(
        profile=profile,
        kind=kind,
        received_on=received_on,
        due_on=received_on + timedelta(days=ANSWER_DAYS),
        details=details,
        recorded_by=actor,
    )


def request_answer(
    *, actor: AbstractBaseUser, request: PersonalDataRequest, answered_on: date, answer: str
) -> PersonalDataRequest:
    """Record the answer once; it is not changed afterwards."""
    _require(actor)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Écrivez la réponse donnée.")})
    if answered_on > timezone.localdate() or answered_on < request.received_on:
        raise ValidationError({"answered_on": _("La date de réponse doit être entre la réception et aujourd'hui.")})
    with transaction.atomic():
        locked = PersonalDataRequest.objects.select_for_update().get(pk=request.pk)
        if locked.answered_on is not None:
            raise ValidationError(_("Cette demande a déjà sa réponse."))
        locked.answered_on, locked.answer, locked.answered_by = answered_on, answer, actor
        locked.save(update_fields=["answered_on", "answer", "answered_by"])
    return locked


def _profile_section(profile: StaffProfile) -> dict:
    user = profile.user
    manager = profile.manager.user.get_full_name() if profile.manager_id else ""
    return {
        "title": _("Profil"),
        "header": [
            _("Nom"),
            _("Courriel"),
            _("Matricule"),
            _("Direction"),
            _("Gestionnaire"),
            _("Catégorie"),
            _("Langue"),
            _("Actif"),
            _("Entrée en fonction"),
        ],
        "rows": [
            [
                user.get_full_name(),
                user.email,
                profile.employee_number,
                str(profile.direction),
                manager,
                profile.get_category_display(),
                profile.get_language_display(),
                profile.is_active,
                profile.start_date,
            ]
        ],
    }


def _designations_section(profile: StaffProfile) -> dict:
    designations = Designation.objects.filter(profile=profile).order_by("start_date")
    accounts: dict[int, list[str]] = {}
    for link in DesignationAccount.objects.filter(designation__in=designations).select_related("account"):
        accounts.setdefault(link.designation_id, []).append(str(link.account))
    return {
        "title": _("Désignations d'utilisateur autorisé"),
        "header": [_("Début"), _("Fin"), _("Statut"), _("Comptes"), _("Justification")],
        "rows": [
            [d.start_date, d.end_date, d.get_status_display(), ", ".join(accounts.get(d.pk, [])), d.justification]
            for d in designations
        ],
    }


def personal_data_sections(profile: StaffProfile) -> list[dict]:
    """Everything the portal holds about this person, section by section."""
    return [
        _profile_section(profile),
        _designations_section(profile),
        *call_each("PORTAL_PERSONAL_DATA_SECTIONS", profile),
    ]
