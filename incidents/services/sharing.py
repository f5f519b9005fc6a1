"""DCAI shares one incident with one named person (legal counsel, an investigator), and revokes it (§7.3)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from portal.permissions import grant, revoke
from portal.workflow import lock

from .. import rules
from ..models import SHARE_PERMISSION, Event, Incident, IncidentUserObjectPermission
from ._common import IncidentActionError, concerned_user_id, log, notify_about, require

PERM = f"incidents.{SHARE_PERMISSION}"


def _is_shared(incident: Incident, user: AbstractBaseUser) -> bool:
    return IncidentUserObjectPermission.objects.filter(
        user=user, content_object=incident, permission__codename=SHARE_PERMISSION
    ).exists()


def incident_share(*, incident: Incident, actor: AbstractBaseUser, user: AbstractBaseUser) -> None:
    """§7.3: DCAI may let one named person read this incident (read only). Never the person concerned
    (docs/rules.md)."""
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.SHARE)
        if not user.is_active:
            raise IncidentActionError(_("Ce compte n'est pas actif."))
        if concerned_user_id(incident) == user.pk:
            raise IncidentActionError(_("La personne concernée par l'incident ne peut pas y avoir accès."))
        if user.pk == incident.declarer_id:
            raise IncidentActionError(_("Le déclarant voit déjà sa déclaration."))
        if _is_shared(incident, user):
            raise IncidentActionError(_("L'incident est déjà partagé avec cette personne."))
        grant(user=user, perm=PERM, obj=incident)
        log(incident, kind=Event.Kind.SHARED, actor=actor, note=user.get_full_name() or user.get_username())
        notify_about(incident, "incidents.shared", [user], actor=actor)


def incident_unshare(*, incident: Incident, actor: AbstractBaseUser, user: AbstractBaseUser) -> None:
    """§7.3: DCAI withdraws a share; the person is told."""
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.SHARE)
        if not _is_shared(incident, user):
            raise IncidentActionError(_("L'incident n'est pas partagé avec cette personne."))
        revoke(user=user, perm=PERM, obj=incident)
        log(incident, kind=Event.Kind.UNSHARED, actor=actor, note=user.get_full_name() or user.get_username())
        notify_about(incident, "incidents.unshared", [user], actor=actor)
