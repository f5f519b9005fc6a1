"""What points to a consent or an authorisation: publications on official accounts, takedowns (§7.3) and
entries of the moderation journal. The linked models belong to other apps: the links live here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """A post on an official account (§6.3), recorded by its authorized user with what it relies on."""

    account = models.ForeignKey(
        "roster.OfficialAccount", verbose_name=_("compte officiel"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("publication"), max_length=200)
    url = models.URLField(_("adresse"), max_length=300, blank=True)
    published_on = models.DateField(_("publiée le"))
    consents = models.ManyToManyField(
        "publishing.Consent", verbose_name=_("consentements"), related_name="publications", blank=True
    )
    authorisation = models.ForeignKey(
        "publishing.AuthorisationRequest",
        verbose_name=_("autorisation de divulgation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title


def _exactly_one_subject() -> Q:
    return Q(consent__isnull=False, authorisation__isnull=True) | Q(consent__isnull=True, authorisation__isnull=False)


class TakedownLink(models.Model):
    """A takedown of an incident (incidents.Takedown) that concerns a consent or an authorisation."""

    takedown = models.ForeignKey("incidents.Takedown", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(
        "publishing.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="takedown_links"
    )
    authorisation = models.ForeignKey(
        "publishing.AuthorisationRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="takedown_links",
    )
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lien vers une demande de retrait")
        verbose_name_plural = _("liens vers des demandes de retrait")
        constraints = [
            models.CheckConstraint(condition=_exactly_one_subject(), name="takedownlink_one_subject"),
            models.UniqueConstraint(fields=["takedown", "consent"], name="takedownlink_unique_consent"),
            models.UniqueConstraint(fields=["takedown", "authorisation"], name="takedownlink_unique_authorisation"),
        ]

    def __str__(self) -> str:
        return f"{self.takedown_id} → {self.consent_id or self.authorisation_id}"


class JournalLink(models.Model):
    """An entry of the moderation journal (moderation.JournalEntry) that concerns a consent or an authorisation."""

    entry = models.ForeignKey("moderation.JournalEntry", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(
        "publishing.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="journal_links"
    )
    authorisation = models.ForeignKey(
        "publishing.AuthorisationRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="journal_links",
    )
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lien vers le journal de modération")
        verbose_name_plural = _("liens vers le journal de modération")
        constraints = [
            models.CheckConstraint(condition=_exactly_one_subject(), name="journallink_one_subject"),
            models.UniqueConstraint(fields=["entry", "consent"], name="journallink_unique_consent"),
            models.UniqueConstraint(fields=["entry", "authorisation"], name="journallink_unique_authorisation"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.consent_id or self.authorisation_id}"
