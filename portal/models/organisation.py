"""The organisation: directions and staff profiles (§1 of policy 10 974)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Direction(models.Model):
    class Role(models.TextChoices):
        GENERAL = "general", _("Direction générale")
        HUMAN_RESOURCES = "human_resources", _("Ressources humaines")
        COMMUNICATIONS = "communications", _("Communications et accès à l'information")
        OTHER = "other", _("Autre")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_fr = models.CharField(_("nom (français)"), max_length=200)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.OTHER)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("directeur ou directrice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_directions",
    )

    class Meta:
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        ordering = ["code"]
        permissions = [("act_for_direction", _("Agir comme délégué de la direction"))]
        constraints = [
            models.UniqueConstraint(
                fields=["role"],
                condition=~Q(role="other"),
                name="direction_one_per_special_role",
                violation_error_message=_("Une seule direction peut avoir ce rôle."),
            )
        ]

    def __str__(self) -> str:
        return self.label(self.code, self.name_fr, self.name_en)

    @property
    def name(self) -> str:
        return self.name_in_language(self.name_fr, self.name_en)

    @staticmethod
    def name_in_language(name_fr: str, name_en: str) -> str:
        """The name in the reader's language (the French one when no English name was given)."""
        if (get_language() or "fr").startswith("en") and name_en:
            return name_en
        return name_fr

    @classmethod
    def label(cls, code: str, name_fr: str, name_en: str) -> str:
        """How a direction is named in a list of choices: "DCAI – Direction des communications…"."""
        return f"{code} – {cls.name_in_language(name_fr, name_en)}"


class DirectionUserObjectPermission(UserObjectPermissionBase):
    """Direct-foreign-key guardian table: delegates of a direction."""

    content_object = models.ForeignKey(Direction, on_delete=models.CASCADE)


class DirectionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Direction, on_delete=models.CASCADE)


class StaffProfile(models.Model):
    class Category(models.TextChoices):
        # §1: "intervenants du CHUM".
        MEDECIN = "medecin", _("Médecin")
        DENTISTE = "dentiste", _("Dentiste")
        PHARMACIEN = "pharmacien", _("Pharmacien")
        AUTRE_PRO_SANTE = "autre_pro_sante", _("Autre professionnel de la santé")
        CHERCHEUR = "chercheur", _("Chercheur")
        EMPLOYE = "employe", _("Employé")
        CONSULTANT = "consultant", _("Consultant")
        RESIDENT = "resident", _("Résident")
        PROFESSEUR = "professeur", _("Professeur")
        STAGIAIRE = "stagiaire", _("Stagiaire")
        BENEVOLE = "benevole", _("Bénévole")
        ETUDIANT = "etudiant", _("Étudiant")
        CONTRACTUEL = "contractuel", _("Contractuel")
        # §4: "administrateurs", the members of the board of directors.
        ADMINISTRATEUR = "administrateur", _("Administrateur (conseil d'administration)")

    class Language(models.TextChoices):
        FR = "fr", _("Français")
        EN = "en", _("English")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    employee_number = models.CharField(_("matricule"), max_length=20, unique=True)
    direction = models.ForeignKey(
        Direction, verbose_name=_("direction"), on_delete=models.PROTECT, related_name="staff"
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("gestionnaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices, default=Category.EMPLOYE)
    language = models.CharField(_("langue préférée"), max_length=2, choices=Language.choices, default=Language.FR)
    is_active = models.BooleanField(_("actif"), default=True)
    start_date = models.DateField(_("date d'entrée en fonction"), null=True, blank=True)

    class Meta:
        verbose_name = _("profil d'intervenant")
        verbose_name_plural = _("profils d'intervenants")
        ordering = ["user__last_name", "user__first_name"]
        indexes = [models.Index(fields=["direction", "is_active"]), models.Index(fields=["manager", "is_active"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(manager=models.F("id")), name="staffprofile_not_own_manager"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_number})"

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()
