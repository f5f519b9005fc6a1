"""Demo data: the real policy 10 974, imported from its document and put in force (§7.1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TextIO

from django.conf import settings

from portal.dates import add_years

from .importer import parse_document
from .importer.loader import import_document
from .models import Policy, PolicyVersion
from .services import version_put_in_force, version_record_approval

SEED_NAME = "politique-10974-medias-sociaux.txt"
DEMO_RESOLUTION = "RCA 2018-05-3008"
REVIEW_EVERY_YEARS = 5
ENGLISH_TITLE = "Procedure on the use of social media"


def seed_path() -> Path:
    shared = Path(settings.BASE_DIR).parent / "shared" / "seed" / SEED_NAME
    return shared if shared.exists() else Path(__file__).resolve().parent / "fixtures" / SEED_NAME


def seed_policy(out: TextIO | None = None) -> None:
    """Import the seed document (date slip corrected), record the board's approval, put it in force.

    Idempotent: a second run finds the version in force with the same text and changes nothing.
    """
    def say(line: str) -> None:
        if out is not None:
            out.write(line + "\n")

    path = seed_path()
    doc = parse_document(path.read_text(encoding="utf-8-sig"))
    result = import_document(doc, accept_date_fix=True, source=path.name)
    say(f"Politique {doc.number} : {result.policy_action}, version {result.version_action}.")
    version = result.version
    if version is None:
        return
    version.refresh_from_db()
    # The document has no English title; the demo gives the usual one so English pages read well.
    Policy.objects.filter(pk=version.policy_id, title_en="").update(title_en=ENGLISH_TITLE)
    if version.status == PolicyVersion.Status.DRAFT:
        version = version_record_approval(
            version=version,
            actor=None,
            approved_on=version.approved_on or dt.date(2018, 5, 25),
            resolution_number=version.resolution_number or DEMO_RESOLUTION,
            signed_on=version.signed_on,
        )
        say(f"Approbation enregistrée ({version.resolution_number}).")
    if version.status == PolicyVersion.Status.APPROVED:
        version = version_put_in_force(
            version=version, actor=None, effective_on=version.signed_on or version.approved_on
        )
        say(f"Version {version.label} en vigueur depuis le {version.effective_on.isoformat()}.")
    _plan_first_review(version, say)


def _plan_first_review(version: PolicyVersion, say) -> None:
    """§7.3: a version in force is reviewed; the seed's text, revised in 2018, is due five years later (the
    demo then shows DCAI an overdue review). Written directly: the service only plans future dates."""
    if version.status != PolicyVersion.Status.IN_FORCE or version.next_review_on is not None:
        return
    base = version.revised_on or version.effective_on
    if base is None:
        return
    review_on = add_years(base, REVIEW_EVERY_YEARS)
    PolicyVersion.objects.filter(pk=version.pk, next_review_on__isnull=True).update(next_review_on=review_on)
    say(f"Prochaine révision de la version {version.label} : {review_on.isoformat()}.")
