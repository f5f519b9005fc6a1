"""Writes about policies: the life of a version from draft to superseded.

§7.3: DCAI writes the policy and keeps it up to date (drafts). §7.1: the board adopts it (the
approval is recorded with its date and resolution number). Putting a version in force supersedes
the previous one in the same transaction; the database keeps at most one version in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.notifications.services import notify_many
from portal.roles import direction_leads, hr_direction

from .dates import VersionDates, validate_version_dates
from .models import Policy, PolicyVersion, PolicyVersionEvent, Section
from .selectors import can_manage_policies

Status = PolicyVersion.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.APPROVED},
    Status.APPROVED: {Status.IN_FORCE},
    Status.IN_FORCE: {Status.SUPERSEDED},
    Status.SUPERSEDED: set(),
}

# Fields of a draft DCAI may edit (the approval fields are written by `version_record_approval`).
DRAFT_FIELDS = (
    "label",
    "purpose",
    "issued_on",
    "revised_on",
    "change_summary",
    "next_review_on",
    "requires_acknowledgement",
    "approving_body",
    "signatory",
)


@dataclass(frozen=True)
class SectionData:
    number: str
    title: str
    body: str = ""
    level: int = 1
    is_annex: bool = False

    def as_tuple(self) -> tuple:
        return (self.number, self.title, self.body, self.level, self.is_annex)


def _require_manager(actor: AbstractBaseUser | None) -> None:
    # actor=None is the system itself (import_policy, seed_demo), run by an operator with shell access.
    if actor is not None and not can_manage_policies(actor):
        raise PermissionDenied(_("Seule la DCAI gère les versions des politiques."))


def _lock(version: PolicyVersion) -> PolicyVersion:
    return PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)


def _check_transition(version: PolicyVersion, to: str) -> None:
    if to not in TRANSITIONS[version.status]:
        raise ValidationError(
            _("Une version « %(from)s » ne peut pas passer au statut « %(to)s ».")
            % {"from": version.get_status_display(), "to": Status(to).label}
        )


def record_event(
    *,
    version: PolicyVersion,
    action: str,
    actor: AbstractBaseUser | None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> PolicyVersionEvent:
    return PolicyVersionEvent.objects.create(
        version=version, action=action, actor=actor, from_status=from_status, to_status=to_status, note=note
    )


def sections_of(version: PolicyVersion) -> list[SectionData]:
    return [
        SectionData(s.number, s.title, s.body, s.level, s.is_annex)
        for s in version.sections.order_by("order")
    ]


def replace_sections(*, version: PolicyVersion, sections: list[SectionData]) -> None:
    """The text of a draft as ordered sections; the order is the list's."""
    version.sections.all().delete()
    Section.objects.bulk_create(
        Section(
            version=version,
            order=index,
            number=s.number.strip(),
            title=s.title.strip(),
            body=s.body.strip(),
            level=s.level,
            is_annex=s.is_annex,
        )
        for index, s in enumerate(sections, start=1)
    )


def _check_label_free(policy: Policy, label: str, exclude_pk: int | None = None) -> None:
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("Indiquez un libellé de version.")})
    taken = PolicyVersion.objects.filter(policy=policy, label=label).exclude(pk=exclude_pk).exists()
    if taken:
        raise ValidationError(
            {"label": _("La politique a déjà une version « %(label)s ».") % {"label": label}}
        )


def version_create_draft(
    *,
    policy: Policy,
    actor: AbstractBaseUser | None,
    label: str,
    from_version: PolicyVersion | None = None,
) -> PolicyVersion:
    """§7.3: DCAI starts the next version, by default from the text of the version in force."""
    _require_manager(actor)
    with transaction.atomic():
        Policy.objects.select_for_update().filter(pk=policy.pk).first()
        _check_label_free(policy, label)
        if from_version is None:
            from_version = policy.versions.filter(status=Status.IN_FORCE).first()
        draft = PolicyVersion.objects.create(
            policy=policy,
            label=label.strip(),
            status=Status.DRAFT,
            purpose=from_version.purpose if from_version else "",
            issued_on=from_version.issued_on if from_version else None,
            approving_body=from_version.approving_body if from_version else "",
            requires_acknowledgement=from_version.requires_acknowledgement if from_version else True,
        )
        if from_version is not None:
            replace_sections(version=draft, sections=sections_of(from_version))
        note = _("À partir de la version %(label)s") % {"label": from_version.label} if from_version else ""
        record_event(
            version=draft,
            action=PolicyVersionEvent.Action.CREATED,
            actor=actor,
            to_status=Status.DRAFT,
            note=note,
        )
    return draft


