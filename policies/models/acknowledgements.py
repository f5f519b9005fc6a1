from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Acknowledgement(models.Model):
    """A person's confirmation that they read one version (§7.5). Never edited or deleted."""

    version = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField(_("confirmée le"), auto_now_add=True)
    text_hash = models.CharField(_("empreinte du texte"), max_length=64)
    attestation = models.CharField(_("attestation"), max_length=500)

    class Meta:
        verbose_name = _("prise de connaissance")
        verbose_name_plural = _("prises de connaissance")
        ordering = ["-acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="acknowledgement_once_per_version")]

    def __str__(self) -> str:
        return f"{self.user} – {self.version}"
