"""Writes about policies: the life of a version from draft to superseded (map: policies.workflow).

§7.3: DCAI writes the policy and keeps it up to date (drafts). §7.1: the board adopts it (the
approval is recorded with its date and resolution number). Putting a version in force supersedes
the previous one in the same transaction; the database keeps at most one version in force.
Each change locks the version, checks `VERSION_WORKFLOW` and who may act (`can_manage_policies`),
and writes the change with its event row (portal.workflow.transition).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.notifications.services import notify_people
from portal.roles import dcai_officers, direction_leads, hr_direction
from portal.workflow import lock, record_event, transition

from .dates import VersionDates, validate_version_dates
from .models import Policy, PolicyVersion, PolicyVersionEvent, ReviewReminder, Section
from .review import REVIEW_STAGES, stage_for
from .selectors import can_manage_policies, in_force_version_of
from .text import normalise_newlines
from .workflow import APPROVE, EDIT, PLAN_REVIEW, PUT_IN_FORCE, SUPERSEDE, VERSION_WORKFLOW

Status = PolicyVersion.Status
Action = PolicyVersionEvent.Action
KIND_VERSION_IN_FORCE = "policies.version_in_force"
KIND_REVIEW_DUE = "policies.review_due"

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
    """§7.3, through `can_manage_policies` (the rule the pages use to show the buttons).

    actor=None is the system itself (import_policy, seed_demo), run by an operator with shell access.
    """
    if actor is not None and not can_manage_policies(actor):
        raise PermissionDenied(_("Seule la DCAI gère les versions des politiques."))


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
            body=normalise_newlines(s.body).strip(),
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
        lock(policy)
        _check_label_free(policy, label)
        if from_version is None:
            from_version = in_force_version_of(policy)
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
        record_event(draft, actor=actor, before="", after=Status.DRAFT, note=note, action=Action.CREATED)
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
        locked = lock(version, "policy")
        if not VERSION_WORKFLOW.allows(locked.status, EDIT):
            raise ValidationError(_("Seul un brouillon peut être modifié."), code="invalid_transition")
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
            setattr(locked, name, normalise_newlines(value).strip() if isinstance(value, str) else value)
        # Every field of the form may have changed: the whole row is saved (update_fields=None).
        transition(
            locked,
            workflow=VERSION_WORKFLOW,
            action=EDIT,
            actor=actor,
            update_fields=None,
            event={"action": Action.EDITED},
        )
        if sections is not None:
            replace_sections(version=locked, sections=sections)
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
        locked = lock(version, "policy")
        VERSION_WORKFLOW.next_state(locked.status, APPROVE)  # refuse before looking at the text
        if not locked.sections.exists():
            raise ValidationError(_("Une version sans texte ne peut pas être approuvée."))
        validate_version_dates(
            VersionDates.of(locked).replace(approved_on=approved_on, signed_on=signed_on or locked.signed_on)
        )
        locked.approved_on = approved_on
        locked.resolution_number = resolution_number
        if signed_on is not None:
            locked.signed_on = signed_on
        if approving_body.strip():
            locked.approving_body = approving_body.strip()
        if signatory.strip():
            locked.signatory = signatory.strip()
        transition(
            locked,
            workflow=VERSION_WORKFLOW,
            action=APPROVE,
            actor=actor,
            note=note or resolution_number,
            update_fields=["approved_on", "resolution_number", "signed_on", "approving_body", "signatory"],
            event={"action": Action.APPROVED},
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
        lock(version.policy)
        locked = lock(version, "policy")
        VERSION_WORKFLOW.next_state(locked.status, PUT_IN_FORCE)
        validate_version_dates(VersionDates.of(locked).replace(effective_on=effective_on))
        current = (
            PolicyVersion.objects.select_for_update(of=("self",))
            .filter(policy_id=locked.policy_id, status=Status.IN_FORCE)
            .exclude(pk=locked.pk)
            .first()
        )
        if current is not None:
            # Superseded first: the database keeps at most one version in force at any moment.
            transition(
                current,
                workflow=VERSION_WORKFLOW,
                action=SUPERSEDE,
                actor=actor,
                note=_("Remplacée par la version %(label)s") % {"label": locked.label},
                event={"action": Action.SUPERSEDED},
            )
        locked.effective_on = effective_on
        transition(
            locked,
            workflow=VERSION_WORKFLOW,
            action=PUT_IN_FORCE,
            actor=actor,
            note=note,
            update_fields=["effective_on"],
            event={"action": Action.PUT_IN_FORCE},
        )
        # §7.5: everyone who confirmed the previous version is asked to confirm this one; HR is offered the
        # campaign, prepared (or launched, per settings) in the same transaction.
        from .campaigns.services import campaign_prepare_for_new_version

        prepared = campaign_prepare_for_new_version(version=locked, previous=current, actor=actor)
        hr = hr_direction()
        if hr is not None and prepared is None:
            notify_people(
                KIND_VERSION_IN_FORCE,
                direction_leads(hr).values_list("pk", flat=True),
                target=locked,
                actor=actor,
                context={"effective_on": effective_on.isoformat()},
            )
    return locked


def version_plan_review(
    *, version: PolicyVersion, actor: AbstractBaseUser | None, next_review_on: dt.date | None, note: str = ""
) -> PolicyVersion:
    """§7.3: DCAI keeps the policy up to date: it plans the next review of the version in force, or plans
    the following one after a review that changed nothing (the note says so). Reminders follow the new date
    (policies.review)."""
    _require_manager(actor)
    if next_review_on is None:
        raise ValidationError({"next_review_on": _("Indiquez la date de la prochaine révision.")})
    if next_review_on <= timezone.localdate():
        raise ValidationError({"next_review_on": _("La prochaine révision doit être postérieure à aujourd'hui.")})
    with transaction.atomic():
        locked = lock(version, "policy")
        VERSION_WORKFLOW.next_state(locked.status, PLAN_REVIEW)
        validate_version_dates(VersionDates.of(locked).replace(next_review_on=next_review_on))
        previous = locked.next_review_on
        locked.next_review_on = next_review_on
        summary = _("Prochaine révision : %(new)s (auparavant : %(old)s)") % {
            "new": next_review_on.isoformat(),
            "old": previous.isoformat() if previous else "—",
        }
        transition(
            locked,
            workflow=VERSION_WORKFLOW,
            action=PLAN_REVIEW,
            actor=actor,
            note=f"{summary}\n{note.strip()}".strip(),
            update_fields=["next_review_on"],
            event={"action": Action.REVIEW_PLANNED},
        )
    return locked


def review_reminders_send(*, today: dt.date | None = None) -> int:
    """The daily job of the review cycle (policies.review): DCAI is reminded 90 and 30 days before a
    version's review date, and once the date has passed; each reminder once (a claimed row per version,
    date and stage, so a second run or a second machine sends nothing). Returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    due = PolicyVersion.objects.filter(
        status=Status.IN_FORCE,
        next_review_on__isnull=False,
        next_review_on__lte=today + dt.timedelta(days=max(REVIEW_STAGES)),
    ).select_related("policy")
    for version in due:
        days_left = (version.next_review_on - today).days
        stage = stage_for(days_left)
        if stage is None:
            continue
        with transaction.atomic():
            _row, created = ReviewReminder.objects.get_or_create(
                version=version, review_on=version.next_review_on, stage=stage
            )
            if not created:
                continue
            notify_people(
                KIND_REVIEW_DUE,
                dcai_officers().values_list("pk", flat=True),
                target=version,
                context={"review_on": version.next_review_on.isoformat(), "days": max(days_left, 0)},
            )
            sent += 1
    return sent
