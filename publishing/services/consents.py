"""Consents for publication (§6.1): record, withdraw."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.evidence import CleanFile
from portal.models import StaffProfile
from portal.notifications.services import notify_people
from portal.roles import roles_for
from portal.roster.models import OfficialAccount
from portal.workflow import lock, record_event, transition

from .. import rules
from ..files import file_fields, remove_private, store
from ..models import Consent, ConsentEvent, ConsentForm
from ..selectors import authorized_users_of, covered_account_ids, run_account_ids

Kind = Consent.PersonKind


@dataclass(frozen=True)
class ConsentData:
    person_kind: str
    accounts: list[OfficialAccount]
    valid_from: datetime.date
    covers: set[str] = field(default_factory=set)  # of "images", "video", "name", "quotes"
    staff_profile: StaffProfile | None = None
    person_name: str = ""
    valid_until: datetime.date | None = None
    collected_by: AbstractBaseUser | None = None


COVERS = ("images", "video", "name", "quotes")


def _checked(data: ConsentData) -> dict:
    errors: dict[str, str] = {}
    if data.person_kind not in Kind.values:
        errors["person_kind"] = _("Choisissez qui est montré ou nommé.")
    name = " ".join((data.person_name or "").split())
    if data.person_kind == Kind.STAFF:
        if data.staff_profile is None:
            errors["staff"] = _("Choisissez l'intervenant dans l'organisation.")
        else:
            name = data.staff_profile.full_name
    elif not name:
        errors["person_name"] = _("Indiquez le nom de la personne.")
    if not set(data.covers) & set(COVERS):
        errors["covers"] = _("Indiquez ce que couvre le consentement.")
    if not data.accounts:
        errors["accounts"] = _("Choisissez au moins un compte officiel.")
    if data.valid_until is not None and data.valid_until < data.valid_from:
        errors["valid_until"] = _("La date de fin doit suivre la date de début.")
    if errors:
        raise ValidationError(errors)
    return {
        "person_kind": data.person_kind,
        "staff_profile": data.staff_profile if data.person_kind == Kind.STAFF else None,
        "person_name": name[:200],
        **{f"covers_{name}": name in data.covers for name in COVERS},
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
    }


def consent_record(
    *, actor: AbstractBaseUser, data: ConsentData, signed_form: list[CleanFile] | None = None
) -> Consent:
    """§6.1: an authorized user (for the accounts they run) or DCAI records the consent of a person shown or
    named, with the signed form (sanitised like incident evidence)."""
    roles = roles_for(actor)
    runs = run_account_ids(actor)
    if not rules.may_record_consent(roles, runs):
        raise PermissionDenied
    fields = _checked(data)
    if not rules.may_record_for(roles, runs, {a.pk for a in data.accounts}):
        raise ValidationError(
            {"accounts": _("Vous ne pouvez nommer que les comptes officiels dont vous êtes utilisateur autorisé.")}
        )
    if any(not account.is_active for account in data.accounts):
        raise ValidationError({"accounts": _("Un compte officiel choisi n'est plus actif.")})
    if not signed_form:
        raise ValidationError({"signed_form": _("Joignez le formulaire de consentement signé.")})
    written: list[str] = []
    try:
        with transaction.atomic():
            consent = Consent.objects.create(**fields, collected_by=data.collected_by or actor, recorded_by=actor)
            consent.accounts.set(data.accounts)
            for clean in signed_form:
                written.append(store(clean))
                ConsentForm.objects.create(consent=consent, **file_fields(clean, written[-1], actor))
            record_event(consent, actor=actor, before="", after=consent.status, action=ConsentEvent.Action.RECORDED)
    except BaseException:
        remove_private(written)
        raise
    return consent


def consent_withdraw(
    *, consent: Consent, actor: AbstractBaseUser, withdrawn_on: datetime.date, channel: str, note: str = ""
) -> Consent:
    """§6.1: a withdrawn consent stops the use of the material at once: the authorized users of every
    covered account are told (urgent, each once), and every publication linked to it shows the withdrawal."""
    if channel not in Consent.Channel.values:
        raise ValidationError({"channel": _("Indiquez comment le retrait a été communiqué.")})
    if withdrawn_on is None or withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("La date du retrait ne peut pas être dans le futur.")})
    with transaction.atomic():
        consent = lock(consent)
        covered = covered_account_ids(consent)
        roles = roles_for(actor)
        if not rules.may_withdraw(roles, actor, consent, run_account_ids=run_account_ids(actor), covered=covered):
            if rules.CONSENT_WORKFLOW.allows(consent.status, "withdraw"):
                raise PermissionDenied
            rules.CONSENT_WORKFLOW.next_state(consent.status, "withdraw")
        if withdrawn_on < consent.valid_from:
            raise ValidationError({"withdrawn_on": _("Le retrait ne peut précéder le consentement.")})
        consent.withdrawn_on = withdrawn_on
        consent.withdrawal_channel = channel
        consent.withdrawn_by = actor
        transition(
            consent,
            workflow=rules.CONSENT_WORKFLOW,
            action="withdraw",
            actor=actor,
            note=(note or "").strip(),
            update_fields=["withdrawn_on", "withdrawal_channel", "withdrawn_by"],
            event={"action": ConsentEvent.Action.WITHDRAWN},
        )
        notify_people(
            "publishing.consent_withdrawn",
            authorized_users_of(covered),
            target=consent,
            actor=actor,
            context={"withdrawn_on": withdrawn_on},
        )
    return consent
