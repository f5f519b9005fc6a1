"""The person's acknowledgements, for their personal-data export (portal.privacy; Quebec privacy law)."""

from django.utils.translation import gettext as _

from .models import Acknowledgement


def section(profile) -> dict:
    rows = (
        Acknowledgement.objects.filter(user_id=profile.user_id)
        .select_related("version__policy")
        .order_by("acknowledged_at")
    )
    return {
        "title": _("Prises de connaissance"),
        "header": [_("Version"), _("Confirmée le"), _("Empreinte du texte"), _("Attestation")],
        "rows": [[str(a.version), a.acknowledged_at, a.text_hash, a.attestation] for a in rows],
    }
