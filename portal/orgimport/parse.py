"""Reading an HR export: decoding, delimiter, header, and the checks each row can make on its own.

Cross-row rules (duplicates, managers, cycles, direction roles) are in `plan.py`.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from portal.models import Direction, StaffProfile

# Columns of the HR export, in the order of the README. The optional ones may be absent or empty.
COLUMNS = (
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "direction_code",
    "direction_name_fr",
    "direction_name_en",
    "direction_role",
    "manager_employee_number",
    "category",
    "language",
    "start_date",
)
OPTIONAL_COLUMNS = (
    "direction_name_en",
    "direction_role",
    "manager_employee_number",
    "language",
    "start_date",
)
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)

_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EARLIEST_START = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class Row:
    """One valid line of the export, normalised. Empty optional values are "" or None (= not given)."""

    line: int
    employee_number: str
    first_name: str
    last_name: str
    email: str
    direction_code: str
    direction_name_fr: str
    direction_name_en: str
    direction_role: str
    manager_number: str
    category: str
    language: str
    start_date: datetime.date | None


@functools.lru_cache(maxsize=4096)
def normalise_label(value: str) -> str:
    """Lower case, no accents, single spaces: "Professionnel de la SANTÉ" → "professionnel de la sante".

    Cached: an export repeats a few dozen categories, languages and roles over 20,000 lines."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[_\-'’]", " ", stripped).lower().split())


