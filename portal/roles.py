"""Who is who: every role question of the portal is answered here, from data.

A person's roles follow from the organisation (their profile, the directions they head,
the staff who report to them) and from one per-object permission (delegate of a direction).
`roles_for(user)` computes them once per user object, in one query; views and templates read the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Aggregate, CharField, Count, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from .models import Direction, DirectionUserObjectPermission, StaffProfile
from .precompiled import PrecompiledValues

DELEGATE_PERMISSION = "act_for_direction"
_CACHE_ATTR = "_portal_roles"


@dataclass(frozen=True)
class Roles:
    profile: StaffProfile | None = None
    is_admin: bool = False
    is_manager: bool = False
    headed_direction_ids: frozenset[int] = field(default_factory=frozenset)
    delegated_direction_ids: frozenset[int] = field(default_factory=frozenset)
    is_hr: bool = False
    is_dcai: bool = False
    # §7.2: the head and delegates of the general direction see to the application of the policy.
    is_general_direction_lead: bool = False
    # Read in the same query as the roles: the navigation shows it on every page (per-request floor).
    unread_notifications: int = 0
    # §6.3: the official accounts this person runs today (a confirmed designation in force).
    run_account_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def profile_id(self) -> int | None:
        return self.profile.pk if self.profile else None

    @property
    def direction_id(self) -> int | None:
        return self.profile.direction_id if self.profile else None

    @property
    def led_direction_ids(self) -> frozenset[int]:
        """Directions this person acts for: as head or as delegate (§7.4)."""
        return self.headed_direction_ids | self.delegated_direction_ids

    @property
    def is_direction_lead(self) -> bool:
        return bool(self.led_direction_ids)

    @property
    def is_staff_member(self) -> bool:
        return self.profile is not None and self.profile.is_active


class _Joined(Aggregate):
    """The values of a group joined with commas: string_agg on PostgreSQL, group_concat on SQLite."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, function="STRING_AGG", template="%(function)s(%(expressions)s, ',')", **extra
        )


def _joined_directions(queryset, owner: str, pk: str, role: str) -> Subquery:
    """ "pk:role,pk:role" of the directions in `queryset` (one row per owner), for one query per person."""
    pair = Concat(Cast(pk, CharField()), Value(":"), role, output_field=CharField())
    return Subquery(queryset.order_by().values(owner).annotate(joined=_Joined(pair)).values("joined")[:1])


def _direction_pairs(joined: str | None) -> list[tuple[int, str]]:
    pairs = []
    for item in filter(None, (joined or "").split(",")):
        pk, _sep, role = item.partition(":")
        pairs.append((int(pk), role))
    return pairs


def _joined_ids(queryset, owner: str, value: str) -> Subquery:
    """ "id,id" of `value` in `queryset` (one row per owner)."""
    return Subquery(
        queryset.order_by().values(owner).annotate(joined=_Joined(Cast(value, CharField()))).values("joined")[:1]
    )


@lru_cache(maxsize=1)
def _user_fields() -> tuple[str, ...]:
    """The user model's columns, read once (every signed-in request builds its user from them)."""
    from django.contrib.auth import get_user_model

    return tuple(f.attname for f in get_user_model()._meta.concrete_fields)


