"""Publications and takedowns that point to a consent or an authorisation (§6.1, §6.2, §7.3)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from incidents.models import Takedown
from moderation.models import JournalEntry
from portal.roles import roles_for
from portal.roster.models import OfficialAccount

from .. import rules
from ..models import AuthorisationRequest, Consent, JournalLink, Publication, TakedownLink
from ..selectors import consents_visible_to, run_account_ids


def publication_record(
    *,
    actor: AbstractBaseUser,
    account: OfficialAccount,
    title: str,
    published_on: datetime.date,
    url: str = "",
    consents: list[Consent] = (),
    authorisation: AuthorisationRequest | None = None,
) -> Publication:
    """§6.1 with §6.3: an authorized user (or DCAI) records a post on an account they run and the consents it
    relies on; a withdrawn consent then shows on it."""
    roles = roles_for(actor)
    if not rules.may_record_for(roles, run_account_ids(actor), {account.pk}):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Décrivez la publication.")})
    consents = list(consents)
    visible = set(consents_visible_to(actor).filter(pk__in=[c.pk for c in consents]).values_list("pk", flat=True))
    if len(visible) != len(consents):
        raise ValidationError({"consents": _("Un consentement choisi n'est pas accessible.")})
    if any(c.status != Consent.Status.ACTIVE for c in consents):
        raise ValidationError({"consents": _("Un consentement retiré ne peut plus couvrir une publication.")})
    if authorisation is not None and authorisation.status != AuthorisationRequest.Status.AUTHORISED:
        raise ValidationError({"authorisation": _("Seule une autorisation accordée peut couvrir une publication.")})
    with transaction.atomic():
        publication = Publication.objects.create(
            account=account,
            title=title,
            url=(url or "").strip(),
            published_on=published_on,
            authorisation=authorisation,
            recorded_by=actor,
        )
        publication.consents.set(consents)
    return publication


def _subject_given(consent, authorisation) -> None:
    if (consent is None) == (authorisation is None):
        raise ValidationError(_("Liez à un consentement ou à une autorisation."))


def takedown_link(
    *,
    actor: AbstractBaseUser,
    takedown: Takedown,
    consent: Consent | None = None,
    authorisation: AuthorisationRequest | None = None,
) -> TakedownLink:
    """§7.3: DCAI, which follows takedowns, links one to the consent or authorisation it concerns."""
    if not roles_for(actor).is_dcai:
        raise PermissionDenied
    _subject_given(consent, authorisation)
    try:
        with transaction.atomic():
            return TakedownLink.objects.create(
                takedown=takedown, consent=consent, authorisation=authorisation, linked_by=actor
            )
    except IntegrityError:
        raise ValidationError(_("Cette demande de retrait est déjà liée.")) from None


def journal_link(
    *,
    actor: AbstractBaseUser,
    entry: JournalEntry,
    consent: Consent | None = None,
    authorisation: AuthorisationRequest | None = None,
) -> JournalLink:
    """Annex 1 with §6.1, §6.2: DCAI links an entry of the moderation journal to what it concerns."""
    if not roles_for(actor).is_dcai:
        raise PermissionDenied
    _subject_given(consent, authorisation)
    try:
        with transaction.atomic():
            return JournalLink.objects.create(
                entry=entry, consent=consent, authorisation=authorisation, linked_by=actor
            )
    except IntegrityError:
        raise ValidationError(_("Cette inscription est déjà liée.")) from None