def _choice_map(choices, extra: dict[str, str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    with translation.override("fr"):
        for value, label in choices:
            mapping[normalise_label(value)] = value
            mapping[normalise_label(str(label))] = value
    mapping.update({normalise_label(k): v for k, v in extra.items()})
    return mapping


_C = StaffProfile.Category
# HR exports in Quebec often use the feminine form of a category.
CATEGORY_ALIASES = {
    "Pharmacienne": _C.PHARMACIEN,
    "Autre professionnelle de la santé": _C.AUTRE_PRO_SANTE,
    "Chercheuse": _C.CHERCHEUR,
    "Employée": _C.EMPLOYE,
    "Consultante": _C.CONSULTANT,
    "Résidente": _C.RESIDENT,
    "Professeure": _C.PROFESSEUR,
    "Étudiante": _C.ETUDIANT,
    "Contractuelle": _C.CONTRACTUEL,
    # §4: board members, as an HR export names them.
    "Administrateur": _C.ADMINISTRATEUR,
    "Administratrice": _C.ADMINISTRATEUR,
    "Membre du conseil d'administration": _C.ADMINISTRATEUR,
}
LANGUAGE_ALIASES = {"français": "fr", "french": "fr", "anglais": "en", "english": "en"}


def category_map() -> dict[str, str]:
    return _choice_map(StaffProfile.Category.choices, CATEGORY_ALIASES)


def role_map() -> dict[str, str]:
    return _choice_map(Direction.Role.choices, {})


def language_map() -> dict[str, str]:
    return _choice_map(StaffProfile.Language.choices, LANGUAGE_ALIASES)


class FileError(Exception):
    """The file as a whole cannot be read (encoding, header)."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileError(
            [
                RowError(
                    line,
                    _("Le fichier n'est pas en UTF-8 (octet invalide à la position %(pos)s).") % {"pos": exc.start},
                )
            ]
        ) from exc


def sniff_delimiter(header_line: str) -> str:
    """HR exports from spreadsheets in French use ";", others ",": the header tells which."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _header_key(name: str) -> str:
    return "_".join(name.strip().strip("\ufeff").lower().replace("-", " ").split())


def read_records(text: str) -> list[tuple[int, dict[str, str]]]:
    """The data lines as (line number, {column: raw value}); blank lines skipped.

    Raises FileError when the header lacks a required column or a line has the wrong number of fields
    (both make every later line unreliable, so they are reported together).
    """
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    try:
        header = next(reader)
    except StopIteration:
        raise FileError([RowError(1, _("Le fichier est vide."))]) from None
    keys = [_header_key(h) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in keys]
    if missing:
        raise FileError(
            [
                RowError(
                    1,
                    _("Colonnes obligatoires absentes de l'en-tête : %(cols)s.") % {"cols": ", ".join(missing)},
                )
            ]
        )
    duplicated = sorted({k for k in keys if k in COLUMNS and keys.count(k) > 1})
    if duplicated:
        raise FileError(
            [RowError(1, _("Colonnes en double dans l'en-tête : %(cols)s.") % {"cols": ", ".join(duplicated)})]
        )
    records: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    start = reader.line_num + 1
    try:
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(keys):
                errors.append(RowError(line, _("%(n)s champs au lieu de %(m)s.") % {"n": len(fields), "m": len(keys)}))
                continue
            records.append((line, {k: v for k, v in zip(keys, fields, strict=True) if k in COLUMNS}))
    except csv.Error as exc:
        errors.append(RowError(start, _("Ligne illisible : %(error)s.") % {"error": exc}))
    if errors:
        raise FileError(errors)
    return records


class RowParser:
    """Checks one record against the rules that need no other row, and normalises it."""

    def __init__(self) -> None:
        self.categories = category_map()
        self.roles = role_map()
        self.languages = language_map()
        # Beyond two years ahead a start date is a typo, not a hire.
        self.latest_start = datetime.date.today() + datetime.timedelta(days=731)

    def parse(self, line: int, record: dict[str, str]) -> tuple[Row | None, list[str]]:
        v = {c: (record.get(c) or "").strip() for c in COLUMNS}
        problems: list[str] = []
        for column in REQUIRED_COLUMNS:
            if not v[column]:
                problems.append(_("champ obligatoire vide : %(col)s") % {"col": column})

        number = v["employee_number"]
        if number and (len(number) > 20 or not _NUMBER_RE.match(number)):
            problems.append(_("matricule invalide « %(value)s »") % {"value": number})
        for column in ("first_name", "last_name"):
            if len(v[column]) > 150:
                problems.append(_("%(col)s trop long (150 caractères au plus)") % {"col": column})
        email = v["email"]
        if email:
            try:
                if len(email) > 254:
                    raise ValidationError("too long")
                validate_email(email)
            except ValidationError:
                problems.append(_("courriel invalide « %(value)s »") % {"value": email})
        code = v["direction_code"].upper()
        if code and (len(code) > 20 or not _CODE_RE.match(code)):
            problems.append(_("code de direction invalide « %(value)s »") % {"value": v["direction_code"]})
        for column in ("direction_name_fr", "direction_name_en"):
            if len(v[column]) > 200:
                problems.append(_("%(col)s trop long (200 caractères au plus)") % {"col": column})
        role = ""
        if v["direction_role"]:
            role = self.roles.get(normalise_label(v["direction_role"]), "")
            if not role:
                problems.append(
                    _("rôle de direction inconnu « %(value)s » (general, human_resources, communications, other)")
                    % {"value": v["direction_role"]}
                )
        manager = v["manager_employee_number"]
        if manager and (len(manager) > 20 or not _NUMBER_RE.match(manager)):
            problems.append(_("matricule du gestionnaire invalide « %(value)s »") % {"value": manager})
        elif manager and manager == number:
            problems.append(_("cycle de gestionnaires : %(number)s est son propre gestionnaire") % {"number": number})
        category = ""
        if v["category"]:
            category = self.categories.get(normalise_label(v["category"]), "")
            if not category:
                problems.append(_("catégorie inconnue « %(value)s »") % {"value": v["category"]})
        language = ""
        if v["language"]:
            language = self.languages.get(normalise_label(v["language"]), "")
            if not language:
                problems.append(_("langue inconnue « %(value)s » (fr ou en)") % {"value": v["language"]})
        start_date = None
        if v["start_date"]:
            start_date = self._date(v["start_date"], problems)

        if problems:
            return None, problems
        return (
            Row(
                line=line,
                employee_number=number,
                first_name=v["first_name"],
                last_name=v["last_name"],
                email=email,
                direction_code=code,
                direction_name_fr=v["direction_name_fr"],
                direction_name_en=v["direction_name_en"],
                direction_role=role,
                manager_number=manager,
                category=category,
                language=language,
                start_date=start_date,
            ),
            [],
        )

    def _date(self, value: str, problems: list[str]) -> datetime.date | None:
        try:
            if not _DATE_RE.match(value):
                raise ValueError(value)
            parsed = datetime.date.fromisoformat(value)
        except ValueError:
            problems.append(_("date d'entrée invalide « %(value)s » (AAAA-MM-JJ attendu)") % {"value": value})
            return None
        # A start date a century off is a typo (like the seed's "2108"): flag it rather than store it.
        if parsed < _EARLIEST_START or parsed > self.latest_start:
            problems.append(_("date d'entrée improbable « %(value)s »") % {"value": value})
            return None
        return parsed


def parse_records(
    records: Iterable[tuple[int, dict[str, str]]],
    progress: Callable[..., Iterable] | None = None,
    total: int | None = None,
) -> tuple[list[Row], list[RowError]]:
    parser = RowParser()
    rows: list[Row] = []
    errors: list[RowError] = []
    iterable = progress(records, total=total, desc=_("Lecture")) if progress else records
    for line, record in iterable:
        row, problems = parser.parse(line, record)
        if row is not None:
            rows.append(row)
        errors.extend(RowError(line, p) for p in problems)
    return rows, errors