def _roles_query(user_pk: int, day):
    """One query: the person themself, their profile and its direction, whether anyone active reports to them,
    the directions they head or act for as delegate, the official accounts they run on `day` and their unread
    notifications (shown in the navigation of every page). docs/rules.md, "Performance": the per-request
    floor."""
    from django.contrib.auth import get_user_model

    from .notifications.models import Notification
    from .roster.models import DesignationAccount, designation_in_force

    return (
        get_user_model()
        ._default_manager.filter(pk=user_pk)
        .annotate(
            roles_reports=Exists(StaffProfile.objects.filter(manager__user=OuterRef("pk"), is_active=True)),
            roles_headed=_joined_directions(Direction.objects.filter(head=OuterRef("pk")), "head", "pk", "role"),
            roles_delegated=_joined_directions(
                DirectionUserObjectPermission.objects.filter(
                    user=OuterRef("pk"), permission__codename=DELEGATE_PERMISSION
                ),
                "user",
                "content_object_id",
                "content_object__role",
            ),
            roles_runs=_joined_ids(
                DesignationAccount.objects.filter(
                    designation_in_force(day, "designation__"), designation__profile__user=OuterRef("pk")
                ),
                "designation__profile__user",
                "account_id",
            ),
            roles_unread=Subquery(
                Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
                .order_by()
                .values("recipient")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .values_list(
            *_user_fields(),
            *_PROFILE_PATHS,
            *_DIRECTION_PATHS,
            "roles_reports",
            "roles_headed",
            "roles_delegated",
            "roles_runs",
            "roles_unread",
        )
    )


_PROFILE_PATHS = [f"profile__{f.name}" for f in StaffProfile._meta.concrete_fields]
_DIRECTION_PATHS = [f"profile__direction__{f.name}" for f in Direction._meta.concrete_fields]
# Compiled once per database connection: compiling costs more than running it (portal/precompiled.py).
_ROLES_QUERY = PrecompiledValues("roles", _roles_query)


def _instance(model, row: dict, paths: list[str]):
    values = [row[path] for path in paths]
    if values[0] is None:  # no profile: the LEFT JOIN left its columns empty
        return None
    return model.from_db(_ROLES_QUERY.using, [f.attname for f in model._meta.concrete_fields], values)


def _row(user_pk: int) -> dict | None:
    return _ROLES_QUERY.first(user_pk, timezone.localdate())


def _roles_of(user: AbstractBaseUser, row: dict) -> Roles:
    profile = _instance(StaffProfile, row, _PROFILE_PATHS)
    if profile is not None and not profile.is_active:
        profile = None
    if profile is not None:
        profile.direction = _instance(Direction, row, _DIRECTION_PATHS)
        profile.user = user  # the request's own user object: profile.user costs no query
    headed_rows = _direction_pairs(row["roles_headed"])
    delegated_rows = _direction_pairs(row["roles_delegated"])
    # A person acts for HR or DCAI as its staff, its head or one of its delegates (as dcai_officers()).
    acting_roles = {role for _pk, role in headed_rows + delegated_rows}
    leads_general = Direction.Role.GENERAL in acting_roles
    if profile:
        acting_roles.add(profile.direction.role)
    return Roles(
        profile=profile,
        is_admin=bool(user.is_superuser),
        is_manager=bool(profile) and bool(row["roles_reports"]),
        headed_direction_ids=frozenset(pk for pk, _role in headed_rows),
        delegated_direction_ids=frozenset(pk for pk, _role in delegated_rows),
        is_hr=Direction.Role.HUMAN_RESOURCES in acting_roles,
        is_dcai=Direction.Role.COMMUNICATIONS in acting_roles,
        is_general_direction_lead=leads_general,
        unread_notifications=row["roles_unread"] or 0,
        run_account_ids=frozenset(int(pk) for pk in (row["roles_runs"] or "").split(",") if pk),
    )


def _compute(user: AbstractBaseUser) -> Roles:
    row = _row(user.pk)
    return Roles() if row is None else _roles_of(user, row)


def active_user_with_roles(user_id) -> AbstractBaseUser | None:
    """The signed-in person of a request and their roles, in the request's one query before the view (the
    authentication backends' `get_user`): an unknown or deactivated account is None."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    try:
        user_pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    row = _row(user_pk)
    if row is None or not row["is_active"]:
        return None
    fields = _user_fields()
    user = User.from_db(_ROLES_QUERY.using, fields, [row[name] for name in fields])
    setattr(user, _CACHE_ATTR, _roles_of(user, row))
    return user


def roles_for(user: AbstractBaseUser | AnonymousUser | None) -> Roles:
    if user is None or not user.is_authenticated:
        return Roles()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _compute(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: AbstractBaseUser) -> None:
    """Drop the cached answer after the organisation changed for this user object."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def dcai_direction() -> Direction | None:
    return Direction.objects.filter(role=Direction.Role.COMMUNICATIONS).first()


def hr_direction() -> Direction | None:
    return Direction.objects.filter(role=Direction.Role.HUMAN_RESOURCES).first()


def dcai_officers():
    """Active users who act for DCAI: its staff, its head and its delegates."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    dcai = dcai_direction()
    if dcai is None:
        return User.objects.none()
    return User.objects.filter(
        Q(profile__direction=dcai, profile__is_active=True)
        | Q(headed_directions=dcai)
        | Q(
            directionuserobjectpermission__content_object=dcai,
            directionuserobjectpermission__permission__codename=DELEGATE_PERMISSION,
        ),
        is_active=True,
    ).distinct()


def hr_officers():
    """Active users who act for HR (§7.5): its staff, its head and its delegates (as `roles.is_hr`)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    hr = hr_direction()
    if hr is None:
        return User.objects.none()
    return User.objects.filter(
        Q(profile__direction=hr, profile__is_active=True)
        | Q(headed_directions=hr)
        | Q(
            directionuserobjectpermission__content_object=hr,
            directionuserobjectpermission__permission__codename=DELEGATE_PERMISSION,
        ),
        is_active=True,
    ).distinct()


def direction_leads(direction: Direction):
    """Active users who act for a direction: its head and its delegates."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    return User.objects.filter(
        Q(headed_directions=direction)
        | Q(
            directionuserobjectpermission__content_object=direction,
            directionuserobjectpermission__permission__codename=DELEGATE_PERMISSION,
        ),
        is_active=True,
    ).distinct()


def template_flags(user: AbstractBaseUser) -> dict[str, bool]:
    """The organisation's flags for templates (settings.PORTAL_TEMPLATE_FLAGS)."""
    roles = roles_for(user)
    return {
        "staff_member": roles.is_staff_member,
        "without_profile": roles.profile is None and not roles.is_admin,
        "use_admin_site": bool(getattr(user, "is_staff", False)),
    }
