"""Comparison of two versions of a policy: sections added, removed or changed, words marked.

Sections are matched by number (the annex by its name), else by title. What is compared is what a
reader sees (policies.text.blocks): paragraphs, bullets and terms without their markup, line endings
normalised, so a draft saved by a browser ("\r\n") does not show untouched sections as changed. Within a
changed section the words removed are wrapped in <del class="diff-del"> and the words added in
<ins class="diff-ins">, inside the paragraph or bullet they belong to.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString

from .models import PolicyVersion, Section
from .text import blocks, normalise_newlines, sanitise, wrap_blocks

_TOKEN_RE = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
COMPARED_FIELDS = (
    "label",
    "issued_on",
    "revised_on",
    "approved_on",
    "signed_on",
    "effective_on",
    "approving_body",
    "resolution_number",
    "signatory",
)


def _html(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def word_diff(old: str, new: str) -> SafeString:
    a, b = _TOKEN_RE.findall(old or ""), _TOKEN_RE.findall(new or "")
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(_html("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f'<del class="diff-del">{_html("".join(a[i1:i2]))}</del>')
        if op in ("insert", "replace"):
            out.append(f'<ins class="diff-ins">{_html("".join(b[j1:j2]))}</ins>')
    return sanitise("".join(out))


def _diff_inner(old: str, new: str) -> str:
    return str(word_diff(old, new))


def body_diff(old: str, new: str) -> SafeString:
    """The new body as read, with the words removed and added marked; blocks kept as the reader sees them."""
    a, b = blocks(old), blocks(new)
    items: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, [x.plain for x in a], [x.plain for x in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            items.extend((block.kind, block.html) for block in b[j1:j2])
            continue
        before, after = a[i1:i2], b[j1:j2]
        paired = min(len(before), len(after))
        for old_block, new_block in zip(before[:paired], after[:paired], strict=True):
            items.append((new_block.kind, _diff_inner(old_block.plain, new_block.plain)))
        items.extend((x.kind, f'<del class="diff-del">{x.html}</del>') for x in before[paired:])
        items.extend((x.kind, f'<ins class="diff-ins">{x.html}</ins>') for x in after[paired:])
    return wrap_blocks(items)


@dataclass
class SectionChange:
    kind: str  # added | removed | changed | unchanged
    old: Section | None
    new: Section | None
    title_html: SafeString | str = ""
    body_html: SafeString | str = ""

    @property
    def section(self) -> Section:
        return self.new or self.old


@dataclass
class FieldChange:
    label: str
    old: object
    new: object


def _plain(value):
    """Dates as the policy writes them (2018-05-25), whatever the reader's language."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _key(section: Section) -> str:
    return (section.number or section.title).strip().lower()


def compare_sections(old: list[Section], new: list[Section]) -> list[SectionChange]:
    changes: list[SectionChange] = []
    a, b = [_key(s) for s in old], [_key(s) for s in new]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            for before, after in zip(old[i1:i2], new[j1:j2], strict=True):
                same_title = before.title.strip() == after.title.strip()
                same_body = blocks(before.body) == blocks(after.body)
                changes.append(
                    SectionChange(
                        kind="unchanged" if same_title and same_body else "changed",
                        old=before,
                        new=after,
                        title_html="" if same_title else word_diff(before.title, after.title),
                        body_html="" if same_body else body_diff(before.body, after.body),
                    )
                )
            continue
        changes.extend(SectionChange(kind="removed", old=s, new=None) for s in old[i1:i2])
        changes.extend(SectionChange(kind="added", old=None, new=s) for s in new[j1:j2])
    return changes


def compare_versions(old: PolicyVersion, new: PolicyVersion) -> dict:
    """Everything the comparison page shows; sections must be prefetched on both versions."""
    sections = compare_sections(list(old.sections.all()), list(new.sections.all()))
    fields = [
        FieldChange(
            PolicyVersion._meta.get_field(name).verbose_name,
            _plain(getattr(old, name)),
            _plain(getattr(new, name)),
        )
        for name in COMPARED_FIELDS
        if getattr(old, name) != getattr(new, name)
    ]
    counts = {kind: sum(1 for c in sections if c.kind == kind) for kind in ("added", "removed", "changed")}
    return {
        "sections": sections,
        "fields": fields,
        "purpose_html": word_diff(normalise_newlines(old.purpose), normalise_newlines(new.purpose))
        if normalise_newlines(old.purpose).strip() != normalise_newlines(new.purpose).strip()
        else "",
        "counts": counts,
    }
