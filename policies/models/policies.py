"""Policies, their versions and texts (§7.1 the board adopts, §7.3 DCAI writes, §2 foundations)."""

import hashlib
import re

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def normalise_policy_number(raw: str) -> str:
    """'10 974', '10974', 'N° 10 974' -> '10974'."""
    return re.sub(r"\D", "", raw or "")


def display_policy_number(number: str) -> str:
    """'10974' -> '10 974' (thousands separated by a space, as the institution writes them)."""
    if not number.isdigit():
        return number
    return f"{int(number):,}".replace(",", "\u00a0")


def compute_text_hash(purpose: str, sections) -> str:
    """SHA-256 of a purpose and (number, title, body) rows, in order (see PolicyVersion.text_hash)."""
    digest = hashlib.sha256()
    digest.update(purpose.encode())
    for number, title, body in sections:
        for part in (number, title, body):
            digest.update(b"\x1f" + part.encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


class Policy(models.Model):
    number = models.CharField(_("numéro"), max_length=20, unique=True)
    title_fr = models.CharField(_("titre (français)"), max_length=300)
    title_en = models.CharField(_("titre (anglais)"), max_length=300, blank=True)
    issuing_direction = models.ForeignKey(
        "portal.Direction",
        verbose_name=_("émise par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="policies",
    )
    issuing_direction_label = models.CharField(_("émise par (texte)"), max_length=300, blank=True)
    recipients = models.CharField(_("destinataires"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("politique")
        verbose_name_plural = _("politiques")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.display_number} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("policies:policy", args=[self.number])

    @property
    def display_number(self) -> str:
        return display_policy_number(self.number)

    @property
    def title(self) -> str:
        if (get_language() or "fr").startswith("en") and self.title_en:
            return self.title_en
        return self.title_fr


class RelatedPolicy(models.Model):
    """A policy cited in §2, kept by number even when it is not in the portal yet."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="related_policies")
    number = models.CharField(_("numéro"), max_length=20)
    title = models.CharField(_("titre cité"), max_length=400, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("politique liée")
        verbose_name_plural = _("politiques liées")
        ordering = ["order", "number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="relatedpolicy_unique")]

    def __str__(self) -> str:
        return display_policy_number(self.number)

    @property
    def display_number(self) -> str:
        return display_policy_number(self.number)


class LegalReference(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="legal_references")
    name = models.CharField(_("nom"), max_length=400)
    citation = models.CharField(_("référence"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("référence légale")
        verbose_name_plural = _("références légales")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["policy", "name"], name="legalreference_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.citation})" if self.citation else self.name


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        APPROVED = "approved", _("Approuvée")
        IN_FORCE = "in_force", _("En vigueur")
        SUPERSEDED = "superseded", _("Remplacée")

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    label = models.CharField(_("version"), max_length=40)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    purpose = models.TextField(_("but"), blank=True)
    issued_on = models.DateField(_("émise le"), null=True, blank=True)
    revised_on = models.DateField(_("révisée le"), null=True, blank=True)
    approved_on = models.DateField(_("approuvée le"), null=True, blank=True)
    effective_on = models.DateField(_("en vigueur le"), null=True, blank=True)
    approving_body = models.CharField(_("approuvée par"), max_length=200, blank=True)
    resolution_number = models.CharField(_("numéro de résolution"), max_length=60, blank=True)
    signatory = models.CharField(_("signée par"), max_length=200, blank=True)
    signed_on = models.DateField(_("signée le"), null=True, blank=True)
    change_summary = models.TextField(_("résumé des changements"), blank=True)
    next_review_on = models.DateField(_("prochaine révision"), null=True, blank=True)
    requires_acknowledgement = models.BooleanField(_("prise de connaissance exigée"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("version de politique")
        verbose_name_plural = _("versions de politique")
        ordering = ["policy", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(status="in_force"),
                name="policyversion_one_in_force",
                violation_error_message=_("Une seule version d'une politique peut être en vigueur."),
            ),
            models.UniqueConstraint(fields=["policy", "label"], name="policyversion_unique_label"),
            models.CheckConstraint(
                condition=Q(status__in=["draft"]) | (Q(approved_on__isnull=False) & ~Q(resolution_number="")),
                name="policyversion_approval_recorded",
                violation_error_message=_("Une version approuvée exige la date et le numéro de résolution."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.display_number} v{self.label}"

    def get_absolute_url(self) -> str:
        return reverse("policies:version", args=[self.policy.number, self.pk])

    @property
    def reference(self) -> str:
        """Short reference copied into notifications."""
        return f"{self.policy.display_number} v{self.label}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def text_hash(self) -> str:
        """SHA-256 of the ordered sections: what exactly a person acknowledged."""
        return compute_text_hash(
            self.purpose, self.sections.order_by("order").values_list("number", "title", "body")
        )


class Section(models.Model):
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField()
    number = models.CharField(_("numéro"), max_length=20, blank=True)
    title = models.CharField(_("titre"), max_length=300)
    body = models.TextField(_("texte"), blank=True)
    level = models.PositiveSmallIntegerField(_("niveau"), default=1)
    is_annex = models.BooleanField(_("annexe"), default=False)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="section_unique_order")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def anchor(self) -> str:
        # "6.1" -> "s-6-1" (slugify alone would give "61", the same as a section 61).
        return "s-" + slugify((self.number or self.title).replace(".", "-"))[:60]

    @property
    def heading(self) -> str:
        """'6.1. Obligations …', 'Annexe 1 : Nétiquette …', or the title alone."""
        if not self.number or self.number == self.title:
            return self.title
        if self.is_annex:
            return f"{self.number} : {self.title}"
        return f"{self.number}. {self.title}"
