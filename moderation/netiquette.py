"""The rules of the netiquette (annex 1 of the policy in force), numbered in their order in the annex.

A moderation entry cites the rule by its number and copies its text, so it still reads the same once a
new version is in force. The rules are the annex's list items; the introduction is not a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policies.models import PolicyVersion, Section
from policies.selectors import version_in_force

_ITEM = re.compile(r"^\s*(?:[-•*–]|\d+[.)])\s+(?P<text>\S.*)$")


@dataclass(frozen=True)
class Rule:
    number: int
    text: str


def rules_of(version: PolicyVersion | None) -> list[Rule]:
    if version is None:
        return []
    annex = Section.objects.filter(version=version, is_annex=True).order_by("order").values_list("body", flat=True)
    items: list[str] = []
    for body in annex:
        for line in (body or "").splitlines():
            match = _ITEM.match(line)
            if match:
                items.append(match["text"].replace("**", "").strip())
    return [Rule(number, text) for number, text in enumerate(items, start=1)]


def rules_in_force() -> tuple[PolicyVersion | None, list[Rule]]:
    version = version_in_force()
    return version, rules_of(version)
