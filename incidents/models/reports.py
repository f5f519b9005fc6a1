"""Governance reports for the board (§7.1): each one kept as it was generated, with who and when."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class BoardReport(models.Model):
    """A report DCAI generated for the board (§7.1): the figures of its period and its PDF, never edited.

    The figures are the aggregates of the statistics page for the same period (no incident content), kept
    as generated so that the report reads the same later, whatever happens to the incidents since.
    """

    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    period_token = models.CharField(_("période"), max_length=40)
    figures = models.JSONField(_("chiffres"), encoder=DjangoJSONEncoder, editable=False)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    # Kept in the database: a few per year, backed up and shared by every machine with the rest.
    pdf = models.BinaryField(_("PDF"), editable=False)
    pdf_size = models.PositiveIntegerField(_("taille du PDF (octets)"), editable=False)
    pdf_sha256 = models.CharField(_("empreinte SHA-256 du PDF"), max_length=64, editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("produit par"), on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField(_("produit le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("rapport au conseil d'administration")
        verbose_name_plural = _("rapports au conseil d'administration")
        ordering = ["-generated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="boardreport_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("incidents:board_report", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"RCA-{self.period_token}-{self.pk:04d}" if self.pk else f"RCA-{self.period_token}"

    @property
    def filename(self) -> str:
        return f"rapport-ca-{self.period_token}-{self.pk}.pdf"