def version_update_draft(
    *,
    version: PolicyVersion,
    actor: AbstractBaseUser | None,
    fields: dict,
    sections: list[SectionData] | None = None,
) -> PolicyVersion:
    """§7.3: only a draft is edited, only by DCAI; its dates must fit together."""
    _require_manager(actor)
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"not editable on a draft: {sorted(unknown)}")
    with transaction.atomic():
        locked = _lock(version)
        if locked.status != Status.DRAFT:
            raise ValidationError(_("Seul un brouillon peut être modifié."))
        if "label" in fields:
            _check_label_free(locked.policy, fields["label"], exclude_pk=locked.pk)
        validate_version_dates(
            VersionDates.of(locked).replace(
                **{k: v for k, v in fields.items() if k in ("issued_on", "revised_on", "next_review_on")}
            )
        )
        if sections is not None:
            if any(not s.title.strip() for s in sections):
                raise ValidationError(_("Chaque section doit avoir un titre."))
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.save()
        if sections is not None:
            replace_sections(version=locked, sections=sections)
        record_event(version=locked, action=PolicyVersionEvent.Action.EDITED, actor=actor)
    return locked


def version_record_approval(
    *,
    version: PolicyVersion,
    actor: AbstractBaseUser | None,
    approved_on: dt.date,
    resolution_number: str,
    approving_body: str = "",
    signatory: str = "",
    signed_on: dt.date | None = None,
    note: str = "",
) -> PolicyVersion:
    """§7.1: the board adopts the policy; the approval needs its date and its resolution number."""
    _require_manager(actor)
    resolution_number = (resolution_number or "").strip()
    errors = {}
    if not approved_on:
        errors["approved_on"] = _("La date d'approbation est obligatoire.")
    if not resolution_number:
        errors["resolution_number"] = _("Le numéro de résolution est obligatoire.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(version)
        _check_transition(locked, Status.APPROVED)
        if not locked.sections.exists():
            raise ValidationError(_("Une version sans texte ne peut pas être approuvée."))
        validate_version_dates(
            VersionDates.of(locked).replace(approved_on=approved_on, signed_on=signed_on or locked.signed_on)
        )
        previous = locked.status
        locked.status = Status.APPROVED
        locked.approved_on = approved_on
        locked.resolution_number = resolution_number
        if signed_on is not None:
            locked.signed_on = signed_on
        if approving_body.strip():
            locked.approving_body = approving_body.strip()
        if signatory.strip():
            locked.signatory = signatory.strip()
        locked.save()
        record_event(
            version=locked,
            action=PolicyVersionEvent.Action.APPROVED,
            actor=actor,
            from_status=previous,
            to_status=locked.status,
            note=note or resolution_number,
        )
    return locked


def version_put_in_force(
    *,
    version: PolicyVersion,
    actor: AbstractBaseUser | None,
    effective_on: dt.date | None = None,
    note: str = "",
) -> PolicyVersion:
    """§7.1/§7.3: an approved version comes into force and the previous one is superseded, together.

    HR leads are told, since they must make sure every person is informed of it (§7.5).
    """
    _require_manager(actor)
    effective_on = effective_on or timezone.localdate()
    with transaction.atomic():
        # Lock the policy first so two put-in-force calls on the same policy queue up.
        Policy.objects.select_for_update().filter(pk=version.policy_id).first()
        locked = _lock(version)
        _check_transition(locked, Status.IN_FORCE)
        validate_version_dates(VersionDates.of(locked).replace(effective_on=effective_on))
        current = (
            PolicyVersion.objects.select_for_update()
            .filter(policy_id=locked.policy_id, status=Status.IN_FORCE)
            .exclude(pk=locked.pk)
            .first()
        )
        if current is not None:
            current.status = Status.SUPERSEDED
            current.save(update_fields=["status", "updated_at"])
            record_event(
                version=current,
                action=PolicyVersionEvent.Action.SUPERSEDED,
                actor=actor,
                from_status=Status.IN_FORCE,
                to_status=Status.SUPERSEDED,
                note=_("Remplacée par la version %(label)s") % {"label": locked.label},
            )
        previous = locked.status
        locked.status = Status.IN_FORCE
        locked.effective_on = effective_on
        locked.save(update_fields=["status", "effective_on", "updated_at"])
        record_event(
            version=locked,
            action=PolicyVersionEvent.Action.PUT_IN_FORCE,
            actor=actor,
            from_status=previous,
            to_status=Status.IN_FORCE,
            note=note,
        )
        hr = hr_direction()
        if hr is not None:
            notify_many(
                kind="policies.version_in_force",
                recipients=direction_leads(hr),
                target=locked,
                context={"effective_on": effective_on.isoformat()},
            )
    return locked
