"""The demo institution of `manage.py seed_demo`, and the admin groups of HR and DCAI.

Everything is derived from a fixed seed, and the staff go through the same import as the HR export,
so running it again changes nothing.
"""

from __future__ import annotations

import datetime
import inspect
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.groups import DCAI_GROUP, HR_GROUP, staff_groups_sync
from portal.hooks import hooks
from portal.models import Direction, StaffProfile
from portal.orgimport import ImportResult, import_records
from portal.permissions import direction_delegate_add

SEED = 10974
# Demo only: printed at the end of seed_demo so anyone can sign in as each role.
DEMO_PASSWORD = "demo-10974-portail"
EMAIL_DOMAIN = "demo.chum.local"

# Model permissions each admin group needs, by "app_label.model" ("app_label.*": every model of the app).
# Models not migrated yet are skipped; running seed_demo again grants them once they exist.
# code, French name, English name, role, headcount, profile of categories
DIRECTIONS = [
    ("DG", "Direction générale", "Office of the President and Chief Executive", "general", 6, "admin"),
    ("DRH", "Direction des ressources humaines", "Human Resources", "human_resources", 16, "admin"),
    (
        "DCAI",
        "Direction des communications et de l'accès à l'information",
        "Communications and Access to Information",
        "communications",
        10,
        "admin",
    ),
    ("DSI", "Direction des soins infirmiers", "Nursing", "other", 30, "care"),
    ("DSP", "Direction des services professionnels", "Professional Services", "other", 20, "medical"),
    (
        "DSM",
        "Direction des services multidisciplinaires",
        "Multidisciplinary Services",
        "other",
        14,
        "allied",
    ),
    (
        "DPSM",
        "Direction du programme de santé mentale et de dépendance",
        "Mental Health and Addiction Program",
        "other",
        12,
        "allied",
    ),
    (
        "DQEPE",
        "Direction de la qualité, de l'évaluation, de la performance et de l'éthique",
        "Quality, Evaluation, Performance and Ethics",
        "other",
        10,
        "admin",
    ),
    ("DRI", "Direction des ressources informationnelles", "Information Technology", "other", 14, "admin"),
    ("DRF", "Direction des ressources financières", "Finance", "other", 10, "admin"),
    ("DLOG", "Direction de la logistique", "Logistics", "other", 14, "admin"),
    ("DST", "Direction des services techniques", "Technical Services", "other", 12, "admin"),
    ("DREC", "Direction de la recherche", "Research", "other", 14, "research"),
    (
        "DEAC",
        "Direction de l'enseignement et de l'Académie CHUM",
        "Teaching and CHUM Academy",
        "other",
        12,
        "teaching",
    ),
    ("DAJ", "Direction des affaires juridiques", "Legal Affairs", "other", 6, "admin"),
]

_Cat = StaffProfile.Category
CATEGORY_MIX = {
    "admin": [(_Cat.EMPLOYE, 75), (_Cat.CONTRACTUEL, 10), (_Cat.CONSULTANT, 10), (_Cat.BENEVOLE, 5)],
    "care": [
        (_Cat.AUTRE_PRO_SANTE, 50),
        (_Cat.EMPLOYE, 20),
        (_Cat.ETUDIANT, 10),
        (_Cat.STAGIAIRE, 10),
        (_Cat.CONTRACTUEL, 10),
    ],
    "medical": [
        (_Cat.MEDECIN, 40),
        (_Cat.RESIDENT, 25),
        (_Cat.AUTRE_PRO_SANTE, 20),
        (_Cat.PHARMACIEN, 10),
        (_Cat.DENTISTE, 5),
    ],
    "allied": [(_Cat.AUTRE_PRO_SANTE, 60), (_Cat.EMPLOYE, 20), (_Cat.STAGIAIRE, 10), (_Cat.BENEVOLE, 10)],
    "research": [(_Cat.CHERCHEUR, 50), (_Cat.ETUDIANT, 30), (_Cat.STAGIAIRE, 10), (_Cat.CONSULTANT, 10)],
    "teaching": [(_Cat.PROFESSEUR, 40), (_Cat.RESIDENT, 30), (_Cat.ETUDIANT, 20), (_Cat.EMPLOYE, 10)],
}

