from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewReminder(models.Model):
    """One reminder to DCAI that a version in force is due for review (§7.3), sent once per stage.

    The row is the claim: two runs of the daily job (or two machines) cannot both write it, so DCAI is
    reminded once per version, review date and stage. A new review date starts its stages afresh.
    """

    version = models.ForeignKey(
        "policies.PolicyVersion", on_delete=models.CASCADE, related_name="review_reminders"
    )
    review_on = models.DateField(_("révision prévue le"))
    # Days before the review date: 90, 30, or 0 once the date has passed.
    stage = models.PositiveSmallIntegerField(_("jours avant la révision"))
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rappel de révision")
        verbose_name_plural = _("rappels de révision")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "review_on", "stage"], name="reviewreminder_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.review_on} J-{self.stage}"
