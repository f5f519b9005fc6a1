"""Policy text to HTML, safely: the stored body is plain text with a light markup.

Paragraphs are separated by blank lines, "- " starts a bullet, "**...**" marks bold words (a bold
line alone is a term or a lead-in, as in §4 and §6). Everything is escaped first, then the few
tags this module writes are added, and nh3 removes anything else as a last guard.
"""

from __future__ import annotations

import re

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


def render_body(text: str) -> SafeString:
    parts: list[str] = []
    bullets: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if bullets:
            parts.append("<ul>" + "".join(f"<li>{inline(b)}</li>" for b in bullets) + "</ul>")
            bullets.clear()
        if paragraph:
            if len(paragraph) == 1 and _BOLD_RE.fullmatch(paragraph[0].strip()):
                parts.append(f'<p class="policy-term">{inline(paragraph[0].strip())}</p>')
            else:
                parts.append("<p>" + "<br>".join(inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("- "):
            if paragraph:
                flush()
            bullets.append(line[2:].strip())
        else:
            if bullets:
                flush()
            if _BOLD_RE.fullmatch(line) and paragraph:
                flush()
            paragraph.append(line)
            if _BOLD_RE.fullmatch(line):
                flush()
    flush()
    return sanitise("\n".join(parts))
