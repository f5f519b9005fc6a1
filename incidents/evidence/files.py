"""Evidence files: screenshots and PDFs only, checked by content and sanitised (storage: storage.py).

This side reads each upload within the size limit and recognises its type by content; the decoding is
done by a separate, limited process (sandbox.py, sandbox_worker.py) that rebuilds every file from its
pixels: images are re-encoded without metadata (location, device, comments), PDFs become pictures of
their pages in a new PDF, so no script, action, link, attachment or form of the original survives.
Frames × width × height is capped before anything is decoded, per file and per declaration, and the
whole batch has a deadline. The SHA-256 of the stored file is kept so its integrity can be proved.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import sandbox

IMAGE_TYPES = {
    "image/png": ("PNG", "png"),
    "image/jpeg": ("JPEG", "jpg"),
    "image/webp": ("WEBP", "webp"),
    "image/gif": ("GIF", "gif"),
}
PDF_TYPE = "application/pdf"
ALLOWED_TYPES = {*IMAGE_TYPES, PDF_TYPE}


@dataclass(frozen=True)
class CleanFile:
    original_name: str
    content_type: str
    extension: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class SizeGuardUploadHandler(FileUploadHandler):
    """First upload handler: passes on at most EVIDENCE_MAX_BYTES + one chunk of each uploaded file and
    drops the rest as it arrives, so an oversized upload is never stored whole (in memory or in a
    temporary file). The truncated file is still larger than the limit: the form refuses it with its
    usual message and keeps the rest of what was typed."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        if self.received > settings.EVIDENCE_MAX_BYTES:
            return None  # the next handlers never see the rest of this file
        self.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file


def limits() -> dict[str, int]:
    return {"max_files": settings.EVIDENCE_MAX_FILES, "max_bytes": settings.EVIDENCE_MAX_BYTES}


def _safe_name(name: str) -> str:
    # No control characters (CR, LF, tab, NUL...): the name goes back out in a download header.
    name = "".join(char for char in Path(name or "").name if char.isprintable()).strip()
    return (name or "preuve")[:200]


def _too_big(name: str) -> ValidationError:
    return ValidationError(
        _("« %(name)s » dépasse la taille maximale de %(max)s.")
        % {"name": name, "max": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
    )


@dataclass(frozen=True)
class Received:
    """An upload read within the size limit, its type recognised by content (not by name)."""

    name: str
    content_type: str
    raw: bytes

    @property
    def item(self) -> sandbox.Item:
        if self.content_type == PDF_TYPE:
            return sandbox.Item(kind="pdf", format="PDF", raw=self.raw)
        return sandbox.Item(kind="image", format=IMAGE_TYPES[self.content_type][0], raw=self.raw)

    @property
    def extension(self) -> str:
        return "pdf" if self.content_type == PDF_TYPE else IMAGE_TYPES[self.content_type][1]


def read_upload(upload: UploadedFile) -> Received:
    """Read one upload (never more than the limit plus one byte) and recognise it, or raise ValidationError."""
    name = _safe_name(upload.name)
    max_bytes = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise _too_big(name)
    upload.seek(0)
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise _too_big(name)
    kind = filetype.guess(raw[:8192])
    mime = kind.mime if kind else None
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("« %(name)s » n'est ni une capture d'écran (PNG, JPEG, WEBP, GIF) ni un PDF.") % {"name": name}
        )
    return Received(name=name, content_type=mime, raw=raw)


def _megapixels(pixels: int) -> str:
    return number_format(pixels / 1_000_000, 1)


