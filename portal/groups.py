"""The admin groups of HR and DCAI and their model permissions.

Kept in sync after every `migrate` (post_migrate), so a new installation has them without the demo.
An administrator adds HR and DCAI staff who use the admin to these groups (and sets "staff status").
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

HR_GROUP = "Ressources humaines"
DCAI_GROUP = "DCAI"

STAFF_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    HR_GROUP: {
        "portal.staffprofile": ("view", "change"),
        "portal.direction": ("view",),
        "auth.user": ("view",),
        "campaigns.campaign": ("view",),
        "campaigns.acknowledgementrequest": ("view",),
        "policies.acknowledgement": ("view",),
    },
    DCAI_GROUP: {
        "portal.direction": ("view", "add", "change"),
        "portal.staffprofile": ("view",),
        "auth.user": ("view",),
        "roster.*": ("view",),
        "roster.officialaccount": ("view", "add", "change"),
        "policies.*": ("view",),
    },
}


def staff_groups_sync() -> dict[str, Group]:
    """The admin groups of HR and DCAI with exactly the model permissions of STAFF_GROUPS."""
    groups = {}
    for name, spec in STAFF_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        query = Q(pk__in=[])
        for target, actions in spec.items():
            app_label, model = target.split(".")
            condition = Q(content_type__app_label=app_label)
            if model != "*":
                condition &= Q(content_type__model=model)
                query |= condition & Q(codename__in=[f"{a}_{model}" for a in actions])
            else:
                query |= condition & Q(codename__regex=rf"^({'|'.join(actions)})_")
        wanted = set(Permission.objects.filter(query).values_list("pk", flat=True))
        if set(group.permissions.values_list("pk", flat=True)) != wanted:
            group.permissions.set(wanted)
        groups[name] = group
    return groups


def sync_after_migrate(sender, **kwargs) -> None:
    """post_migrate receiver. Django sends it once per app and creates each app's permissions in turn:
    act on the last app, when every permission exists."""
    from django.apps import apps

    if sender is list(apps.get_app_configs())[-1]:
        staff_groups_sync()
