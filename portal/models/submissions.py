from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One submitted create form, by its one-time key (portal.submissions): a replay or a concurrent
    duplicate of the same key finds this row and returns its result instead of creating a second object.

    `owner` scopes the key to the person ("user:<id>"); `result_url` is the page the first submission led to.
    Rows are purged after settings.PORTAL_SUBMISSION_KEEP_DAYS.
    """

    owner = models.CharField(_("auteur"), max_length=80)
    key = models.CharField(_("clé d'envoi"), max_length=80)
    path = models.CharField(_("formulaire"), max_length=300)
    result_url = models.CharField(_("résultat"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("envoi de formulaire")
        verbose_name_plural = _("envois de formulaires")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="submission_once_per_key")]

    def __str__(self) -> str:
        return f"{self.owner} {self.path}"
