from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.workflow import EventBase


class PolicyVersionEvent(EventBase):
    """One step in the life of a version (§7.1, §7.3): who did what, when, from which status to which.

    Kept as long as the version (PROTECT): a version's history is never deleted with it.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Création")
        IMPORTED = "imported", _("Importation")
        EDITED = "edited", _("Modification")
        APPROVED = "approved", _("Approbation enregistrée")
        PUT_IN_FORCE = "in_force", _("Mise en vigueur")
        SUPERSEDED = "superseded", _("Remplacée")
        REVIEW_PLANNED = "review", _("Prochaine révision planifiée")

    version = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)

    class Meta(EventBase.Meta):
        verbose_name = _("événement de version")
        verbose_name_plural = _("événements de version")

    def __str__(self) -> str:
        return f"{self.version} {self.get_action_display()}"
