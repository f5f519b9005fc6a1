from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyVersionEvent(models.Model):
    """One step in the life of a version (§7.1, §7.3): who did what, when, from which status to which."""

    class Action(models.TextChoices):
        CREATED = "created", _("Création")
        IMPORTED = "imported", _("Importation")
        EDITED = "edited", _("Modification")
        APPROVED = "approved", _("Approbation enregistrée")
        PUT_IN_FORCE = "in_force", _("Mise en vigueur")
        SUPERSEDED = "superseded", _("Remplacée")

    version = models.ForeignKey("policies.PolicyVersion", on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(_("statut précédent"), max_length=12, blank=True)
    to_status = models.CharField(_("nouveau statut"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("événement de version")
        verbose_name_plural = _("événements de version")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.version} {self.get_action_display()}"
