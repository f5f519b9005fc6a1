"""Policy text to HTML, safely: the stored body is plain text with a light markup.

Paragraphs are separated by blank lines, "- " starts a bullet, "**...**" marks bold words (a bold
line alone is a term or a lead-in, as in §4 and §6). Everything is escaped first, then the few
tags this module writes are added, and nh3 removes anything else as a last guard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "ul", "li", "strong", "br", "ins", "del"}
ALLOWED_ATTRIBUTES = {"p": {"class"}, "ins": {"class"}, "del": {"class"}}
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*")


def inline(text: str) -> str:
    """One line of stored text -> escaped HTML with its bold words."""
    return _BOLD_RE.sub(r"<strong>\1</strong>", escape(text))


def sanitise(html: str) -> SafeString:
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES))  # noqa: S308


def normalise_newlines(text: str) -> str:
    """A browser sends a textarea with "\r\n": stored text keeps "\n" only, so a save changes nothing else."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Block:
    """One thing a reader sees: a paragraph ("p", its lines), a bullet ("li") or a term ("term")."""

    kind: str
    lines: tuple[str, ...]

    @property
    def plain(self) -> str:
        """The words as read, without the markup ("- ", "**")."""
        return "\n".join(_BOLD_RE.sub(r"\1", line) for line in self.lines)

    @property
    def html(self) -> str:
        return "<br>".join(inline(line) for line in self.lines)


def blocks(text: str) -> list[Block]:
    out: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            term = len(paragraph) == 1 and _BOLD_RE.fullmatch(paragraph[0])
            out.append(Block("term" if term else "p", tuple(paragraph)))
            paragraph.clear()

    for raw in normalise_newlines(text).split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("- "):
            flush()
            out.append(Block("li", (line[2:].strip(),)))
        else:
            if _BOLD_RE.fullmatch(line):
                flush()
            paragraph.append(line)
            if _BOLD_RE.fullmatch(line):
                flush()
    flush()
    return out


def wrap_blocks(items: list[tuple[str, str]]) -> SafeString:
    """(kind, inner HTML) pairs -> paragraphs, terms and bullet lists; consecutive bullets share a list."""
    parts: list[str] = []
    bullets: list[str] = []
    for kind, inner in items:
        if kind == "li":
            bullets.append(f"<li>{inner}</li>")
            continue
        if bullets:
            parts.append("<ul>" + "".join(bullets) + "</ul>")
            bullets.clear()
        parts.append(f'<p class="policy-term">{inner}</p>' if kind == "term" else f"<p>{inner}</p>")
    if bullets:
        parts.append("<ul>" + "".join(bullets) + "</ul>")
    return sanitise("\n".join(parts))


def render_body(text: str) -> SafeString:
    return wrap_blocks([(block.kind, block.html) for block in blocks(text)])
