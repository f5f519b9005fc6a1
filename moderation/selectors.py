"""Who sees which part of the moderation journal (annex 1; docs/rules.md, "Moderation journal").

DCAI sees every account's journal; an authorized user sees (and writes to) the journal of the accounts
their current designation names (§6.3); everyone else sees nothing and gets 404.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.roles import roles_for
from portal.roster.models import Designation, DesignationAccount, OfficialAccount

from .models import JournalEntry


def sees_every_account(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and roles_for(user).is_dcai


def accounts_moderated_by(user: AbstractBaseUser) -> QuerySet[OfficialAccount]:
    """The accounts whose journal this person reads and writes."""
    if not user.is_authenticated:
        return OfficialAccount.objects.none()
    if sees_every_account(user):
        return OfficialAccount.objects.all()
    profile_id = roles_for(user).profile_id
    if profile_id is None:
        return OfficialAccount.objects.none()
    today = timezone.localdate()
    current = Designation.objects.filter(
        profile_id=profile_id, status=Designation.Status.ACTIVE, start_date__lte=today, end_date__gte=today
    )
    linked = DesignationAccount.objects.filter(designation__in=current).values("account_id")
    return OfficialAccount.objects.filter(pk__in=linked)


def may_use_journal(user: AbstractBaseUser) -> bool:
    return accounts_moderated_by(user).exists()


def journal_visible_to(user: AbstractBaseUser) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(account__in=accounts_moderated_by(user))


def get_entry_for(user: AbstractBaseUser, pk) -> JournalEntry:
    """The entry if this person may see it, else 404 (its existence is not revealed)."""
    entry = (
        journal_visible_to(user)
        .select_related("account", "recorded_by", "policy_version", "corrects")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def counts_by_rule_and_account(entries: QuerySet[JournalEntry]) -> dict[str, list[dict]]:
    """DCAI's figures: entries per rule (number and text) and per account; two queries."""
    by_rule = list(
        entries.order_by()
        .values("rule_number", "rule_text")
        .annotate(total=Count("id"))
        .order_by("-total", "rule_number")
    )
    by_account = list(
        entries.order_by()
        .values("account_id", "account__platform", "account__handle")
        .annotate(total=Count("id"))
        .order_by("-total", "account__handle")
    )
    return {"by_rule": by_rule, "by_account": by_account}
