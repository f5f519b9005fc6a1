"""The confidentiality-incident register (§7.3 with Quebec privacy law; docs/rules.md).

One entry per incident, kept by DCAI (§7.3). Health information held by a health body follows the
regulation under the health-information act (R-22.1, r. 1, art. 15); other personal information (staff
data) follows the public-bodies regulation (A-2.1, r. 3.1, art. 7), which asks for the same items
without the notice to the minister. An entry is kept at least five years after the date the
institution learned of the incident (`keep_until`, computed by `incidents.retention.register_keep_until`,
never shorter).

The rules on the items live in `RegisterEntry.clean()` so the form and the services check the same
thing; the invariants that do not depend on today's date are also database constraints.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import QuickChoiceLabels
from portal.dates import AddYears
from portal.workflow import EventBase

from .incident import Incident

# Quebec privacy law: an entry is kept at least five years after the institution learned of the
# incident. The setting REGISTER_RETENTION_YEARS may ask for more, never less (incidents.retention).
MINIMUM_RETENTION_YEARS = 5


class RegisterEntry(QuickChoiceLabels, models.Model):
    class Regime(models.TextChoices):
        HEALTH = (
            "health",
            _("Renseignements de santé détenus par un organisme de santé (R-22.1, r. 1, art. 15)"),
        )
        PUBLIC_BODY = "public_body", _("Autres renseignements personnels (A-2.1, r. 3.1, art. 7)")

    incident = models.OneToOneField(
        Incident, verbose_name=_("incident"), on_delete=models.PROTECT, related_name="register_entry"
    )
    regime = models.CharField(_("régime applicable"), max_length=20, choices=Regime.choices)

    # 1. The information concerned.
    information_description = models.TextField(_("description des renseignements visés"), blank=True)
    information_not_described_reason = models.TextField(
        _("raison pour laquelle les renseignements ne peuvent être décrits"), blank=True
    )
    # 2. The circumstances.
    circumstances = models.TextField(_("brève description des circonstances"))
    # 3. When it happened.
    incident_start = models.DateField(_("date (ou début) de l'incident"))
    incident_end = models.DateField(_("fin de la période de l'incident"), null=True, blank=True)
    incident_date_approximate = models.BooleanField(_("date approximative"), default=False)
    incident_date_note = models.CharField(_("précision sur l'approximation"), max_length=300, blank=True)
    # 4. When the institution learned of it.
    learned_start = models.DateField(_("date (ou début) de la connaissance de l'incident"))
    learned_end = models.DateField(_("fin de la période de connaissance"), null=True, blank=True)
    # 5. Persons concerned.
    persons_count = models.PositiveIntegerField(_("nombre de personnes concernées"))
    persons_count_approximate = models.BooleanField(_("nombre approximatif"), default=False)
    persons_in_quebec = models.PositiveIntegerField(
        _("nombre de personnes concernées qui résident au Québec"), null=True, blank=True
    )
    # 6. Risk of serious injury.
    risk_sensitivity = models.TextField(_("sensibilité des renseignements"))
    risk_malicious_uses = models.TextField(_("utilisations malveillantes possibles"))
    risk_consequences = models.TextField(_("conséquences appréhendées"))
    risk_likelihood = models.TextField(
        _("probabilité que les renseignements soient utilisés à des fins préjudiciables")
    )
    serious_injury_risk = models.BooleanField(_("risque de préjudice sérieux"))
    risk_conclusion_reason = models.TextField(_("motifs de la conclusion"))
    # 7. Notices, where the risk exists.
    minister_notified_on = models.DateField(_("avis transmis au ministre le"), null=True, blank=True)
    cai_notified_on = models.DateField(
        _("avis transmis à la Commission d'accès à l'information le"), null=True, blank=True
    )
    persons_notified_on = models.DateField(
        _("avis transmis aux personnes concernées le"), null=True, blank=True
    )
    notices_pending_reason = models.TextField(_("motif de l'absence d'avis ou de date d'avis"), blank=True)
    public_notice = models.BooleanField(_("avis public donné"), default=False)
    public_notice_reason = models.TextField(_("motif de l'avis public (ou de son absence)"), blank=True)
    # 8. Measures.
    measures = models.TextField(_("mesures prises pour diminuer les risques de préjudice"))

    keep_until = models.DateField(_("conserver jusqu'au"), editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inscrit par"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("inscription au registre des incidents de confidentialité")
        verbose_name_plural = _("registre des incidents de confidentialité")
        ordering = ["-learned_start", "-id"]
        indexes = [models.Index(fields=["regime", "serious_injury_risk"], name="register_regime_risk")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(information_description="") | ~Q(information_not_described_reason=""),
                name="register_information_described",
                violation_error_message=_(
                    "Décrivez les renseignements visés ou expliquez pourquoi ils ne peuvent l'être."
                ),
            ),
            models.CheckConstraint(
                condition=Q(incident_end__isnull=True) | Q(incident_end__gte=F("incident_start")),
                name="register_incident_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(learned_end__isnull=True) | Q(learned_end__gte=F("learned_start")),
                name="register_learned_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(learned_start__gte=F("incident_start")),
                name="register_learned_after_incident",
            ),
            models.CheckConstraint(
                condition=Q(persons_in_quebec__isnull=True) | Q(persons_in_quebec__lte=F("persons_count")),
                name="register_quebec_within_total",
            ),
            models.CheckConstraint(
                condition=Q(regime="health") | Q(minister_notified_on__isnull=True),
                name="register_minister_health_only",
            ),
            models.CheckConstraint(
                condition=Q(serious_injury_risk=False)
                | Q(cai_notified_on__isnull=False, persons_notified_on__isnull=False)
                | ~Q(notices_pending_reason=""),
                name="register_risk_has_notices",
            ),
            models.CheckConstraint(
                condition=Q(public_notice=False) | ~Q(public_notice_reason=""),
                name="register_public_notice_reason",
            ),
            models.CheckConstraint(
                condition=Q(keep_until__gte=F("learned_start")), name="register_keep_after_learned"
            ),
            models.CheckConstraint(
                condition=Q(
                    keep_until__gte=AddYears(Coalesce("learned_end", "learned_start"), MINIMUM_RETENTION_YEARS)
                ),
                name="register_kept_five_years",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("incidents:register_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"REG-{self.pk:05d}" if self.pk else "REG-?"

    @property
    def known_on(self) -> date:
        """The date the retention runs from: the end of the knowledge period when one is given."""
        return self.learned_end or self.learned_start

    def clean(self) -> None:
        """Every rule on the eight items, with a message tied to the field: the one place the form and the
        services check them (R-22.1, r. 1, art. 15; A-2.1, r. 3.1, art. 7)."""
        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        today = timezone.localdate()
        date_fields = (
            "incident_start",
            "incident_end",
            "learned_start",
            "learned_end",
            "minister_notified_on",
            "cai_notified_on",
            "persons_notified_on",
        )
        for name in date_fields:
            value = getattr(self, name)
            if value and value > today:
                add(name, _("Cette date ne peut pas être dans le futur."))
        if not self.information_description.strip() and not self.information_not_described_reason.strip():
            add(
                "information_description",
                _("Décrivez les renseignements visés ou expliquez pourquoi ils ne peuvent l'être."),
            )
        if self.incident_start and self.incident_end and self.incident_end < self.incident_start:
            add("incident_end", _("La fin de la période précède son début."))
        if self.learned_start and self.learned_end and self.learned_end < self.learned_start:
            add("learned_end", _("La fin de la période précède son début."))
        if self.incident_start and self.learned_start and self.learned_start < self.incident_start:
            add(
                "learned_start",
                _("L'établissement ne peut avoir pris connaissance de l'incident avant qu'il ne survienne."),
            )
        if self.incident_date_approximate and not self.incident_date_note.strip():
            add("incident_date_note", _("Précisez en quoi la date est approximative."))
        if (
            self.persons_count is not None
            and self.persons_in_quebec is not None
            and self.persons_in_quebec > self.persons_count
        ):
            add(
                "persons_in_quebec",
                _("Le nombre de personnes résidant au Québec ne peut dépasser le nombre total."),
            )
        if self.minister_notified_on and self.regime != self.Regime.HEALTH:
            add(
                "minister_notified_on",
                _("L'avis au ministre ne s'applique qu'aux renseignements de santé (R-22.1)."),
            )
        if self.serious_injury_risk and not (
            (self.cai_notified_on and self.persons_notified_on) or self.notices_pending_reason.strip()
        ):
            message = _(
                "Un risque de préjudice sérieux exige les dates des avis à la Commission et aux personnes "
                "concernées, ou le motif de leur absence."
            )
            if not self.cai_notified_on:
                add("cai_notified_on", message)
            if not self.persons_notified_on:
                add("persons_notified_on", message)
        for name in ("cai_notified_on", "persons_notified_on", "minister_notified_on"):
            value = getattr(self, name)
            if value and self.learned_start and value < self.learned_start:
                add(name, _("Un avis ne peut précéder la prise de connaissance de l'incident."))
        if self.public_notice and not self.public_notice_reason.strip():
            add("public_notice_reason", _("Expliquez pourquoi un avis public a été donné."))
        if errors:
            raise ValidationError(errors)


class RegisterEvent(EventBase):
    """History of an entry: who, when, what changed. Free-text items are named, not copied.

    An entry has no status: `from_status` and `to_status` (from `EventBase`) stay blank.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Inscription au registre")
        UPDATED = "updated", _("Modification")

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    changes = models.JSONField(_("changements"), default=list, blank=True)

    class Meta(EventBase.Meta):
        verbose_name = _("historique du registre")
        verbose_name_plural = _("historique du registre")

    def __str__(self) -> str:
        return f"{self.entry_id} {self.kind}"


class RetentionLog(models.Model):
    """One row per action of the retention job (`incidents.retention`), and one summary row per run.

    The references are copied because a register entry whose keep-until date passed no longer exists.
    """

    class Action(models.TextChoices):
        RUN = "run", _("Exécution")
        REGISTER_ENTRY_DELETED = "register_entry_deleted", _("Inscription au registre supprimée")
        INCIDENT_PURGED = "incident_purged", _("Incident épuré (textes et preuves)")

    run = models.UUIDField(_("exécution"), db_index=True)
    at = models.DateTimeField(_("le"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="retention_log"
    )
    reference = models.CharField(_("référence"), max_length=30, blank=True)
    counts = models.JSONField(_("décomptes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("journal de conservation")
        verbose_name_plural = _("journal de conservation")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"],
                condition=Q(action="incident_purged"),
                name="retention_incident_purged_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.reference}"
