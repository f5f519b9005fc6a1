"""Read a policy document of the institution's layout (text converted from the signed PDF).

The layout: a header of tab-separated "LABEL : value" cells, a purpose ("BUT"), numbered sections
and subsections in bold (`**6.1. TITRE**`), bullet lists, bold unnumbered titles inside sections,
and annexes (`**ANNEXE 1 : ...**`). The conversion adds noise that is removed here: `<b>` tags,
the running page header (`**OBJET : ...****POLITIQUE N° ...**`) repeated at every page break and
glued to whatever follows, glued bold markers (`**4. DÉFINITIONS****Médias sociaux**`) and
markdown heading marks. Nothing here knows the titles or numbers of a given policy: the running
header is rebuilt from the document's own header fields.

Pure functions, no database: `parse_document(text) -> ParsedDocument`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from ..models.policies import normalise_policy_number
from .source import MAX_BYTES, MAX_DEPTH, MAX_SECTIONS

MAX_HEADER_CHARS = 20_000  # the seed's header is under 1,000

# --- Header ----------------------------------------------------------------------------------------

# Canonical key -> pattern of the label as printed (case-insensitive; the colon follows).
HEADER_LABELS: dict[str, str] = {
    "objet": r"OBJET",
    "destinataires": r"DESTINATAIRES",
    "emise_par": r"ÉMISE?\s+PAR",
    "emise_le": r"ÉMISE?\s+LE",
    "revisee_le": r"RÉVISÉE?\s+LE",
    "approuvee_par": r"APPROUVÉE?\s+PAR",
    "signee_par": r"SIGNÉE?\s+PAR",
    "approuvee_le": r"APPROUVÉE?\s+LE",
    "date": r"DATE",
}
# The number cell has no colon: "POLITIQUE N° 10 974" (or PROCÉDURE, RÈGLEMENT, DIRECTIVE).
NUMBER_LABEL = r"(?P<kind>POLITIQUE|PROCÉDURE|RÈGLEMENT|DIRECTIVE)\s+N\s*[°ºo]\.?\s*:?"

HEADER_DISPLAY = {
    "objet": "OBJET",
    "numero": "N°",
    "destinataires": "DESTINATAIRES",
    "emise_par": "ÉMISE PAR",
    "emise_le": "Émise le",
    "revisee_le": "Révisée le",
    "approuvee_par": "APPROUVÉE PAR",
    "signee_par": "SIGNÉE PAR",
    "approuvee_le": "Approuvée le",
    "date": "Date",
}
# Fields a document of this family is expected to carry; a missing one is reported, not fatal.
EXPECTED_HEADER = (
    "objet",
    "numero",
    "destinataires",
    "emise_par",
    "emise_le",
    "revisee_le",
    "approuvee_par",
    "signee_par",
    "approuvee_le",
    "date",
)

_LABEL_RE = re.compile(
    "|".join(
        [rf"(?P<{key}>\b{pattern})\s*:" for key, pattern in HEADER_LABELS.items()] + [rf"\b{NUMBER_LABEL}"]
    ),
    re.IGNORECASE,
)
# Quantifiers are bounded throughout: a hostile line must cost time in proportion to its length.
_TAG_RE = re.compile(r"</?(?:b|strong|i|em|u|span|font|p|div)\b[^<>]{0,200}>", re.IGNORECASE)
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DMY_DATE_RE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")

# --- Body ------------------------------------------------------------------------------------------

_BOLD_LINE_RE = re.compile(r"^\*\*(?P<text>.+?)\*\*\s*$")
_NUMBERED_RE = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<title>\S.*)$")
_ANNEX_RE = re.compile(
    r"^(?P<word>(?i:annexe))(?:\s+(?P<number>\d{1,2}|[IVX]{1,4}|[A-Z])(?=\s*(?:[:\-–—.]|$)))?"
    r"\s*(?:[:\-–—.]\s*)?(?P<title>.*)$"
)
_BULLET_RE = re.compile(r"^\s*(?:[-•▪◦·–—*]|\d+[.)]|[a-z][.)])\s+(?P<text>\S.*)$")
_PURPOSE_TITLES = {"BUT", "BUTS", "OBJECTIF", "OBJECTIFS", "BUT DE LA POLITIQUE"}
PAGE_BREAK = "\x00PAGE\x00"

# --- §2 foundations --------------------------------------------------------------------------------

_POLICY_REF_RE = re.compile(r"\((?P<number>\d{1,3}(?:[\s\u00a0]\d{3})|\d{4,6})\)\s{0,3}\.?\s{0,3}$")
_LAW_REF_RE = re.compile(
    r"\((?P<citation>(?:RLRQ|L\.?R\.?Q\.?|LRQ|L\.?C\.?|S\.?C\.?|L\.?R\.?C\.?|RSQ)(?![A-Za-z])[^()]{0,200})\)\s{0,3}\.?\s{0,3}$"
)
_DOCUMENT_WORDS = re.compile(r"^(?:Politique|Procédure|Règlement|Directive|Code|Cadre)\b", re.IGNORECASE)


@dataclass
class ParsedSection:
    number: str
    title: str
    level: int
    is_annex: bool = False
    lines: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return _join_lines(self.lines)


@dataclass
class ParsedReference:
    number: str = ""
    name: str = ""
    citation: str = ""


@dataclass
class ParsedDocument:
    header: dict[str, str]
    kind: str = "POLITIQUE"
    purpose_title: str = ""
    purpose: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    related_policies: list[ParsedReference] = field(default_factory=list)
    legal_references: list[ParsedReference] = field(default_factory=list)
    foundations_section: str = ""
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dates: dict[str, dt.date | None] = field(default_factory=dict)
    resolution_number: str = ""
    title_text: str = ""

    @property
    def number(self) -> str:
        return normalise_policy_number(self.header.get("numero", ""))

    @property
    def title(self) -> str:
        return self.title_text or self.header.get("objet", "")


# --- Helpers ---------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Upper-case without accents, for comparing labels."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _clean_value(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    # "Le conseil d'administration et SIGNÉE PAR : ..." leaves a dangling connector.
    value = re.sub(r"\s+(?:et|and|&)$", "", value, flags=re.IGNORECASE)
    return value.strip(" ,;")


def _join_lines(lines: list[str]) -> str:
    """Lines to a body: paragraphs separated by one blank line, bullets kept on their own lines."""
    out: list[str] = []
    for line in lines:
        if line == "":
            if out and out[-1] != "":
                out.append("")
        else:
            out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def parse_date(raw: str) -> dt.date | None:
    match = _ISO_DATE_RE.search(raw)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = _DMY_DATE_RE.search(raw)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def sentence_case(text: str, acronyms: set[str]) -> str:
    """'PERSONNES VISÉES' -> 'Personnes visées'; words the document writes in capitals elsewhere stay so."""
    letters = [c for c in text if c.isalpha()]
    if not letters or any(c.islower() for c in letters):
        return text
    words = re.split(r"(\W+)", text.lower())
    out = []
    first = True
    for word in words:
        if word.upper() in acronyms:
            out.append(word.upper())
        elif first and word[:1].isalpha():
            out.append(word[:1].upper() + word[1:])
        else:
            out.append(word)
        if word[:1].isalnum():
            first = False
    return "".join(out)


def _acronyms(text: str) -> set[str]:
    """Words written in capitals inside ordinary sentences (CHUM, DCAI, RLRQ)."""
    found: set[str] = set()
    for line in text.splitlines():
        plain = line.strip("*# -")
        letters = [c for c in plain if c.isalpha()]
        if not letters or sum(c.islower() for c in letters) < len(letters) / 2:
            continue
        found.update(w for w in re.findall(r"\b[A-ZÀ-Ý]{2,}\b", plain))
    return found


# --- Stages ----------------------------------------------------------------------------------------


def _strip_markup(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\ufeff", "")
    text = _BR_RE.sub("\n", text)
    return _TAG_RE.sub("", text)


def _split_header(text: str) -> tuple[str, str]:
    """Header = the lines before the first bold block."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip().lstrip("#").strip()
        if stripped.startswith("**"):
            return "\n".join(lines[:index]), "\n".join(lines[index:])
    return text, ""


