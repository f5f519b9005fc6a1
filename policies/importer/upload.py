"""A policy document sent from DCAI's management page (§7.3): checked, previewed, then imported as a draft.

The steps are those of `manage.py import_policy`: `source.check_document`, `parse_document`, then
`loader.import_document`, first as its dry run (the preview: nothing is written), then for real. The import
only ever writes a draft; putting it in force stays the board's approval and DCAI's decision (§7.1).

Between the preview and the confirmation the document waits in private storage under a random name. The
page carries only a token signed by the server, bound to the person and valid PENDING_SECONDS: never a
path, and nobody else can confirm it. The stored copy is checked against its SHA-256 and read again with
the same checks before the import, then deleted; copies never confirmed are swept at the next upload.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

import filetype
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.storage import private_storage

from ..diff import SectionChange, compare_sections
from ..models import PolicyVersion, Section
from ..models.policies import display_policy_number
from ..selectors import can_manage_policies
from .loader import ImportResult, import_document
from .parser import ParsedDocument, parse_document
from .source import MAX_BYTES, DocumentRefused, check_document

PENDING_FOLDER = "policy-imports"
PENDING_SECONDS = 60 * 60
_SALT = "policies.importer.upload"
_NAME_CHARS = 120


@dataclass
class Preview:
    """What the import would do: the structure found, the importer's doubts, the changes to the text in force."""

    doc: ParsedDocument
    result: ImportResult
    token: str
    in_force: PolicyVersion | None = None
    changes: list[SectionChange] = field(default_factory=list)

    @property
    def display_number(self) -> str:
        return display_policy_number(self.doc.number)

    @property
    def counts(self) -> dict[str, int]:
        return {kind: sum(1 for c in self.changes if c.kind == kind) for kind in ("added", "removed", "changed")}

    @property
    def changed_sections(self) -> list[SectionChange]:
        return [c for c in self.changes if c.kind != "unchanged"]

    @property
    def annex_count(self) -> int:
        return sum(1 for s in self.doc.sections if s.is_annex)

    @property
    def can_confirm(self) -> bool:
        """Something would be written: a draft created or updated, or the policy's own details."""
        return bool(self.token)


def _fix_option() -> str:
    """How the page's importer warnings name the way to accept a date fix (the command says --accept-date-fix)."""
    return _("la case « Enregistrer la correction proposée d'une date douteuse »")


def _require_manager(actor: AbstractBaseUser) -> None:
    if not can_manage_policies(actor):
        raise PermissionDenied(_("Seule la DCAI gère les versions des politiques."))


