"""DCAI sends a policy document from the management page (§7.3): preview as the command's dry run, then a
draft created by the same import; hostile files refused with a message; everyone else gets 404."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from policies.importer import parse_document
from policies.importer.source import MAX_BYTES
from policies.importer.upload import PENDING_FOLDER
from policies.models import LegalReference, Policy, PolicyVersion, PolicyVersionEvent, RelatedPolicy, Section
from portal.storage import private_storage, walk

SEED = Path(__file__).resolve().parents[2] / "policies" / "fixtures" / "politique-10974-medias-sociaux.txt"
UPLOAD = reverse("policies:import")
CONFIRM = reverse("policies:import_confirm")
pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_bytes() -> bytes:
    return SEED.read_bytes()


def _snapshot() -> dict[str, list]:
    return {
        model.__name__: sorted(model.objects.values_list(flat=False))
        for model in (Policy, PolicyVersion, Section, PolicyVersionEvent, RelatedPolicy, LegalReference)
    }


def _send(client, data: bytes, name: str = "politique.txt", **extra):
    return client.post(UPLOAD, {"document": SimpleUploadedFile(name, data, content_type="text/plain"), **extra})


def _pending_files() -> list[str]:
    return list(walk(private_storage(), PENDING_FOLDER))


def _sections_of(version: PolicyVersion) -> list[tuple]:
    return list(version.sections.order_by("order").values_list("number", "title", "body", "level", "is_annex"))


def _confirm(client, token: str, key: str = "k" * 24):
    return client.post(CONFIRM, {"token": token, "submission_key": key})


def test_preview_lists_the_sections_of_the_seed_and_writes_nothing(org, login, seed_bytes):
    client = login(org.user("diane"))
    assert client.get(UPLOAD).status_code == 200
    before = _snapshot()
    response = _send(client, seed_bytes)
    assert response.status_code == 200
    assert _snapshot() == before
    html = response.content.decode()
    doc = parse_document(seed_bytes.decode("utf-8-sig"))
    listed = re.findall(r'<span class="fw-semibold">([^<]*?)\.?</span>', html)
    assert listed == [s.number for s in doc.sections] and len(listed) >= 15
    assert "6.3" in listed and any(s.is_annex for s in doc.sections)
    for section in doc.sections:
        assert section.title.replace("'", "&#x27;") in html
    assert f"{len(doc.sections)} sections trouvées" in html
    assert "Aucune version de cette politique n’est en vigueur" in html
    assert "Créer le brouillon" in html
    # The seed's doubtful signing date is one of the importer's warnings, shown as the command shows it.
    warnings = response.context["preview"].result.warnings
    assert warnings and all(w.replace("'", "&#x27;") in html for w in warnings)
    assert len(_pending_files()) == 1


def test_preview_counts_the_changes_from_the_version_in_force(org, login, seed_bytes):
    from policies.demo import seed_policy

    seed_policy(StringIO())
    text = seed_bytes.decode("utf-8-sig")
    changed = text.replace("**2.", "Une phrase ajoutée à la section 1.\n\n**2.", 1)
    client = login(org.user("diane"))
    before = _snapshot()
    html = _send(client, changed.encode()).content.decode()
    assert _snapshot() == before
    assert "Version en vigueur 2018-03-12 : 1 section modifiée.</p>" in " ".join(html.split())
    assert 'id="changed-sections"' in html

    same = _send(client, seed_bytes).content.decode()
    assert "aucun brouillon ne sera créé" in same and "Créer le brouillon" not in same
    assert _snapshot() == before


class _Undo(Exception):
    pass


def _what_the_command_writes(path: Path) -> tuple[list[tuple], list[tuple]]:
    """Sections and related policies `import_policy` writes for this file, then rolled back."""
    try:
        with transaction.atomic():
            call_command("import_policy", str(path), stdout=StringIO())
            version = PolicyVersion.objects.get()
            written = _sections_of(version), list(version.policy.related_policies.values_list("number", "title"))
            raise _Undo
    except _Undo:
        pass
    assert not PolicyVersion.objects.exists()
    return written


def test_confirm_creates_the_draft_the_command_would(
    org, login, seed_bytes, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "politique.txt"
    path.write_bytes(seed_bytes)
    command_sections, command_related = _what_the_command_writes(path)

    client = login(org.user("diane"))
    token = _send(client, seed_bytes).context["preview"].token
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(client, token)
    draft = PolicyVersion.objects.get()
    assert draft.status == PolicyVersion.Status.DRAFT
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:version_edit", args=[draft.policy.number, draft.pk])
    event = draft.events.get()
    assert event.actor == org.user("diane") and event.note == "politique.txt"
    assert _pending_files() == []
    assert _sections_of(draft) == command_sections and len(command_sections) >= 15
    assert list(draft.policy.related_policies.values_list("number", "title")) == command_related


def test_a_second_confirmation_creates_nothing_more(org, login, seed_bytes, django_capture_on_commit_callbacks):
    client = login(org.user("diane"))
    token = _send(client, seed_bytes).context["preview"].token
    with django_capture_on_commit_callbacks(execute=True):
        first = _confirm(client, token, key="a" * 24)
    assert _confirm(client, token, key="a" * 24)["Location"] == first["Location"]  # the browser resending
    assert _confirm(client, token, key="b" * 24)["Location"] == UPLOAD  # another tab: the document was used
    assert PolicyVersion.objects.count() == 1 and PolicyVersionEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "capture.png", "est un fichier image/png"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "politique.pdf", "est un fichier application/pdf"),
        (b"OBJET : X\x00\x01\x02", "politique.txt", "octets nuls"),
        (b"", "vide.txt", "est vide"),
        (b"   \n\n", "blanc.txt", "est vide"),
        (b"a" * (MAX_BYTES + 1), "enorme.txt", "dépasse 256 Ko"),
        ("Bonjour,\nvoici le compte rendu de la réunion.\n".encode(), "note.txt", "numéro de politique introuvable"),
    ],
    ids=["png", "pdf", "nul-bytes", "empty", "blank", "huge", "not-a-policy"],
)
def test_a_hostile_or_foreign_file_gets_a_message_and_nothing_is_kept(org, login, data, name, message):
    client = login(org.user("diane"))
    response = _send(client, data, name=name)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[:3000]
    assert "Créer le brouillon" not in html
    assert not Policy.objects.exists() and not PolicyVersion.objects.exists()
    assert _pending_files() == []


def test_active_content_is_refused_with_its_line(org, login, seed_bytes):
    hostile = seed_bytes.replace(b"**2.", b'<script>alert("x")</script>\n\n**2.', 1)
    html = login(org.user("diane")).post(UPLOAD, {"document": SimpleUploadedFile("p.txt", hostile)}).content.decode()
    assert "Contenu actif refusé" in html and "&lt;script" in html and "<script>alert" not in html
    assert not PolicyVersion.objects.exists() and _pending_files() == []


@pytest.mark.parametrize("persona", ["bob", "oscar", "harry", "alice"])
def test_everyone_but_dcai_gets_404(org, login, seed_bytes, persona):
    token = _send(login(org.user("diane")), seed_bytes).context["preview"].token
    client = login(org.user(persona))
    assert client.get(UPLOAD).status_code == 404
    assert _send(client, seed_bytes).status_code == 404
    assert _confirm(client, token).status_code == 404
    assert not PolicyVersion.objects.exists()


def test_an_administrator_may_import(org, login, seed_bytes, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client = login(admin)
    token = _send(client, seed_bytes).context["preview"].token
    assert _confirm(client, token).status_code == 302
    assert PolicyVersion.objects.get().events.get().actor == admin


def test_a_token_is_bound_to_its_person_and_its_time(org, login, seed_bytes, monkeypatch):
    token = _send(login(org.user("diane")), seed_bytes).context["preview"].token
    dora = login(org.user("dora"))  # DCAI too, but not the person who sent the document
    response = _confirm(dora, token)
    assert response["Location"] == UPLOAD
    assert not PolicyVersion.objects.exists()
    assert _confirm(dora, token[:-2] + "xx").status_code == 302 and not PolicyVersion.objects.exists()

    monkeypatch.setattr("policies.importer.upload.PENDING_SECONDS", -1)  # the hour has passed
    response = _confirm(login(org.user("diane")), token)
    assert response["Location"] == UPLOAD
    assert not PolicyVersion.objects.exists()


def test_the_date_fix_is_the_commands_option_as_a_checkbox(org, login, seed_bytes):
    client = login(org.user("diane"))
    plain = _send(client, seed_bytes).content.decode()
    assert "--accept-date-fix" not in plain and "relancez avec la case" in plain

    preview = _send(client, seed_bytes, accept_date_fix="on")
    assert "corrigée en 2018-05-25" in preview.content.decode()
    _confirm(client, preview.context["preview"].token)
    assert str(PolicyVersion.objects.get().approved_on) == "2018-05-25"