def parse_header(header_text: str) -> tuple[dict[str, str], str]:
    """'LABEL : value' cells (tab-separated, several per line, several per cell) -> {key: value}."""
    values: dict[str, str] = {}
    kind = "POLITIQUE"
    for line in header_text.split("\n"):
        for cell in line.split("\t"):
            matches = list(_LABEL_RE.finditer(cell))
            for index, match in enumerate(matches):
                end = matches[index + 1].start() if index + 1 < len(matches) else len(cell)
                value = _clean_value(cell[match.end() : end])
                if match.group("kind"):
                    key = "numero"
                    kind = _fold(match.group("kind"))
                else:
                    key = next(k for k, v in match.groupdict().items() if v is not None and k != "kind")
                if key not in values or not values[key]:
                    values[key] = value
    return values, kind


def _running_header_re(header: dict[str, str], kind: str) -> re.Pattern | None:
    """The page header as the converter repeats it, rebuilt from the document's header fields."""
    parts = []
    if header.get("objet"):
        words = [re.escape(w) for w in header["objet"].split()]
        parts.append(r"(?:\*\*[ \t]{0,3})?OBJET\s{0,20}:\s{0,20}" + r"\s{1,20}".join(words) + r"\s{0,20}(?:\*\*)?")
    digits = normalise_policy_number(header.get("numero", ""))
    if digits:
        number = r"\s{0,3}".join(digits)
        kind_re = r"\s{1,20}".join(re.escape(w) for w in kind.split())
        label = rf"{kind_re}\s{{1,20}}N\s{{0,3}}[°ºo]\.?\s{{0,3}}:?\s{{0,20}}{number}\b"
        parts.append(rf"(?:\*\*[ \t]{{0,3}})?{label}\s{{0,20}}(?:\*\*)?")
    if not parts:
        return None
    piece = "|".join(f"(?:{p})" for p in parts)
    # One or more pieces in a row, across the blank lines a page break leaves between them.
    return re.compile(rf"(?:{piece})(?:\s{{0,20}}(?:{piece}))*", re.IGNORECASE)


