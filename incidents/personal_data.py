"""The person's own declarations, for their personal-data export (portal.privacy; Quebec privacy law).

What they declared and where it stands; never another person's data: no person concerned, no handler,
no internal note, no measure (docs/rules.md, "Personal information").
"""

from django.utils.translation import gettext as _

from .models import Incident


def section(profile) -> dict:
    declared = Incident.objects.filter(declarer_id=profile.user_id).order_by("created_at")
    return {
        "title": _("Déclarations d'incident faites par la personne"),
        "header": [
            _("Référence"),
            _("Déclarée le"),
            _("Catégorie"),
            _("Plateforme"),
            _("Ce qui a été vu"),
            _("Statut"),
        ],
        "rows": [
            [
                i.reference,
                i.created_at,
                i.get_category_display(),
                i.get_platform_display(),
                i.description,
                i.get_status_display(),
            ]
            for i in declared.only("reference", "created_at", "category", "platform", "description", "status")
        ],
    }
