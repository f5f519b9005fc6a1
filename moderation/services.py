"""Writing the moderation journal (annex 1; docs/rules.md, "Moderation journal").

Entries are only ever added: a correction is a new entry pointing to the one it corrects.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.evidence import CleanFile, remove_private, write_private
from portal.roster.models import OfficialAccount

from .models import JournalEntry
from .netiquette import rules_in_force
from .selectors import accounts_moderated_by


def journal_entry_record(
    *,
    actor: AbstractBaseUser,
    account: OfficialAccount,
    action: str,
    moderated_on: date,
    rule_number: int,
    screenshot: CleanFile,
    note: str = "",
    corrects: JournalEntry | None = None,
) -> JournalEntry:
    """DCAI or an authorized user of the account records a comment hidden or removed (annex 1, §6.3).

    The rule is one of the netiquette of the version in force, copied with its text; the screenshot is
    already sanitised (incidents.evidence.clean_upload) and kept in private storage.
    """
    if not accounts_moderated_by(actor).filter(pk=account.pk).exists():
        raise PermissionDenied
    if action not in JournalEntry.Action.values:
        raise ValidationError({"action": _("Choisissez l'action.")})
    if moderated_on > timezone.localdate():
        raise ValidationError({"moderated_on": _("La date ne peut pas être dans le futur.")})
    version, rules = rules_in_force()
    rule = next((r for r in rules if r.number == rule_number), None)
    if version is None or rule is None:
        raise ValidationError({"rule_number": _("Choisissez une règle de la nétiquette en vigueur.")})
    if corrects is not None and corrects.account_id != account.pk:
        raise ValidationError(_("Une correction vise une inscription du même compte."))
    stored = write_private(screenshot)
    try:
        with transaction.atomic():
            return JournalEntry.objects.create(
                account=account,
                platform=account.platform,
                action=action,
                moderated_on=moderated_on,
                policy_version=version,
                rule_number=rule.number,
                rule_text=rule.text,
                note=note.strip(),
                screenshot_name=stored,
                screenshot_original_name=screenshot.original_name[:255],
                screenshot_type=screenshot.content_type,
                screenshot_size=screenshot.size,
                screenshot_sha256=screenshot.sha256,
                corrects=corrects,
                recorded_by=actor,
            )
    except Exception:
        remove_private([stored])
        raise