def _normalise_body(body: str, running: re.Pattern | None) -> tuple[str, int]:
    count = 0
    if running is not None:
        body, count = running.subn(f"\n{PAGE_BREAK}\n", body)
    # Glued bold markers: "**A****B**" -> two bold lines.
    body = re.sub(r"\*\*[ \t]*\*\*", "**\n**", body)
    lines = []
    for line in body.split("\n"):
        line = re.sub(r"^\s*#{1,6}\s*", "", line).rstrip()
        if line.strip() in {"**", "****", "* *"}:
            continue
        lines.append(line.strip() if line.strip().startswith("**") else line.rstrip())
    return "\n".join(lines), count


def _classify_bold(text: str) -> tuple[str, str, str] | None:
    """('section'|'annex', number, title) for a heading, None for a bold line inside a body."""
    text = re.sub(r"\s+", " ", text).strip()
    match = _NUMBERED_RE.match(text)
    if match and not match["title"][:1].islower():
        return "section", match["number"], match["title"].strip()
    match = _ANNEX_RE.match(text)
    if match:
        number = f"{match['word'].capitalize()} {match['number'] or ''}".strip()
        return "annex", number, match["title"].strip() or number
    return None


def _parse_body(body: str, doc: ParsedDocument) -> None:
    current: ParsedSection | None = None
    purpose_lines: list[str] | None = None
    preamble: list[str] | None = None
    after_page_break = False
    for raw in body.split("\n"):
        if raw == PAGE_BREAK:
            after_page_break = True
            continue
        line = raw.strip()
        if not line:
            target = current.lines if current else purpose_lines
            if target is not None and not after_page_break:
                target.append("")
            continue
        bold = _BOLD_LINE_RE.match(line)
        heading = _classify_bold(bold["text"]) if bold else None
        if heading:
            kind, number, title = heading
            level = 1 if kind == "annex" else number.count(".") + 1
            current = ParsedSection(number=number, title=title, level=level, is_annex=kind == "annex")
            doc.sections.append(current)
            purpose_lines = None
            after_page_break = False
            continue
        if bold and current is None and not doc.sections and purpose_lines is None:
            doc.purpose_title = bold["text"].strip()
            purpose_lines = []
            preamble = purpose_lines
            after_page_break = False
            continue
        bullet = _BULLET_RE.match(line)
        text = f"- {bullet['text'].strip()}" if bullet and not bold else line
        target = current.lines if current else purpose_lines
        if target is None:
            doc.warnings.append(f"Texte hors section ignoré : « {line[:60]} »")
            continue
        # A page break in mid-sentence: the sentence goes on after the running header.
        last = next((x for x in reversed(target) if x != ""), "")
        if (
            after_page_break
            and last
            and not bullet
            and not bold
            and not last.startswith("**")
            and last[-1] not in ".:;!?»)"
            and line[:1].islower()
        ):
            while target and target[-1] == "":
                target.pop()
            target[-1] = f"{target[-1]} {line}"
        else:
            continues_list = bool(bullet) and last.startswith("- ") and target and target[-1] != ""
            if after_page_break and target and target[-1] != "" and not continues_list:
                target.append("")
            target.append(text)
        after_page_break = False
    if preamble is not None:
        doc.purpose = _join_lines(preamble)


