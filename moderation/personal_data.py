"""The moderation entries a person recorded, for their personal-data export (portal.privacy)."""

from django.utils.translation import gettext as _

from .models import JournalEntry


def section(profile) -> dict:
    entries = JournalEntry.objects.filter(recorded_by_id=profile.user_id).select_related("account")
    return {
        "title": _("Inscriptions au journal de modération"),
        "header": [_("Inscription"), _("Compte"), _("Date"), _("Règle"), _("Inscrite le")],
        "rows": [
            [e.reference, str(e.account), e.moderated_on, e.rule_number, e.recorded_at]
            for e in entries.order_by("recorded_at")
        ],
    }
