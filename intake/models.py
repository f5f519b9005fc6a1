"""The receipt of an anonymous or external declaration (docs/rules.md, "Anonymous reports").

The code itself is never stored: only a short public prefix to find the row among few, and a slow salted
hash (scrypt) to check the rest. Nothing here says who made the declaration.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Receipt(models.Model):
    incident = models.OneToOneField("incidents.Incident", on_delete=models.PROTECT, related_name="receipt")
    prefix = models.CharField(_("préfixe"), max_length=8, db_index=True)
    digest = models.CharField(_("empreinte"), max_length=200)

    class Meta:
        verbose_name = _("reçu de déclaration")
        verbose_name_plural = _("reçus de déclaration")

    def __str__(self) -> str:
        return f"{self.incident_id}"