def _check_numbering(doc: ParsedDocument) -> None:
    expected_top = 1
    seen: set[str] = set()
    last_child: dict[str, int] = {}
    for section in doc.sections:
        if section.is_annex:
            continue
        parts = section.number.split(".")
        if len(parts) == 1:
            if int(parts[0]) != expected_top:
                doc.warnings.append(
                    f"Numérotation : la section {section.number} suit la section {expected_top - 1} "
                    f"(attendu : {expected_top})."
                )
            expected_top = int(parts[0]) + 1
        else:
            parent = ".".join(parts[:-1])
            if parent not in seen:
                doc.warnings.append(
                    f"Numérotation : la sous-section {section.number} n'a pas de section {parent}."
                )
            expected = last_child.get(parent, 0) + 1
            if int(parts[-1]) != expected:
                doc.warnings.append(
                    f"Numérotation : la sous-section {section.number} arrive là où "
                    f"{parent}.{expected} était attendue."
                )
            last_child[parent] = int(parts[-1])
        if section.number in seen:
            doc.warnings.append(f"Numérotation : la section {section.number} apparaît deux fois.")
        seen.add(section.number)


def _normalise_citation(citation: str) -> str:
    citation = re.sub(r"\s+", " ", citation).strip()
    # "RLRQ, c.S-4.2" -> "RLRQ, c. S-4.2"
    return re.sub(r"\b([cr])\.\s*(?=[A-Z0-9])", r"\1. ", citation)


def _find_foundations(doc: ParsedDocument) -> None:
    """Related policies and laws come from the section that lists them (§2 in the seed), found by content."""
    own = doc.number
    best: tuple[int, ParsedSection | None, list, list] = (0, None, [], [])
    for section in doc.sections:
        if section.is_annex:
            continue
        policies: list[ParsedReference] = []
        laws: list[ParsedReference] = []
        for line in section.lines:
            if not line.startswith("- "):
                continue
            item = line[2:].strip()
            law = _LAW_REF_RE.search(item)
            if law:
                name = item[: law.start()].strip(" .,;")
                laws.append(ParsedReference(name=name, citation=_normalise_citation(law["citation"])))
                continue
            ref = _POLICY_REF_RE.search(item)
            if ref and _DOCUMENT_WORDS.match(item):
                number = normalise_policy_number(ref["number"])
                if number and number != own and all(p.number != number for p in policies):
                    policies.append(ParsedReference(number=number, name=item[: ref.start()].strip(" .,;")))
        score = len(policies) + len(laws)
        if score > best[0]:
            best = (score, section, policies, laws)
    _, section, policies, laws = best
    if section is None:
        doc.warnings.append("Fondements : aucune politique liée ni référence légale trouvée.")
        return
    doc.foundations_section = f"{section.number}. {section.title}".strip()
    doc.related_policies = policies
    seen: set[str] = set()
    for law in laws:
        if law.name.lower() not in seen:
            seen.add(law.name.lower())
            doc.legal_references.append(law)


