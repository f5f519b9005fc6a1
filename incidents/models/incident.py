"""The incident declaration and its routing state (policy 10 974, §6, §7.3, §7.4, §7.6)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal.choices import QuickChoiceLabels
from portal.links import reverse_with_pk

SHARE_PERMISSION = "consult_shared_incident"


class ReferenceCounter(models.Model):
    """One row per year; locked while a reference is allocated so two declarations never share one."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de références")
        verbose_name_plural = _("compteurs de références")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Incident(QuickChoiceLabels, models.Model):
    class Platform(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        X = "x", "X (Twitter)"
        LINKEDIN = "linkedin", "LinkedIn"
        TIKTOK = "tiktok", "TikTok"
        YOUTUBE = "youtube", "YouTube"
        FORUM = "forum", _("Forum de discussion")
        BLOG = "blog", _("Blogue")
        OTHER = "other", _("Autre")

    class Category(models.TextChoices):
        PATIENT_INFO = "patient_info", _("Renseignements sur un usager (§6.1)")
        STAFF_INFO = "staff_info", _("Renseignements sur un intervenant (§6.1)")
        DEROGATORY = "derogatory", _("Propos désobligeants ou diffamatoires (§6.1)")
        REPUTATION = "reputation", _("Atteinte à la réputation de l'établissement (§6.2)")
        CONFIDENTIAL = "confidential", _("Information confidentielle (§6.2)")
        COPYRIGHT = "copyright", _("Droit d'auteur (§6.2)")
        NETIQUETTE = "netiquette", _("Manquement à la nétiquette sur une page officielle (annexe 1)")
        IMPERSONATION = "impersonation", _("Usurpation d'identité ou faux compte")
        OTHER = "other", _("Autre")

    class StillOnline(models.TextChoices):
        YES = "yes", _("Oui")
        NO = "no", _("Non")
        UNKNOWN = "unknown", _("Je ne sais pas")

    class Concerned(models.TextChoices):
        STAFF = "staff", _("Un intervenant du CHUM")
        PATIENT = "patient", _("Un usager")
        VISITOR = "visitor", _("Un visiteur")
        INSTITUTION = "institution", _("L'établissement")
        PUBLIC = "public", _("Un membre du public")
        MEDIA = "media", _("Un média")

    class Source(models.TextChoices):
        """How the declaration came in (§1: staff, patients, visitors, media and the public may report)."""

        STAFF = "staff", _("Intervenant identifié")
        ANONYMOUS = "anonymous", _("Déclaration anonyme")
        EXTERNAL = "external", _("Signalement externe")

    class RouteChoice(models.TextChoices):
        NORMAL = "normal", _("Mon gestionnaire (cheminement habituel)")
        DIRECTION = "direction", _("Directement à la direction")
        DCAI = "dcai", _("Directement à la DCAI")

    class Level(models.TextChoices):
        MANAGER = "manager", _("Gestionnaire")
        DIRECTION = "direction", _("Direction")
        DCAI = "dcai", _("DCAI")
        CLOSED = "closed", _("Fermé")

    class Status(models.TextChoices):
        OPEN = "open", _("À prendre en charge")
        IN_PROGRESS = "in_progress", _("Pris en charge")
        AWAITING_DECLARER = "awaiting_declarer", _("En attente d'information du déclarant")
        CLOSED = "closed", _("Fermé")

    class Outcome(models.TextChoices):
        FOUNDED = "founded", _("Fondé")
        UNFOUNDED = "unfounded", _("Non fondé")
        DUPLICATE = "duplicate", _("Doublon")
        WITHDRAWN = "withdrawn", _("Retiré")

    reference = models.CharField(_("référence"), max_length=20, unique=True, editable=False)
    # Empty for an anonymous or external declaration: nothing identifies who made it (intake/).
    declarer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déclarant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declared_incidents",
    )
    source = models.CharField(_("provenance"), max_length=10, choices=Source.choices, default=Source.STAFF)
    # Contact details an external reporter chose to give (DCAI only); never for an anonymous declaration.
    reporter_contact = models.CharField(_("coordonnées du déclarant externe"), max_length=300, blank=True)
    confidential_declarer = models.BooleanField(_("identité visible par la DCAI seulement"), default=False)
    description = models.TextField(_("ce qui a été vu"))
    platform = models.CharField(_("plateforme"), max_length=20, choices=Platform.choices)
    links = models.TextField(_("liens"), blank=True)
    seen_at = models.DateTimeField(_("vu le"))
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    patient_info_exposed = models.BooleanField(
        _("renseignements personnels d'un usager possiblement exposés")
    )
    still_online = models.CharField(
        _("toujours en ligne"), max_length=10, choices=StillOnline.choices, default=StillOnline.UNKNOWN
    )
    concerned_kind = models.CharField(_("personne concernée"), max_length=20, choices=Concerned.choices)
    concerned_staff = models.ForeignKey(
        "portal.StaffProfile",
        verbose_name=_("intervenant concerné"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    route_choice = models.CharField(
        _("acheminement demandé"), max_length=10, choices=RouteChoice.choices, default=RouteChoice.NORMAL
    )
    route_reason = models.TextField(_("motif de l'acheminement"), blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)

    # Routing state.
    level = models.CharField(_("niveau"), max_length=10, choices=Level.choices)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.OPEN)
    direction = models.ForeignKey(
        "portal.Direction",
        verbose_name=_("direction visée"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_manager = models.ForeignKey(
        "portal.StaffProfile",
        verbose_name=_("gestionnaire responsable"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_direction = models.ForeignKey(
        "portal.Direction",
        verbose_name=_("direction responsable"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline_at = models.DateTimeField(_("échéance du niveau"), null=True, blank=True)
    # While a question waits for the declarer, the deadline is paused (incidents.pause).
    deadline_paused_at = models.DateTimeField(_("échéance suspendue le"), null=True, blank=True, editable=False)
    deadline_pause_ends_at = models.DateTimeField(
        _("suspension au plus tard jusqu'au"), null=True, blank=True, editable=False
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    taken_in_charge_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pris en charge par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_in_charge_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)

    # The course of the incident, for the statistics (incidents.statistics): when it reached each level
    # and when it was first taken in charge there. Levels only go up, so each is reached at most once.
    reached_manager_at = models.DateTimeField(_("arrivé au gestionnaire le"), null=True, blank=True, editable=False)
    reached_direction_at = models.DateTimeField(_("arrivé à la direction le"), null=True, blank=True, editable=False)
    reached_dcai_at = models.DateTimeField(_("arrivé à la DCAI le"), null=True, blank=True, editable=False)
    taken_manager_at = models.DateTimeField(
        _("pris en charge par le gestionnaire le"), null=True, blank=True, editable=False
    )
    taken_direction_at = models.DateTimeField(
        _("pris en charge par la direction le"), null=True, blank=True, editable=False
    )
    taken_dcai_at = models.DateTimeField(_("pris en charge par la DCAI le"), null=True, blank=True, editable=False)
    auto_escalations = models.PositiveSmallIntegerField(_("transmissions automatiques"), default=0, editable=False)
    missed_deadline = models.BooleanField(_("échéance dépassée"), default=False, editable=False)

    # Closure.
    outcome = models.CharField(_("issue"), max_length=10, choices=Outcome.choices, blank=True)
    closure_reason = models.TextField(_("motif de fermeture"), blank=True)
    takedown_requested = models.BooleanField(_("retrait demandé"), default=False)
    reply_published = models.BooleanField(_("réponse publiée"), default=False)
    closed_at = models.DateTimeField(_("fermé le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fermé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at_level = models.CharField(_("fermé au niveau"), max_length=10, choices=Level.choices, blank=True)

    created_at = models.DateTimeField(_("déclaré le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-created_at", "-id"]
        permissions = [(SHARE_PERMISSION, _("Consulter un incident partagé par la DCAI"))]
        indexes = [
            models.Index(fields=["level", "assigned_manager", "deadline_at"], name="incident_mgr_queue"),
            models.Index(fields=["level", "assigned_direction", "deadline_at"], name="incident_dir_queue"),
            models.Index(fields=["level", "deadline_at"], name="incident_level_deadline"),
            models.Index(fields=["declarer", "created_at"], name="incident_declarer"),
            models.Index(fields=["closed_at"], name="incident_closed_at"),
            # The queues' order at one level (incidents.selectors.lists.queue_to_handle), read in index order
            # instead of sorting the backlog; the person concerned is left out without reading the rows, so
            # the counts are index-only (docs/rules.md, "Performance").
            models.Index(
                fields=["level", "-urgent", "deadline_at", "id", "concerned_staff"], name="incident_level_queue"
            ),
            # Recently closed, newest first (queue_recently_closed): DCAI's list and its counts, filtered or not,
            # read the index only; a manager's and a direction's read their own closed incidents only, instead of
            # every incident the institution closed in 90 days (docs/rules.md, "Performance").
            models.Index(
                fields=["level", "-closed_at", "-id"],
                include=["concerned_staff", "category", "platform", "direction", "created_at"],
                name="incident_level_closed",
            ),
            models.Index(
                fields=["assigned_manager", "-closed_at", "-id"],
                include=["concerned_staff"],
                condition=Q(level="closed"),
                name="incident_mgr_closed",
            ),
            models.Index(
                fields=["assigned_direction", "-closed_at", "-id"],
                include=["concerned_staff"],
                condition=Q(level="closed"),
                name="incident_dir_closed",
            ),
            # DCAI's urgent watch: every open urgent incident, soonest deadline first.
            models.Index(
                fields=["deadline_at"], condition=Q(urgent=True) & ~Q(level="closed"), name="incident_urgent_open"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(concerned_kind="staff") & Q(concerned_staff__isnull=False))
                | (~Q(concerned_kind="staff") & Q(concerned_staff__isnull=True)),
                name="incident_concerned_staff_named",
                violation_error_message=_("Nommez l'intervenant concerné (et seulement dans ce cas)."),
            ),
            models.CheckConstraint(
                condition=Q(route_choice="normal") | ~Q(route_reason=""),
                name="incident_route_reason_given",
                violation_error_message=_("Un acheminement direct exige un motif."),
            ),
            models.CheckConstraint(
                condition=(Q(level="closed", status="closed", closed_at__isnull=False) & ~Q(outcome=""))
                | (~Q(level="closed") & ~Q(status="closed") & Q(closed_at__isnull=True, outcome="")),
                name="incident_closure_consistent",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="unfounded") | ~Q(closure_reason=""),
                name="incident_unfounded_has_reason",
                violation_error_message=_("Une fermeture « non fondé » exige un motif."),
            ),
            models.CheckConstraint(
                condition=~Q(level="manager") | Q(assigned_manager__isnull=False),
                name="incident_manager_level_assigned",
            ),
            models.CheckConstraint(
                condition=~Q(level="direction") | Q(assigned_direction__isnull=False),
                name="incident_direction_level_assigned",
            ),
            models.CheckConstraint(
                condition=Q(level="closed") | Q(deadline_at__isnull=False),
                name="incident_open_has_deadline",
            ),
            # A staff declaration names its declarer; an anonymous or external one never does.
            models.CheckConstraint(
                condition=(Q(source="staff") & Q(declarer__isnull=False))
                | (~Q(source="staff") & Q(declarer__isnull=True)),
                name="incident_declarer_matches_source",
            ),
            models.CheckConstraint(
                condition=Q(source="external") | Q(reporter_contact=""),
                name="incident_contact_only_external",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse_with_pk("incidents:detail", self.pk)

    @property
    def is_closed(self) -> bool:
        return self.level == self.Level.CLOSED

    @property
    def level_reached(self) -> str:
        """The highest level the incident reached: where it was closed, else where it is."""
        return self.closed_at_level if self.is_closed else self.level

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class IncidentUserObjectPermission(UserObjectPermissionBase):
    """Direct-foreign-key guardian table: a person DCAI shared one incident with."""

    content_object = models.ForeignKey(Incident, on_delete=models.CASCADE)


class IncidentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Incident, on_delete=models.CASCADE)
