"""The English catalogue stays complete, compiled and in use.

French is the source language: every msgid is French and locale/en/LC_MESSAGES/django.po must
translate all of them. The compiled django.mo is committed so that machines without gettext
show English too, hence the check that it matches the .po.
"""

from __future__ import annotations

import ast
import gettext
import html
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

# Placeholders that must survive translation: %(name)s, %s, %d, %%, {} and {name}.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%[sdfr%]|\{[^{}]*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int | None, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False
    line: int = 0


def _unquote(text: str) -> str:
    # A .po string is a C string literal; Python's literal syntax reads the same escapes.
    return ast.literal_eval(f'"{text}"')


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: enough for the files makemessages writes (no msgctxt in this project)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, target = None, None
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            current.references += line[2:].split()
        elif line.startswith("#"):
            continue
        elif match := re.fullmatch(r'(msgid|msgid_plural|msgstr(?:\[(\d+)\])?)\s+"(.*)"', line):
            keyword, index, text = match.groups()
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index) if index is not None else None)
                current.msgstr[target[1]] = _unquote(text)
            else:
                target = (keyword, None)
                setattr(current, keyword, _unquote(text))
        elif line.startswith('"') and target is not None:
            text = _unquote(line[1:-1])
            if target[0] == "msgstr":
                current.msgstr[target[1]] += text
            else:
                setattr(current, target[0], getattr(current, target[0]) + text)
        else:
            raise AssertionError(f"{path}:{number}: unreadable line {raw!r}")
    if current is not None:
        entries.append(current)
    return entries


def messages(path: Path) -> list[Entry]:
    """The translatable entries (no header, no obsolete entry)."""
    return [entry for entry in parse_po(path) if entry.msgid and not entry.obsolete]


def _where(entry: Entry) -> str:
    return f"line {entry.line} ({' '.join(entry.references[:2])}): {entry.msgid!r}"


@pytest.fixture(autouse=True)
def _restore_language():
    """The locale middleware leaves the last request's language active in the thread: put it back."""
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return messages(PO_PATH)


def test_catalogue_has_the_portal_strings(entries):
    assert len(entries) > 1000
    header = parse_po(PO_PATH)[0]
    assert header.msgid == ""
    assert "Language: en\n" in header.msgstr[None]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[None]
    assert "fuzzy" not in header.flags


def test_every_entry_is_translated_and_none_is_fuzzy(entries):
    untranslated = [
        _where(entry)
        for entry in entries
        if not entry.msgstr
        or any(not text for text in entry.msgstr.values())
        or (entry.msgid_plural is not None and set(entry.msgstr) != {0, 1})
    ]
    fuzzy = [_where(entry) for entry in entries if "fuzzy" in entry.flags]
    assert not untranslated, "Untranslated:\n" + "\n".join(untranslated)
    assert not fuzzy, "Fuzzy:\n" + "\n".join(fuzzy)


def test_translations_keep_placeholders_whitespace_and_tags(entries):
    def shape(text: str) -> tuple:
        return (
            sorted(PLACEHOLDER.findall(text)),
            re.match(r"\s*", text).group(),
            re.search(r"\s*$", text).group(),
            re.findall(r"</?[a-zA-Z][\w-]*", text),
        )

    problems = []
    for entry in entries:
        if entry.msgid_plural is None:
            if shape(entry.msgstr[None]) != shape(entry.msgid):
                problems.append(_where(entry))
            continue
        # The singular may leave out the count ("one reminder"); the plural keeps every placeholder.
        if shape(entry.msgstr[1]) != shape(entry.msgid_plural):
            problems.append(_where(entry))
        allowed = set(PLACEHOLDER.findall(entry.msgid_plural))
        if not set(PLACEHOLDER.findall(entry.msgstr[0])) <= allowed:
            problems.append(_where(entry))
    assert not problems, "Placeholders, surrounding whitespace or tags differ:\n" + "\n".join(problems)


