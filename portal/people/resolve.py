"""The one place a typed or picked value becomes a staff member.

Three ways to name a person: the value of a suggestion ("Alice Martin (DSP #12)": the profile's id after
the direction's code, unambiguous without showing an employee number), an employee number (or username),
or a full name when only one active person bears it. A picked value whose name or direction does not
match the id it carries (forged, or the person left) is refused, never guessed. A person outside the
picker's allowed people is refused with a message naming them; nobody is ever chosen silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from portal.models import StaffProfile

PERSON_CHOICE = re.compile(r"^(?P<name>.+?) \((?P<code>[^()#]+) #(?P<pk>\d{1,10})\)$")
NAME_MATCHES = 10  # homonyms read at once, so one allowed person among others outside is still found

MESSAGES = {
    "required": _("Nommez la personne (nom complet ou matricule)."),
    "stale": _(
        "« %(text)s » ne correspond à aucun intervenant actif : choisissez de nouveau "
        "dans la liste, ou indiquez le nom complet ou le matricule."
    ),
    "none": _("Aucun intervenant actif ne correspond à « %(text)s »."),
    "ambiguous": _("Plusieurs intervenants correspondent : indiquez le matricule."),
    "self": _("Vous ne pouvez pas vous choisir vous-même."),
    "outside": _("%(name)s ne fait pas partie des personnes que vous pouvez choisir ici."),
}


def person_choice_value(profile: StaffProfile) -> str:
    """What picking a suggestion puts in the field; checked again on submit."""
    return f"{profile.full_name} ({profile.direction.code} #{profile.pk})"


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _candidates(text: str, active: QuerySet[StaffProfile], say) -> list[StaffProfile]:
    match = list(active.filter(employee_number__iexact=text)[:1])
    choice = PERSON_CHOICE.match(text)
    if choice and not match:
        profile = active.filter(pk=int(choice["pk"]), user__is_active=True).first()
        if profile is None or not (
            _same(choice["name"], profile.full_name) and _same(choice["code"], profile.direction.code)
        ):
            raise ValidationError(say("stale", text=text[:100]), code="stale")
        return [profile]
    if not match:
        first, _sep, last = text.partition(" ")
        query = Q(user__username__iexact=text)
        if last:
            query |= Q(user__first_name__iexact=first, user__last_name__iexact=last)
            query |= Q(user__last_name__iexact=first, user__first_name__iexact=last)
        match = list(active.filter(query).order_by("pk")[:NAME_MATCHES])
    return match


def find_person(
    text: str,
    *,
    within: QuerySet[StaffProfile] | None = None,
    exclude_user: AbstractBaseUser | None = None,
    messages: Mapping[str, str] | None = None,
) -> StaffProfile:
    """The active staff member `text` names, among `within` (everyone when None).

    Raises ValidationError with a clear message when nobody, several people, the chooser themself
    (`exclude_user`) or a person outside `within` is named.
    """
    wording = {**MESSAGES, **(messages or {})}

    def say(key: str, **values) -> str:
        message = str(wording[key])
        return message % values if values else message

    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(say("required"), code="required")
    active = StaffProfile.objects.filter(is_active=True).select_related("user", "direction")
    match = _candidates(text, active, say)
    if not match:
        raise ValidationError(say("none", text=text[:100]), code="none")
    if within is not None:
        allowed = set(within.filter(pk__in=[p.pk for p in match]).values_list("pk", flat=True))
        outside = [p for p in match if p.pk not in allowed]
        match = [p for p in match if p.pk in allowed]
        if not match:
            raise ValidationError(say("outside", name=outside[0].full_name), code="outside")
    if len(match) > 1:
        raise ValidationError(say("ambiguous", text=text[:100]), code="ambiguous")
    if exclude_user is not None and match[0].user_id == exclude_user.pk:
        raise ValidationError(say("self"), code="self")
    return match[0]