FIRST_NAMES = [
    "Marie",
    "Julie",
    "Catherine",
    "Isabelle",
    "Nathalie",
    "Geneviève",
    "Mélanie",
    "Valérie",
    "Émilie",
    "Audrey",
    "Chantal",
    "Josée",
    "Annie",
    "Caroline",
    "Karine",
    "Maude",
    "Amélie",
    "Camille",
    "Léa",
    "Chloé",
    "Fatima",
    "Nadia",
    "Yasmine",
    "Mei",
    "Priya",
    "Ana",
    "Jean",
    "Luc",
    "Martin",
    "François",
    "Pierre",
    "Sylvain",
    "Stéphane",
    "Mathieu",
    "Simon",
    "Alexandre",
    "Philippe",
    "Éric",
    "Nicolas",
    "Olivier",
    "Guillaume",
    "Maxime",
    "Samuel",
    "Gabriel",
    "Félix",
    "Louis",
    "Antoine",
    "Karim",
    "Omar",
    "Mamadou",
    "Jean-Philippe",
    "Marc-André",
    "Thi",
    "Wei",
    "Diego",
    "Kevin",
    "Benoît",
    "Hugo",
]
LAST_NAMES = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
    "Caron",
    "Beaulieu",
    "Cloutier",
    "Dubé",
    "Poirier",
    "Fournier",
    "Lapointe",
    "Leclerc",
    "Lefebvre",
    "Poulin",
    "Thibault",
    "St-Pierre",
    "Nadeau",
    "Martin",
    "Landry",
    "Martel",
    "Bédard",
    "Grenier",
    "Lessard",
    "Bernier",
    "Richard",
    "Michaud",
    "Hébert",
    "Desjardins",
    "Couture",
    "Turcotte",
    "Nguyen",
    "Haddad",
    "Diallo",
    "Benali",
    "Santos",
    "Chen",
    "Joseph",
    "Pierre-Louis",
    "Rodriguez",
]


@dataclass(frozen=True)
class Persona:
    key: str
    label: Any  # lazy translation
    username: str
    first_name: str
    last_name: str
    direction: str
    is_staff: bool = False
    is_superuser: bool = False
    group: str = ""


PERSONAS = [
    Persona("employee", gettext_lazy("Intervenant"), "employe", "Élise", "Gagnon", "DSI"),
    Persona("manager", gettext_lazy("Gestionnaire"), "gestionnaire", "Marc", "Bouchard", "DSI"),
    Persona("head", gettext_lazy("Direction (directrice)"), "direction", "Sophie", "Lavoie", "DSI"),
    Persona(
        "hr", gettext_lazy("Ressources humaines"), "rh", "Hélène", "Roy", "DRH", is_staff=True, group=HR_GROUP
    ),
    Persona("dcai", gettext_lazy("DCAI"), "dcai", "Karim", "Haddad", "DCAI", is_staff=True, group=DCAI_GROUP),
    Persona(
        "admin",
        gettext_lazy("Administrateur"),
        "admin",
        "Alex",
        "Bergeron",
        "DRI",
        is_staff=True,
        is_superuser=True,
    ),
]


def _weighted(rng: random.Random, mix: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _w in mix], weights=[w for _c, w in mix])[0]