def _display_name(upload_name: str) -> str:
    name = (upload_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    return (name or "document.txt")[:_NAME_CHARS]


def read_upload(upload: UploadedFile) -> tuple[str, bytes]:
    """(name, bytes) of an uploaded policy document, or ValidationError saying why it is refused.

    The size is checked before reading, the type by content (not by name): a policy document is text."""
    name = _display_name(upload.name)
    too_big = _("« %(name)s » dépasse %(max)d Ko : un document de politique est un texte de quelques dizaines de Ko.")
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(too_big % {"name": name, "max": MAX_BYTES // 1024})
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(too_big % {"name": name, "max": MAX_BYTES // 1024})
    if not data.strip():
        raise ValidationError(_("« %(name)s » est vide.") % {"name": name})
    kind = filetype.guess(data[:8192])
    if kind is not None:
        raise ValidationError(
            _(
                "« %(name)s » est un fichier %(type)s, pas un texte. Envoyez le texte du document "
                "(converti du PDF signé, en UTF-8)."
            )
            % {"name": name, "type": kind.mime}
        )
    return name, data


def _parse(name: str, data: bytes) -> ParsedDocument:
    try:
        text = check_document(data)
    except DocumentRefused as refused:
        raise ValidationError([_("« %(name)s » est refusé.") % {"name": name}, *refused.reasons]) from refused
    doc = parse_document(text)
    if doc.errors:
        raise ValidationError(
            [_("« %(name)s » ne se lit pas comme un document de politique.") % {"name": name}, *doc.errors]
        )
    return doc


def _changes_from_in_force(doc: ParsedDocument) -> tuple[PolicyVersion | None, list[SectionChange]]:
    in_force = (
        PolicyVersion.objects.filter(policy__number=doc.number, status=PolicyVersion.Status.IN_FORCE)
        .prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("order")))
        .first()
    )
    if in_force is None:
        return None, []
    imported = [
        Section(number=s.number, title=s.title, body=s.body, level=s.level, is_annex=s.is_annex) for s in doc.sections
    ]
    return in_force, compare_sections(list(in_force.sections.all()), imported)


def _sweep_stale(now: dt.datetime) -> None:
    """Delete the copies nobody confirmed in time (a preview abandoned, a token expired)."""
    storage = private_storage()
    try:
        _folders, files = storage.listdir(PENDING_FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return
    for file_name in files:
        path = f"{PENDING_FOLDER}/{file_name}"
        try:
            if (now - storage.get_modified_time(path)).total_seconds() > PENDING_SECONDS:
                storage.delete(path)
        except (FileNotFoundError, NotImplementedError, OSError):
            continue


def _keep_pending(actor: AbstractBaseUser, name: str, data: bytes, accept_date_fix: bool) -> str:
    _sweep_stale(timezone.now())
    stored = private_storage().save(f"{PENDING_FOLDER}/{secrets.token_hex(16)}.txt", ContentFile(data))
    payload = {
        "user": actor.pk,
        "file": stored,
        "sha256": hashlib.sha256(data).hexdigest(),
        "name": name,
        "date_fix": accept_date_fix,
    }
    return signing.dumps(payload, salt=_SALT, compress=True)


def import_preview(*, actor: AbstractBaseUser, name: str, data: bytes, accept_date_fix: bool = False) -> Preview:
    """§7.3: what importing this document would do, as `import_policy --dry-run`; nothing is written to
    the database. The document is kept privately for the confirmation (see the module docstring)."""
    _require_manager(actor)
    doc = _parse(name, data)
    result = import_document(
        doc, accept_date_fix=accept_date_fix, dry_run=True, source=name, actor=actor, fix_option=_fix_option()
    )
    in_force, changes = _changes_from_in_force(doc)
    token = _keep_pending(actor, name, data, accept_date_fix) if result.changed else ""
    return Preview(doc=doc, result=result, token=token, in_force=in_force, changes=changes)


def _expired() -> ValidationError:
    return ValidationError(
        _("Ce document n'est plus disponible (aperçu expiré ou déjà importé) : envoyez-le de nouveau.")
    )


def pending_name(token: str) -> str:
    """The name of the document a token stands for, for the confirmation page ("" when the token is bad)."""
    try:
        return str(signing.loads(token, salt=_SALT, max_age=PENDING_SECONDS).get("name", ""))
    except (signing.BadSignature, AttributeError):
        return ""


def import_confirm(*, actor: AbstractBaseUser, token: str) -> ImportResult:
    """§7.3: import the previewed document into a draft version, exactly as `import_policy` does.

    The token must be this person's and not expired; the stored copy must be the one previewed."""
    _require_manager(actor)
    try:
        pending = signing.loads(token, salt=_SALT, max_age=PENDING_SECONDS)
    except signing.BadSignature as error:  # SignatureExpired included
        raise _expired() from error
    if not isinstance(pending, dict) or pending.get("user") != actor.pk:
        raise _expired()
    storage = private_storage()
    path = str(pending.get("file", ""))
    if not path.startswith(PENDING_FOLDER + "/") or ".." in path:
        raise _expired()
    try:
        with storage.open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except (FileNotFoundError, OSError) as error:
        raise _expired() from error
    if hashlib.sha256(data).hexdigest() != pending.get("sha256"):
        raise _expired()
    name = str(pending.get("name", ""))[:_NAME_CHARS]
    doc = _parse(name, data)
    result = import_document(
        doc, accept_date_fix=bool(pending.get("date_fix")), source=name, actor=actor, fix_option=_fix_option()
    )
    transaction.on_commit(lambda: storage.delete(path))
    return result
