"""Reading a policy document before parsing it: what `import_policy` refuses outright (docs/rules.md).

A policy document is a few dozen kilobytes of UTF-8 text. A file that is huge, binary, made of absurdly
long lines, nested beyond any policy's numbering, or that carries active web content (script, frames,
event handlers, `javascript:` links) is refused with every reason, before anything is parsed or written.
Plain HTML formatting tags are no threat: the parser removes the known ones and the reading page escapes
the rest (policies/text.py), so they stay inert text.
"""

from __future__ import annotations

import re
from pathlib import Path

MAX_BYTES = 256 * 1024  # the seed is 14 KB
MAX_LINE = 5_000  # characters; the seed's longest line is about 400, a whole paragraph a few thousand
MAX_LINES = 20_000
MAX_SECTIONS = 500
MAX_DEPTH = 4  # 6.1.2.3
# Control characters a text converter may leave: tab, line feed, carriage return, form feed.
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f"}
_ACTIVE = re.compile(
    r"<\s*(?:script|iframe|frame|object|embed|applet|svg|math|style|link|meta|base|form|input|template)\b"
    r"|\b(?:java|vb)script:(?=\S)|\bdata:text/html"  # a URL scheme, not the word ("JavaScript : …")
    r"|<[^<>\n]{0,500}?\s(?:on[a-z]{3,30}|formaction|srcdoc)\s*=",
    re.IGNORECASE,
)


class DocumentRefused(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def read_document(path: Path) -> str:
    """The text of a policy document file, or DocumentRefused with every reason."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentRefused([_too_big(size)])
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise DocumentRefused([f"Lecture impossible de {path} : {error.strerror or error}"]) from error
    return check_document(data)


def _too_big(size: int) -> str:
    return f"Fichier de {size // 1024} Ko : un document de politique fait au plus {MAX_BYTES // 1024} Ko."


def check_document(data: bytes) -> str:
    """Decode and check a document's bytes (the rules of the module docstring)."""
    if len(data) > MAX_BYTES:
        raise DocumentRefused([_too_big(len(data))])
    if b"\x00" in data:
        raise DocumentRefused(["Fichier binaire (octets nuls) : attendu un texte UTF-8 converti du PDF signé."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentRefused(
            [f"Texte illisible : ce n'est pas de l'UTF-8 (octet {error.start}). Convertissez le document en UTF-8."]
        ) from error
    reasons: list[str] = []
    controls = sum(1 for char in text if char < " " and char not in _ALLOWED_CONTROLS)
    if controls:
        reasons.append(f"Fichier binaire : {controls} caractère(s) de contrôle.")
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        reasons.append(f"{len(lines)} lignes : un document de politique en compte au plus {MAX_LINES}.")
    long_lines = [number for number, line in enumerate(lines, start=1) if len(line) > MAX_LINE]
    if long_lines:
        reasons.append(
            f"Ligne(s) de plus de {MAX_LINE} caractères : {', '.join(map(str, long_lines[:5]))}"
            + (" …" if len(long_lines) > 5 else "")
            + "."
        )
    if not reasons:  # line by line, so a pattern never scans more than one bounded line
        for number, line in enumerate(lines, start=1):
            found = _ACTIVE.search(line)
            if found:
                reasons.append(
                    f"Contenu actif refusé ligne {number} : « {found.group(0)[:40]} » "
                    "(script, cadre, gestionnaire d'événement ou lien javascript:)."
                )
                if len(reasons) >= 5:
                    break
    if reasons:
        raise DocumentRefused(reasons)
    return text