def demo_rows(seed: int = SEED) -> tuple[list[dict[str, str]], dict[str, str], dict[str, str]]:
    """The HR export of the demo institution, its direction heads (code → employee number) and the
    employee numbers of the personas (key → employee number)."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    heads: dict[str, str] = {}
    personas: dict[str, str] = {}
    emails: set[str] = set()
    counter = iter(range(100001, 200000))

    def person(code, name_fr, name_en, role, kind, manager, persona=None, category=None):
        number = str(next(counter))
        if persona is not None:
            first, last = persona.first_name, persona.last_name
            personas[persona.key] = number
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = _ascii(f"{first}.{last}")
        email, n = f"{local}@{EMAIL_DOMAIN}", 1
        while email in emails:
            n += 1
            email = f"{local}{n}@{EMAIL_DOMAIN}"
        emails.add(email)
        start = datetime.date(1995, 1, 1) + datetime.timedelta(days=rng.randrange(30 * 365))
        rows.append(
            {
                "employee_number": number,
                "first_name": first,
                "last_name": last,
                "email": email,
                "direction_code": code,
                "direction_name_fr": name_fr,
                "direction_name_en": name_en,
                "direction_role": role,
                "manager_employee_number": manager,
                "category": category or _weighted(rng, CATEGORY_MIX[kind]),
                "language": "en" if rng.random() < 0.12 else "fr",
                "start_date": start.isoformat(),
            }
        )
        return number

    by_key = {p.key: p for p in PERSONAS}
    for code, name_fr, name_en, role, size, kind in DIRECTIONS:
        d = (code, name_fr, name_en, role, kind)
        head_persona = by_key["head"] if code == "DSI" else None
        head_category = _Cat.MEDECIN if kind == "medical" else _Cat.EMPLOYE
        head = heads[code] = person(*d, "", persona=head_persona, category=head_category)
        managers = []
        for i in range(max(1, size // 8)):
            persona = by_key["manager"] if code == "DSI" and i == 0 else None
            managers.append(
                person(*d, head, persona=persona, category=_Cat.EMPLOYE if kind == "admin" else None)
            )
        staff_personas = [p for p in PERSONAS if p.direction == code and p.key not in ("head", "manager")]
        for i in range(size - 1 - len(managers)):
            persona = staff_personas[i] if i < len(staff_personas) else None
            manager = managers[0] if persona is not None else rng.choice(managers)
            person(*d, manager, persona=persona, category=_Cat.EMPLOYE if persona else None)
    return rows, heads, personas


def _ascii(text: str) -> str:
    from .orgimport.parse import normalise_label

    return normalise_label(text).replace(" ", "-")


@dataclass
class DemoResult:
    org: ImportResult
    logins: list[tuple[str, str, str, str]]  # role, username, name, direction
    changed_accounts: int
    hooks: list[tuple[str, str]]  # dotted path, outcome


def seed_demo(*, out: TextIO | None = None, seed: int = SEED) -> DemoResult:
    rows, heads, persona_numbers = demo_rows(seed)
    org = import_records(rows)
    if not org.ok:  # only if the organisation already holds conflicting data (e.g. another DCAI direction)
        return DemoResult(org, [], 0, [])
    with transaction.atomic():
        groups = staff_groups_sync()
        profiles = {
            p.employee_number: p
            for p in StaffProfile.objects.select_related("user", "direction").filter(
                employee_number__in=[*heads.values(), *persona_numbers.values()]
            )
        }
        directions = Direction.objects.filter(code__in=heads)
        for direction in directions:
            head_user_id = profiles[heads[direction.code]].user_id
            if direction.head_id != head_user_id:
                direction.head_id = head_user_id
                direction.save(update_fields=["head"])
        changed = 0
        logins = []
        for persona in PERSONAS:
            profile = profiles[persona_numbers[persona.key]]
            changed += _persona_account(persona, profile.user, groups)
            logins.append((str(persona.label), persona.username, profile.full_name, profile.direction.code))
        # A delegate of the nursing direction (§7.4), next to its head.
        dsi = next(d for d in directions if d.code == "DSI")
        delegate = (
            StaffProfile.objects.filter(direction=dsi, manager__user=dsi.head_id)
            .exclude(employee_number=persona_numbers["manager"])
            .order_by("employee_number")
            .select_related("user")
            .first()
        )
        if delegate is not None:
            direction_delegate_add(user=delegate.user, direction=dsi)
    hooks = run_demo_hooks(out)
    return DemoResult(org, logins, changed, hooks)


def _persona_account(persona: Persona, user, groups: dict[str, Group]) -> int:
    from django.contrib.auth import get_user_model

    wanted = {
        "username": persona.username,
        "is_staff": persona.is_staff,
        "is_superuser": persona.is_superuser,
        "is_active": True,
    }
    fields = [f for f, v in wanted.items() if getattr(user, f) != v]
    if "username" in fields:
        taken = get_user_model().objects.filter(username=persona.username).exclude(pk=user.pk).exists()
        if taken:
            raise ValueError(
                _("L'identifiant de démonstration « %(u)s » est déjà pris.") % {"u": persona.username}
            )
    for f in fields:
        setattr(user, f, wanted[f])
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        fields.append("password")
    if fields:
        user.save(update_fields=fields)
    wanted_groups = {groups[persona.group].pk} if persona.group else set()
    if set(user.groups.values_list("pk", flat=True)) != wanted_groups:
        user.groups.set(wanted_groups)
        fields.append("groups")
    return 1 if fields else 0


def _call(hook: Callable, out: TextIO | None) -> Any:
    """Demo hooks take the output stream if they want it: hook(stdout=…), hook(out=…), hook(out) or hook()."""
    params = inspect.signature(hook).parameters
    for name in ("stdout", "out"):
        if name in params:
            return hook(**{name: out})
    required = [
        p
        for p in params.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return hook(out) if required else hook()


def run_demo_hooks(out: TextIO | None) -> list[tuple[str, str]]:
    """Each app's demo data (e.g. policy 10 974 put in force), in the order of settings.PORTAL_DEMO_HOOKS."""
    outcomes = []
    for dotted, hook in zip(settings.PORTAL_DEMO_HOOKS, hooks("PORTAL_DEMO_HOOKS"), strict=True):
        _call(hook, out)
        outcomes.append((dotted, _("fait")))
    return outcomes