def test_committed_mo_matches_the_po(entries):
    """A stale .mo (the .po edited but not compiled) would show French or old English."""
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in entries:
        if entry.msgid_plural is None:
            if compiled.gettext(entry.msgid) != entry.msgstr[None]:
                stale.append(_where(entry))
        elif (
            compiled.ngettext(entry.msgid, entry.msgid_plural, 1),
            compiled.ngettext(entry.msgid, entry.msgid_plural, 2),
        ) != (
            entry.msgstr[0],
            entry.msgstr[1],
        ):
            stale.append(_where(entry))
    assert not stale, "Run `manage.py compilemessages`; the .mo differs for:\n" + "\n".join(stale)
    # Nothing left over in the .mo from strings that are gone (the header is the extra key "").
    singular = {entry.msgid for entry in entries if entry.msgid_plural is None}
    plural = {entry.msgid for entry in entries if entry.msgid_plural is not None}
    keys = compiled._catalog.keys()  # the only way to list what a GNUTranslations holds
    assert {key for key in keys if isinstance(key, str)} - {""} == singular
    assert {key[0] for key in keys if isinstance(key, tuple)} == plural


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext (xgettext)")
def test_makemessages_finds_no_new_string(tmp_path):
    """Every string marked in the code is in the catalogue, and the catalogue holds nothing else.

    makemessages always writes where the sources are, so it runs on a copy of the project.
    """
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    skip = {".venv", "node_modules", "var", ".git", "tests", "staticfiles", "media", "test-results"}
    shutil.copytree(
        root,
        copy,
        ignore=lambda directory, names: [
            name
            for name in names
            if (Path(directory) == root and name in skip)
            or name in {"__pycache__", ".pytest_cache"}
            or name.endswith((".sqlite3", ".mo", ".egg-info"))
        ],
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "en",
            "--no-obsolete",
            "--ignore=.venv/*",
            "--ignore=node_modules/*",
            "--ignore=tests/*",
            "--ignore=var/*",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr

    def keys(path: Path) -> set[tuple[str, str | None]]:
        return {(entry.msgid, entry.msgid_plural) for entry in messages(path)}

    committed = keys(PO_PATH)
    extracted = keys(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert not extracted - committed, f"New strings to translate (run makemessages): {sorted(extracted - committed)}"
    assert not committed - extracted, (
        f"Strings no longer in the code (run makemessages): {sorted(committed - extracted)}"
    )


# --- The pages in English ----------------------------------------------------------------------

# Words of the navigation that must not survive in English.
FRENCH_NAV = [
    "Accueil",
    "Se déconnecter",
    "Changer mon mot de passe",
    "Aller au contenu principal",
    "Politique 10 974 sur",
]


LAYOUT_TEMPLATES = ("templates/base.html", "templates/portal/", "templates/includes/")
# Each app's navigation and home panels: templates/<app>/_nav.html, _home_*.html.
PANEL_TEMPLATES = tuple(
    f"templates/{app}/_" for app in ("campaigns", "incidents", "notifications", "policies", "roster")
)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _french_left(page: str, entries: list[Entry], templates: tuple[str, ...]) -> list[str]:
    """French msgids from the given templates still present in an English page."""
    left = []
    for entry in entries:
        if not any(ref.startswith(templates) for ref in entry.references):
            continue
        french = entry.msgid
        english = entry.msgstr.get(None, entry.msgstr.get(0, ""))
        # Short words ("Date", "Version", "Actions") read the same in both languages.
        if french == english or len(french) < 6 or "%(" in french:
            continue
        if re.search(rf"(?<![\w-]){re.escape(french)}(?![\w-])", page):
            left.append(french)
    return left


def test_login_page_in_english(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("login"))
    page = _text(response)
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert "Sign in" in page
    for french in ["Connexion", "Se connecter", "Mot de passe oublié"]:
        assert french not in page


def test_login_page_stays_french_by_default(client, db):
    page = _text(client.get(reverse("login")))
    assert "Connexion" in page
    assert "Sign in" not in page


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "harry", "diane", "dora", "oscar"])
def test_home_page_in_english_for_each_persona(org, login, persona, entries, settings):
    client = login(org.user(persona))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = _text(response)
    assert '<html lang="en">' in page
    assert "Home" in page
    assert "Sign out" in page
    for french in FRENCH_NAV:
        assert french not in page, f"{french!r} left in English for {persona}"
    left = _french_left(page, entries, LAYOUT_TEMPLATES + PANEL_TEMPLATES)
    assert not left, f"French left in the English home page of {persona}: {left}"


def test_preferred_language_english_shows_the_home_page_in_english(org, login):
    """Without the switch's cookie, a person whose profile says English reads English."""
    org.alice.language = "en"
    org.alice.save(update_fields=["language"])
    page = _text(login(org.user("alice")).get(reverse("home")))
    assert '<html lang="en">' in page
    assert "Sign out" in page
    for french in FRENCH_NAV:
        assert french not in page
