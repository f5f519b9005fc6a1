"""From valid rows to a plan: the rules across rows, then the differences with the database.

Everything is read once into dictionaries (a handful of queries whatever the size of the file), so
planning 20,000 rows costs no query per row.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from portal.models import Direction, StaffProfile

from .parse import Row, RowError
from .wide_access import reactivation_needs_administrator, users_leading_wide_access_directions

SPECIAL_ROLES = {r for r in Direction.Role.values if r != Direction.Role.OTHER}


@dataclass
class Existing:
    """The organisation as stored, keyed the way the file refers to it."""

    directions: dict[str, Direction]
    profiles: dict[str, dict[str, Any]]  # by employee number
    number_by_profile_id: dict[int, str]
    code_by_direction_id: dict[int, str]
    # username → employee number of the profile of that user ("" when the user has no profile)
    username_owner: dict[str, str]
    free_users: dict[str, dict[str, Any]]  # users without a profile, by username

    @classmethod
    def load(cls) -> Existing:
        User = get_user_model()
        directions = {d.code: d for d in Direction.objects.all()}
        profiles: dict[str, dict[str, Any]] = {}
        for p in StaffProfile.objects.values(
            "id",
            "employee_number",
            "user_id",
            "direction_id",
            "manager_id",
            "category",
            "language",
            "is_active",
            "start_date",
            "user__username",
            "user__first_name",
            "user__last_name",
            "user__email",
            "user__is_active",
            "user__is_superuser",
        ).order_by():
            profiles[p["employee_number"]] = p
        free_users = {
            u["username"]: u
            for u in User.objects.filter(profile__isnull=True)
            .values("id", "username", "first_name", "last_name", "email", "is_active")
            .order_by()
        }
        username_owner = {p["user__username"]: n for n, p in profiles.items()}
        username_owner.update({name: "" for name in free_users})
        return cls(
            directions=directions,
            profiles=profiles,
            number_by_profile_id={p["id"]: n for n, p in profiles.items()},
            code_by_direction_id={d.pk: code for code, d in directions.items()},
            username_owner=username_owner,
            free_users=free_users,
        )


@dataclass
class DirectionChange:
    direction: Direction  # carries the new values; unsaved when created
    changes: dict[str, tuple[Any, Any]]

    @property
    def role_changed(self) -> bool:
        return "role" in self.changes


@dataclass
class ProfileChange:
    row: Row
    profile_id: int | None = None  # None: the profile is created
    user_id: int | None = None  # None: the user is created
    profile_fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    user_fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def reactivated(self) -> bool:
        return "is_active" in self.profile_fields

    def describe(self) -> str:
        if self.profile_id is None:
            return _("%(number)s : nouveau (%(name)s %(last)s, %(direction)s)") % {
                "number": self.row.employee_number,
                "name": self.row.first_name,
                "last": self.row.last_name,
                "direction": self.row.direction_code,
            }
        parts = [
            _("%(field)s « %(old)s » → « %(new)s »") % {"field": name, "old": _show(old), "new": _show(new)}
            for name, (old, new) in {**self.user_fields, **self.profile_fields}.items()
        ]
        return _("%(number)s : %(changes)s") % {"number": self.row.employee_number, "changes": ", ".join(parts)}


@dataclass
class Deactivation:
    profile_id: int
    user_id: int
    employee_number: str
    deactivate_user: bool  # superusers keep their login: an HR file never locks out an administrator


@dataclass
class Plan:
    rows: list[Row]
    direction_creates: list[DirectionChange] = field(default_factory=list)
    direction_updates: list[DirectionChange] = field(default_factory=list)
    creates: list[ProfileChange] = field(default_factory=list)
    updates: list[ProfileChange] = field(default_factory=list)
    deactivations: list[Deactivation] = field(default_factory=list)
    # Former HR or DCAI staff, heads or delegates in the file again: left inactive for an administrator.
    held: list[str] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    existing: Existing | None = None

    @property
    def has_changes(self) -> bool:
        return bool(
            self.direction_creates
            or self.direction_updates
            or self.creates
            or self.updates
            or self.deactivations
        )


def _show(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


class Planner:
    def __init__(
        self,
        rows: list[Row],
        *,
        numbers_in_file: set[str],
        deactivate_missing: bool,
        existing: Existing,
        progress: Callable[..., Iterable] | None = None,
    ):
        self.rows = rows
        self.numbers_in_file = (
            numbers_in_file  # also those of invalid rows: they are reported once, not as unknown
        )
        self.deactivate_missing = deactivate_missing
        self.existing = existing
        self.progress = progress
        self.errors: list[RowError] = []
        self.by_number: dict[str, Row] = {}
        self.final_roles: dict[str, str] = {}  # direction code -> role once the file is applied

    def error(self, row: Row, message: str) -> None:
        self.errors.append(RowError(row.line, message))

    def run(self) -> tuple[Plan | None, list[RowError]]:
        if self.deactivate_missing and not self.numbers_in_file - {""}:
            # A truncated export must not deactivate the whole institution (and revoke its designations).
            message = _(
                "Le fichier ne contient aucun intervenant : --deactivate-missing désactiverait tout le monde."
            )
            return None, [RowError(1, message)]
        self._check_unique()
        directions = self._check_directions()
        self._check_managers()
        self._check_usernames()
        if self.errors:
            return None, self.errors
        plan = Plan(rows=self.rows, existing=self.existing)
        self._plan_directions(plan, directions)
        self._plan_profiles(plan)
        return plan, []

    # --- Rules across rows -------------------------------------------------------------------------

    def _check_unique(self) -> None:
        emails: dict[str, Row] = {}
        for row in self.rows:
            first = self.by_number.setdefault(row.employee_number, row)
            if first is not row:
                self.error(
                    row,
                    _("matricule %(number)s en double (déjà à la ligne %(line)s)")
                    % {"number": row.employee_number, "line": first.line},
                )
            first = emails.setdefault(row.email.lower(), row)
            if first is not row:
                self.error(
                    row,
                    _("courriel %(email)s en double (déjà à la ligne %(line)s)")
                    % {"email": row.email, "line": first.line},
                )

    def _check_directions(self) -> dict[str, dict[str, Any]]:
        """Each direction code must be described the same way on every row; special roles stay unique."""
        seen: dict[str, dict[str, Any]] = {}
        labels = {
            "direction_name_fr": _("nom français"),
            "direction_name_en": _("nom anglais"),
            "direction_role": _("rôle"),
        }
        for row in self.rows:
            info = seen.setdefault(row.direction_code, {"line": row.line})
            for attr, label in labels.items():
                value = getattr(row, attr)
                if not value:
                    continue
                if attr not in info:
                    info[attr] = (value, row.line)
                elif info[attr][0] != value:
                    self.error(
                        row,
                        _(
                            "direction %(code)s : %(what)s « %(value)s » différent "
                            "de la ligne %(line)s « %(first)s »"
                        )
                        % {
                            "code": row.direction_code,
                            "what": label,
                            "value": value,
                            "line": info[attr][1],
                            "first": info[attr][0],
                        },
                    )
        # Final role of every direction once the file is applied: empty role keeps the stored one.
        holders: dict[str, list[str]] = {}
        final_roles: dict[str, str] = {}
        for code, direction in self.existing.directions.items():
            if code not in seen:
                final_roles[code] = direction.role
        for code, info in seen.items():
            stored = self.existing.directions.get(code)
            given = info.get("direction_role", ("", 0))[0]
            final_roles[code] = given or (stored.role if stored else Direction.Role.OTHER)
        for code, role in final_roles.items():
            if role in SPECIAL_ROLES:
                holders.setdefault(role, []).append(code)
        for role, codes in holders.items():
            if len(codes) < 2:
                continue
            for code in codes:
                if code in seen:
                    line = seen[code].get("direction_role", (None, seen[code]["line"]))[1]
                    others = ", ".join(sorted(c for c in codes if c != code))
                    self.errors.append(
                        RowError(
                            line,
                            _("la direction %(code)s aurait le rôle « %(role)s », déjà celui de %(others)s")
                            % {"code": code, "role": role, "others": others},
                        )
                    )
        self.final_roles = final_roles
        return {code: {**info, "role": final_roles[code]} for code, info in seen.items()}

    def _manager_of(self, number: str) -> str:
        """Manager's employee number after the import ("" for none)."""
        row = self.by_number.get(number)
        if row is not None:
            return row.manager_number
        stored = self.existing.profiles.get(number)
        if stored is None or stored["manager_id"] is None:
            return ""
        return self.existing.number_by_profile_id.get(stored["manager_id"], "")

    def _check_managers(self) -> None:
        profiles = self.existing.profiles
        for row in self.rows:
            number = row.manager_number
            if not number or number in self.by_number:
                continue
            if number in self.numbers_in_file:
                continue  # that row is invalid and reported on its own line
            stored = profiles.get(number)
            if stored is None:
                self.error(row, _("gestionnaire %(number)s inconnu") % {"number": number})
            elif self.deactivate_missing:
                self.error(
                    row,
                    _("gestionnaire %(number)s absent du fichier : il serait désactivé") % {"number": number},
                )
            elif not stored["is_active"]:
                self.error(row, _("gestionnaire %(number)s inactif") % {"number": number})
        self._check_cycles()

    def _check_cycles(self) -> None:
        # 0 = on the current path, 1 = known to reach the top of the tree.
        state: dict[str, int] = {}
        reported: set[str] = set()
        for start in self.by_number:
            path: list[str] = []
            number = start
            while number and number not in state:
                state[number] = 0
                path.append(number)
                number = self._manager_of(number)
            if number and state.get(number) == 0 and number in path:
                cycle = path[path.index(number) :]
                text = " → ".join([*cycle, number])
                for member in cycle:
                    row = self.by_number.get(member)
                    if row is not None and member not in reported and row.manager_number != member:
                        reported.add(member)
                        self.error(row, _("cycle de gestionnaires : %(cycle)s") % {"cycle": text})
            for member in path:
                state[member] = 1

    def _check_usernames(self) -> None:
        for row in self.rows:
            if row.employee_number in self.existing.profiles:
                continue
            owner = self.existing.username_owner.get(row.employee_number)
            if owner:  # a user of another staff member already has this username
                self.error(
                    row,
                    _("l'identifiant %(number)s est déjà celui de l'intervenant %(owner)s")
                    % {"number": row.employee_number, "owner": owner},
                )

    # --- Differences with the database ---------------------------------------------------------------

    def _plan_directions(self, plan: Plan, directions: dict[str, dict[str, Any]]) -> None:
        for code, info in directions.items():
            name_fr = info["direction_name_fr"][0]
            name_en = info.get("direction_name_en", ("", 0))[0]
            stored = self.existing.directions.get(code)
            if stored is None:
                new = Direction(code=code, name_fr=name_fr, name_en=name_en, role=info["role"])
                plan.direction_creates.append(DirectionChange(new, {}))
                continue
            changes = {}
            wanted = {"name_fr": name_fr, "name_en": name_en or stored.name_en, "role": info["role"]}
            for attr, value in wanted.items():
                if getattr(stored, attr) != value:
                    changes[attr] = (getattr(stored, attr), value)
                    setattr(stored, attr, value)
            if changes:
                plan.direction_updates.append(DirectionChange(stored, changes))

    def _plan_profiles(self, plan: Plan) -> None:
        existing = self.existing
        rows = (
            self.progress(self.rows, total=len(self.rows), desc=_("Comparaison"))
            if self.progress
            else self.rows
        )
        returning = [
            p["user_id"] for p in (existing.profiles.get(r.employee_number) for r in self.rows)
            if p is not None and not p["is_active"]
        ]
        leading = users_leading_wide_access_directions(returning) if returning else set()
        for row in rows:
            stored = existing.profiles.get(row.employee_number)
            if stored is None:
                change = ProfileChange(row=row)
                free = existing.free_users.get(row.employee_number)
                if free is not None:  # a user account made by hand before the first import: adopt it
                    change.user_id = free["id"]
                    change.user_fields = _user_diff(row, free["first_name"], free["last_name"], free["email"])
                plan.creates.append(change)
                continue
            change = ProfileChange(row=row, profile_id=stored["id"], user_id=stored["user_id"])
            change.user_fields = _user_diff(
                row, stored["user__first_name"], stored["user__last_name"], stored["user__email"]
            )
            fields = change.profile_fields
            old_code = existing.code_by_direction_id.get(stored["direction_id"])
            if old_code != row.direction_code:
                fields["direction"] = (old_code, row.direction_code)
            old_manager = (
                existing.number_by_profile_id.get(stored["manager_id"], "") if stored["manager_id"] else ""
            )
            if old_manager != row.manager_number:
                fields["manager"] = (old_manager, row.manager_number)
            if stored["category"] != row.category:
                fields["category"] = (stored["category"], row.category)
            if row.language and stored["language"] != row.language:
                fields["language"] = (stored["language"], row.language)
            if row.start_date and stored["start_date"] != row.start_date:
                fields["start_date"] = (stored["start_date"], row.start_date)
            if not stored["is_active"] and reactivation_needs_administrator(
                user_id=stored["user_id"], direction_role=self.final_roles[row.direction_code], leading=leading
            ):
                plan.held.append(row.employee_number)
                plan.warnings.append(
                    _(
                        "Ligne %(line)s : %(number)s revient dans l'établissement mais retrouverait l'accès de la "
                        "DRH ou de la DCAI (membre, directeur ou délégué) : il reste inactif jusqu'à ce qu'un "
                        "administrateur le réactive."
                    )
                    % {"line": row.line, "number": row.employee_number}
                )
            elif not stored["is_active"]:
                fields["is_active"] = (False, True)
                if not stored["user__is_active"]:
                    change.user_fields["is_active"] = (False, True)
            if fields or change.user_fields:
                plan.updates.append(change)
            else:
                plan.unchanged += 1
        if self.deactivate_missing:
            for number, stored in existing.profiles.items():
                if stored["is_active"] and number not in self.by_number:
                    plan.deactivations.append(
                        Deactivation(
                            profile_id=stored["id"],
                            user_id=stored["user_id"],
                            employee_number=number,
                            deactivate_user=stored["user__is_active"] and not stored["user__is_superuser"],
                        )
                    )
            self._warn_departed_heads(plan)

    def _warn_departed_heads(self, plan: Plan) -> None:
        departed = {d.user_id: d.employee_number for d in plan.deactivations}
        for direction in self.existing.directions.values():
            if direction.head_id in departed:
                plan.warnings.append(
                    _(
                        "La direction %(code)s a pour directeur ou directrice %(number)s, "
                        "qui sera désactivé : "
                        "désignez une autre personne."
                    )
                    % {"code": direction.code, "number": departed[direction.head_id]}
                )


def _user_diff(row: Row, first_name: str, last_name: str, email: str) -> dict[str, tuple[Any, Any]]:
    diff = {}
    for attr, old in (("first_name", first_name), ("last_name", last_name), ("email", email)):
        new = getattr(row, attr)
        if old != new:
            diff[attr] = (old, new)
    return diff