def refusal_message(received: Received, outcome: sandbox.Outcome) -> str:
    """What the person is told about a file the sanitiser refused, with what to do instead."""
    p = outcome.params
    values = {
        "name": received.name,
        "type": received.content_type,
        "pixels": _megapixels(p.get("pixels", 0)),
        "max_pixels": _megapixels(p.get("max", 0)),
        "frames": p.get("frames", 0),
        "width": p.get("width", 0),
        "height": p.get("height", 0),
        "pages": p.get("pages", 0),
        "max_pages": p.get("max", 0),
        "seconds": number_format(float(settings.EVIDENCE_SANITISE_SECONDS), 0),
    }
    code = outcome.code
    if code == "pixels" and p.get("frames", 1) > 1:
        text = _(
            "« %(name)s » est une animation trop lourde à vérifier : %(frames)d images de %(width)d × %(height)d "
            "pixels, soit %(pixels)s mégapixels, pour %(max_pixels)s au plus. Joignez une capture d'une seule image."
        )
    elif code == "pixels" and received.content_type == PDF_TYPE:
        text = _(
            "« %(name)s » est trop lourd à convertir : %(pages)d pages, soit %(pixels)s mégapixels, "
            "pour %(max_pixels)s au plus. Joignez seulement les pages utiles."
        )
    elif code == "pixels":
        text = _(
            "« %(name)s » est trop grand pour être vérifié : %(width)d × %(height)d pixels, soit %(pixels)s "
            "mégapixels, pour %(max_pixels)s au plus. Joignez une capture plus petite."
        )
    elif code == "pages":
        text = _("« %(name)s » compte %(pages)d pages, %(max_pages)d au plus : joignez seulement les pages utiles.")
    elif code == "total_pixels":
        text = _(
            "Ces preuves sont trop lourdes à vérifier ensemble : %(pixels)s mégapixels, pour %(max_pixels)s au "
            "plus par envoi. Joignez moins de fichiers ou des captures plus petites."
        )
    elif code == "password":
        text = _("« %(name)s » est protégé par un mot de passe : joignez une copie sans mot de passe.")
    elif code == "no_page":
        text = _("« %(name)s » ne contient aucune page.")
    elif code == "memory":
        text = _("« %(name)s » demande trop de mémoire pour être vérifié : joignez une capture plus petite.")
    elif code == sandbox.TIMEOUT:
        text = _(
            "« %(name)s » demande trop de traitement (plus de %(seconds)s s) : joignez une capture plus "
            "petite, ou moins de fichiers à la fois."
        )
    elif code == sandbox.NOT_REACHED:
        text = _("« %(name)s » n'a pas pu être vérifié à temps : joignez moins de fichiers à la fois.")
    elif code == sandbox.FAILED:
        text = _("« %(name)s » n'a pas pu être vérifié : réessayez, ou joignez une autre capture.")
    else:
        text = _("« %(name)s » est endommagé ou illisible (%(type)s).")
    return text % values


def _sanitised(received: Received, outcome: sandbox.Outcome) -> CleanFile:
    if not outcome.ok:
        raise ValidationError(refusal_message(received, outcome))
    data = outcome.data
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime != received.content_type:
        # The sanitiser's output is checked like an upload: it must be the type it claims to be.
        raise ValidationError(refusal_message(received, sandbox.Outcome(code=sandbox.FAILED)))
    if len(data) > settings.EVIDENCE_MAX_BYTES:
        raise _too_big(received.name)
    return CleanFile(
        original_name=received.name, content_type=received.content_type, extension=received.extension, data=data
    )


def _clean(uploads: list[UploadedFile]) -> list[CleanFile]:
    """Read every upload, sanitise the readable ones in one batch; all refusals in file order."""
    started = time.monotonic()  # the deadline counts the reading too: it is the web worker's time
    received: list[tuple[int, Received]] = []
    errors: list[tuple[int, str]] = []
    for index, upload in enumerate(uploads):
        try:
            received.append((index, read_upload(upload)))
        except ValidationError as error:
            errors.extend((index, message) for message in error.messages)
    outcomes = sandbox.sanitise([item.item for _index, item in received], started=started)
    cleaned = []
    for (index, item), outcome in zip(received, outcomes, strict=True):
        try:
            cleaned.append(_sanitised(item, outcome))
        except ValidationError as error:
            errors.extend((index, message) for message in error.messages)
    if errors:
        messages = []
        for _index, message in sorted(errors, key=lambda pair: pair[0]):
            if message not in messages:  # one line for a refusal of the whole batch
                messages.append(message)
        raise ValidationError(messages)
    return cleaned


def clean_upload(upload: UploadedFile) -> CleanFile:
    """Check one uploaded file by its content and return a sanitised copy, or raise ValidationError."""
    return _clean([upload])[0]


def clean_uploads(uploads: list[UploadedFile]) -> list[CleanFile]:
    """Check a batch: count limit first, then every file; all errors are reported together."""
    uploads = [u for u in uploads if u]
    max_files = settings.EVIDENCE_MAX_FILES
    if len(uploads) > max_files:
        raise ValidationError(
            _("Vous pouvez joindre au plus %(max)d fichiers (vous en avez choisi %(count)d).")
            % {"max": max_files, "count": len(uploads)}
        )
    return _clean(uploads)
