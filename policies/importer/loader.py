"""Write a parsed policy document: the policy, its §2 foundations, and a draft version (§7.3).

Importing the same document twice changes nothing. A draft is only created when the text differs
from the version already in force (or approved). Doubtful dates are reported and, unless the user
confirms the probable correction, left empty for DCAI to fill.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction

from portal.models import Direction
from portal.workflow import record_event

from ..dates import VersionDates, date_problems, probable_correction
from ..models import LegalReference, Policy, PolicyVersion, PolicyVersionEvent, RelatedPolicy
from ..models.policies import compute_text_hash
from ..services import SectionData, replace_sections, sections_of
from .parser import ParsedDocument

FIELD_LABELS = {
    "issued_on": "Émise le",
    "revised_on": "Révisée le",
    "approved_on": "Approuvée le",
    "signed_on": "Date",
}
FIX_OPTION = "--accept-date-fix"  # the command's option; the management page names its checkbox instead
VERSION_FIELDS = (
    "purpose",
    "issued_on",
    "revised_on",
    "approved_on",
    "signed_on",
    "approving_body",
    "resolution_number",
    "signatory",
)


class _DryRun(Exception):
    pass


@dataclass
class ImportResult:
    doc: ParsedDocument
    dry_run: bool
    warnings: list[str] = field(default_factory=list)
    policy_action: str = "unchanged"  # created | updated | unchanged
    version_action: str = "unchanged"  # created | updated | unchanged | identical
    version_label: str = ""
    identical_to: str = ""
    policy: Policy | None = None
    version: PolicyVersion | None = None

    @property
    def changed(self) -> bool:
        return self.policy_action != "unchanged" or self.version_action in ("created", "updated")


def review_dates(
    doc: ParsedDocument, *, accept_date_fix: bool, fix_option: str = FIX_OPTION
) -> tuple[dict[str, dt.date | None], list[str]]:
    """The dates to store, and what was doubted about them (`fix_option` names how to accept a fix)."""
    dates = VersionDates(**{k: doc.dates.get(k) for k in FIELD_LABELS})
    problems = date_problems(dates)
    stored = {k: getattr(dates, k) for k in FIELD_LABELS}
    warnings = []
    for name, problem in problems.items():
        if name not in FIELD_LABELS:
            continue
        value = getattr(dates, name)
        label = FIELD_LABELS[name]
        fix = probable_correction(dates, name)
        if fix is not None and accept_date_fix:
            stored[name] = fix
            warnings.append(
                f"{label} : {value.isoformat()} — {problem} Probable faute de frappe pour "
                f"{fix.isoformat()} : corrigée en {fix.isoformat()} ({fix_option})."
            )
        elif fix is not None:
            stored[name] = None
            warnings.append(
                f"{label} : {value.isoformat()} — {problem} Probable faute de frappe pour {fix.isoformat()}. "
                f"Date laissée vide pour que la DCAI la saisisse ; relancez avec {fix_option} pour "
                f"enregistrer {fix.isoformat()}."
            )
        else:
            stored[name] = None
            warnings.append(f"{label} : {value.isoformat()} — {problem} Date laissée vide pour la DCAI.")
    return stored, warnings


def _find_direction(label: str) -> Direction | None:
    code = re.search(r"\(([A-Z]{2,10})\)\s*$", label)
    if code:
        direction = Direction.objects.filter(code__iexact=code[1]).first()
        if direction:
            return direction
    name = re.sub(r"\s*\([^)]*\)\s*$", "", label).strip()
    return Direction.objects.filter(name_fr__iexact=name).first() if name else None


def _version_label(doc: ParsedDocument, policy: Policy | None, draft: PolicyVersion | None) -> str:
    if draft is not None:
        return draft.label
    base_date = doc.dates.get("revised_on") or doc.dates.get("issued_on")
    base = base_date.isoformat() if base_date else "1"
    if policy is None:
        return base
    taken = set(policy.versions.values_list("label", flat=True))
    label, n = base, 1
    while label in taken:
        n += 1
        label = f"{base}-{n}"
    return label


def _sections(doc: ParsedDocument) -> list[SectionData]:
    return [SectionData(s.number, s.title, s.body, s.level, s.is_annex) for s in doc.sections]


def _mark_updated(result: ImportResult) -> None:
    if result.policy_action != "created":
        result.policy_action = "updated"


def _write_policy(doc: ParsedDocument, result: ImportResult) -> Policy:
    direction_label = doc.header.get("emise_par", "")
    wanted = {
        "title_fr": doc.title[:300],
        "recipients": doc.header.get("destinataires", "")[:300],
        "issuing_direction_label": direction_label[:300],
    }
    policy = Policy.objects.select_for_update().filter(number=doc.number).first()
    if policy is None:
        policy = Policy(number=doc.number, **wanted)
        result.policy_action = "created"
    else:
        for name, value in wanted.items():
            if getattr(policy, name) != value:
                setattr(policy, name, value)
                result.policy_action = "updated"
    direction = _find_direction(direction_label) if direction_label else None
    if direction is not None and policy.issuing_direction_id != direction.pk:
        policy.issuing_direction = direction
        _mark_updated(result)
    if direction is None and direction_label:
        result.warnings.append(f"Direction émettrice « {direction_label} » introuvable dans le portail.")
    if result.policy_action != "unchanged":
        policy.save()

    related = [(r.number, r.name[:400]) for r in doc.related_policies]
    if list(policy.related_policies.values_list("number", "title")) != related:
        policy.related_policies.all().delete()
        RelatedPolicy.objects.bulk_create(
            RelatedPolicy(policy=policy, number=number, title=title, order=i)
            for i, (number, title) in enumerate(related)
        )
        _mark_updated(result)
    laws = [(r.name[:400], r.citation[:100]) for r in doc.legal_references]
    if list(policy.legal_references.values_list("name", "citation")) != laws:
        policy.legal_references.all().delete()
        LegalReference.objects.bulk_create(
            LegalReference(policy=policy, name=name, citation=citation, order=i)
            for i, (name, citation) in enumerate(laws)
        )
        _mark_updated(result)
    return policy


def _write_version(
    doc: ParsedDocument, policy: Policy, values: dict, result: ImportResult, source: str, actor=None
) -> None:
    sections = _sections(doc)
    new_hash = compute_text_hash(values["purpose"], [(s.number, s.title, s.body) for s in sections])
    draft = (
        policy.versions.select_for_update()
        .filter(status=PolicyVersion.Status.DRAFT)
        .order_by("-created_at")
        .first()
    )
    if draft is None:
        for adopted in policy.versions.filter(
            status__in=[PolicyVersion.Status.IN_FORCE, PolicyVersion.Status.APPROVED]
        ).order_by("-status"):
            if adopted.text_hash() == new_hash:
                result.version_action = "identical"
                result.identical_to = f"{adopted.label} ({adopted.get_status_display().lower()})"
                result.version = adopted
                return
        draft = PolicyVersion.objects.create(policy=policy, label=_version_label(doc, policy, None), **values)
        replace_sections(version=draft, sections=sections)
        record_event(
            draft,
            actor=actor,
            before="",
            after=PolicyVersion.Status.DRAFT,
            note=source,
            action=PolicyVersionEvent.Action.IMPORTED,
        )
        result.version_action = "created"
    else:
        changed = [name for name, value in values.items() if getattr(draft, name) != value]
        same_text = [s.as_tuple() for s in sections_of(draft)] == [s.as_tuple() for s in sections]
        if changed or not same_text:
            for name in changed:
                setattr(draft, name, values[name])
            draft.save()
            if not same_text:
                replace_sections(version=draft, sections=sections)
            record_event(
                draft,
                actor=actor,
                before=draft.status,
                after=draft.status,
                note=source,
                action=PolicyVersionEvent.Action.IMPORTED,
            )
            result.version_action = "updated"
    result.version = draft
    result.version_label = draft.label


def import_document(
    doc: ParsedDocument,
    *,
    accept_date_fix: bool = False,
    dry_run: bool = False,
    source: str = "",
    actor=None,
    fix_option: str = FIX_OPTION,
) -> ImportResult:
    """Create or update the policy and its draft version from a parsed document (§7.3).

    `actor` is the DCAI officer who sent the document from the management page (None from the command)."""
    result = ImportResult(doc=doc, dry_run=dry_run, warnings=list(doc.warnings))
    if doc.errors:
        raise ValueError("; ".join(doc.errors))
    dates, date_warnings = review_dates(doc, accept_date_fix=accept_date_fix, fix_option=fix_option)
    result.warnings.extend(date_warnings)
    values = {
        "purpose": doc.purpose,
        **dates,
        "approving_body": doc.header.get("approuvee_par", "")[:200],
        "resolution_number": doc.resolution_number[:60],
        "signatory": doc.header.get("signee_par", "")[:200],
    }
    try:
        with transaction.atomic():
            policy = _write_policy(doc, result)
            _write_version(doc, policy, values, result, source, actor)
            result.policy = policy
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result