def _read_dates(doc: ParsedDocument) -> None:
    for key, target in (
        ("emise_le", "issued_on"),
        ("revisee_le", "revised_on"),
        ("approuvee_le", "approved_on"),
        ("date", "signed_on"),
    ):
        raw = doc.header.get(key, "")
        value = parse_date(raw) if raw else None
        if raw and value is None:
            doc.warnings.append(f"En-tête : date illisible pour « {HEADER_DISPLAY[key]} » : {raw!r}.")
        doc.dates[target] = value
    approval = doc.header.get("approuvee_le", "")
    match = re.search(r"\(([^)]+)\)", approval)
    if match:
        doc.resolution_number = re.sub(r"\s+", " ", match[1]).strip()


def parse_document(text: str) -> ParsedDocument:
    if len(text) > MAX_BYTES:  # files are checked by source.read_document; text from elsewhere here
        return ParsedDocument(header={}, errors=[f"Texte de {len(text)} caractères : {MAX_BYTES} au plus."])
    text = _strip_markup(text)
    header_text, body = _split_header(text)
    if len(header_text) > MAX_HEADER_CHARS:
        return ParsedDocument(
            header={},
            errors=[
                f"En-tête de {len(header_text)} caractères avant le premier titre en gras : "
                f"{MAX_HEADER_CHARS} au plus. Est-ce bien un document de politique ?"
            ],
        )
    header, kind = parse_header(header_text)
    doc = ParsedDocument(header=header, kind=kind)
    if not header.get("numero") or not normalise_policy_number(header["numero"]):
        doc.errors.append("En-tête : numéro de politique introuvable (« POLITIQUE N° ... »).")
    if not header.get("objet"):
        doc.errors.append("En-tête : titre introuvable (« OBJET : ... »).")
    for key in EXPECTED_HEADER:
        if key not in header:
            doc.warnings.append(f"En-tête : champ « {HEADER_DISPLAY[key]} » absent.")
        elif not header[key]:
            doc.warnings.append(f"En-tête : champ « {HEADER_DISPLAY[key]} » vide.")
    if doc.errors:
        return doc

    running = _running_header_re(header, kind)
    body, _pages = _normalise_body(body, running)
    _parse_body(body, doc)
    if not doc.sections:
        doc.errors.append("Aucune section numérotée trouvée (« **1. TITRE** »).")
        return doc
    if len(doc.sections) > MAX_SECTIONS:
        doc.errors.append(f"{len(doc.sections)} sections : un document de politique en compte au plus {MAX_SECTIONS}.")
        return doc
    too_deep = next((section for section in doc.sections if section.level > MAX_DEPTH), None)
    if too_deep is not None:
        doc.errors.append(
            f"Section {too_deep.number[:40]} : {too_deep.level} niveaux de numérotation, {MAX_DEPTH} au plus."
        )
        return doc
    if doc.purpose_title and _fold(doc.purpose_title) not in _PURPOSE_TITLES:
        doc.warnings.append(f"Préambule « {doc.purpose_title} » lu comme le but de la politique.")
    _check_numbering(doc)

    acronyms = _acronyms(body)
    doc.title_text = sentence_case(doc.header["objet"], acronyms)
    for section in doc.sections:
        section.title = sentence_case(section.title, acronyms)
        for line in section.lines:
            if "<" in line and re.search(r"</?[a-z][^<>]{0,200}>", line, re.IGNORECASE):
                doc.warnings.append(
                    f"Balise HTML gardée comme du texte en {section.number}."
                )
                break
    _find_foundations(doc)
    _read_dates(doc)
    return doc
