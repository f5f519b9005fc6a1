"""Import of the organisation from the HR export: parse → validate → plan → apply.

`import_org(source)` is what `manage.py import_org` calls; the admin and tests call it directly.
A file with any bad row changes nothing and every bad row is listed with its line number.
The columns are documented in the README ("Import de l'organisation").
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import Direction

from .apply import Applied, apply_plan
from .parse import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    FileError,
    Row,
    RowError,
    decode,
    parse_records,
    read_records,
)
from .plan import Existing, Plan, Planner

__all__ = [
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportResult",
    "Row",
    "RowError",
    "import_org",
    "import_records",
]

Progress = Callable[..., Iterable]


@dataclass
class ImportResult:
    rows: int
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    plan: Plan | None = None
    applied: Applied | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        plan = self.plan
        if plan is None:
            return dict.fromkeys(
                (
                    "directions_created",
                    "directions_updated",
                    "created",
                    "updated",
                    "deactivated",
                    "unchanged",
                ),
                0,
            )
        return {
            "directions_created": len(plan.direction_creates),
            "directions_updated": len(plan.direction_updates),
            "created": len(plan.creates),
            "updated": len(plan.updates),
            "deactivated": len(plan.deactivations),
            "unchanged": plan.unchanged,
        }

    @property
    def changed(self) -> bool:
        return self.plan is not None and self.plan.has_changes

    def summary(self) -> str:
        c = self.counts
        text = (
            _(
                "Directions : %(directions_created)s créée(s), %(directions_updated)s modifiée(s). "
                "Intervenants : %(created)s créé(s), %(updated)s modifié(s), %(deactivated)s désactivé(s), "
                "%(unchanged)s inchangé(s)."
            )
            % c
        )
        if self.dry_run:
            text = _("Simulation, rien n'a été enregistré. %(text)s") % {"text": text}
        return text

    def details(self) -> list[str]:
        """One line per change, in file order, for --dry-run and -v 2."""
        plan = self.plan
        if plan is None:
            return []
        lines = [
            _("Direction %(code)s : nouvelle (%(name)s, %(role)s)")
            % {"code": c.direction.code, "name": c.direction.name_fr, "role": c.direction.role}
            for c in plan.direction_creates
        ]
        lines += [
            _("Direction %(code)s : %(changes)s")
            % {
                "code": c.direction.code,
                "changes": ", ".join(f"{k} « {old} » → « {new} »" for k, (old, new) in c.changes.items()),
            }
            for c in plan.direction_updates
        ]
        changes = sorted((*plan.creates, *plan.updates), key=lambda c: c.row.line)
        lines += [
            _("Ligne %(line)s, %(change)s") % {"line": c.row.line, "change": c.describe()} for c in changes
        ]
        lines += [
            _("%(number)s : désactivé (absent du fichier)") % {"number": d.employee_number}
            for d in plan.deactivations
        ]
        return lines


def _read(source: str | os.PathLike | bytes | IO) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            return handle.read()
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def import_org(
    source: str | os.PathLike | bytes | IO,
    *,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Read an HR export (UTF-8, with or without BOM, `;` or `,`) and upsert the organisation.

    Nothing is written when any row is bad, or with `dry_run`. `progress(iterable, total=, desc=)`
    may wrap the long loops (the command passes tqdm).
    """
    try:
        records = read_records(decode(_read(source)))
    except FileError as exc:
        return ImportResult(rows=0, dry_run=dry_run, errors=exc.errors)
    return import_records(records, dry_run=dry_run, deactivate_missing=deactivate_missing, progress=progress)


def import_records(
    records: Iterable[tuple[int, Mapping[str, str]]] | Iterable[Mapping[str, str]],
    *,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """The same import from records already read: (line, {column: value}) pairs, or plain dicts
    (numbered from line 2, as if under a header line)."""
    numbered = [r if isinstance(r, tuple) else (i + 2, r) for i, r in enumerate(records)]
    rows, errors = parse_records(numbered, progress=progress, total=len(numbered))
    numbers_in_file = {(r.get("employee_number") or "").strip() for _, r in numbered}
    result = ImportResult(rows=len(numbered), dry_run=dry_run)
    with transaction.atomic():
        # Locking the directions serialises two imports started at once (PostgreSQL; SQLite locks on BEGIN).
        list(Direction.objects.select_for_update().values_list("pk", flat=True).order_by())
        planner = Planner(
            rows,
            numbers_in_file=numbers_in_file,
            deactivate_missing=deactivate_missing,
            existing=Existing.load(),
            progress=progress,
        )
        plan, plan_errors = planner.run()
        errors = sorted([*errors, *plan_errors], key=lambda e: e.line)
        if errors:
            result.errors = errors
            return result
        result.plan = plan
        if not dry_run and plan.has_changes:
            result.applied = apply_plan(plan, progress=progress)
    return result
