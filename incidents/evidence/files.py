"""Evidence files: screenshots and PDFs only, checked by content and sanitised (storage: storage.py).

Images are re-encoded with Pillow, which drops EXIF (location, device) and other metadata;
PDFs are rebuilt page by page with pypdf, which drops the document information, XMP metadata,
scripts and open actions. The SHA-256 of the stored file is kept so its integrity can be proved.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, NameObject

IMAGE_TYPES = {
    "image/png": ("PNG", "png"),
    "image/jpeg": ("JPEG", "jpg"),
    "image/webp": ("WEBP", "webp"),
    "image/gif": ("GIF", "gif"),
}
PDF_TYPE = "application/pdf"
ALLOWED_TYPES = {*IMAGE_TYPES, PDF_TYPE}
MAX_PIXELS = 60_000_000  # a screenshot is far smaller; refuse decompression bombs before decoding


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


def _clean_image(raw: bytes, fmt: str) -> bytes:
    with Image.open(io.BytesIO(raw)) as probe:
        if probe.width * probe.height > MAX_PIXELS:
            raise ValueError("too many pixels")
        probe.verify()
    with Image.open(io.BytesIO(raw)) as image:
        frames = getattr(image, "n_frames", 1)
        out = io.BytesIO()
        if frames > 1 and fmt in ("GIF", "WEBP"):
            image.info.clear()
            image.save(out, format=fmt, save_all=True)
        else:
            image.load()
            clean = ImageOps.exif_transpose(image)  # keep the picture upright once EXIF is gone
            if fmt == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
                clean = clean.convert("RGB")
            clean.info.clear()
            options = {"quality": 92} if fmt in ("JPEG", "WEBP") else {}
            clean.save(out, format=fmt, **options)
        return out.getvalue()


_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute"}


def _drop_active_annotations(page) -> None:
    """Keep link and comment annotations, drop any that would run something when clicked."""
    annotations = page.get("/Annots")
    if annotations is None:
        return
    kept = []
    for ref in annotations.get_object():
        annotation = ref.get_object()
        action = annotation.get("/A")
        action = action.get_object() if action is not None else None
        if "/AA" in annotation or (action is not None and action.get("/S") in _ACTIVE_ACTIONS):
            continue
        kept.append(ref)
    page[NameObject("/Annots")] = ArrayObject(kept)


def _clean_pdf(raw: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(raw), strict=False)
    if reader.is_encrypted:
        raise ValueError("encrypted")
    writer = PdfWriter()
    for page in reader.pages:
        added = writer.add_page(page)
        if "/AA" in added:
            del added[NameObject("/AA")]
        _drop_active_annotations(added)
    if not len(writer.pages):
        raise ValueError("no page")
    writer.metadata = None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def clean_upload(upload: UploadedFile) -> CleanFile:
    """Check one uploaded file by its content and return a sanitised copy, or raise ValidationError."""
    name = _safe_name(upload.name)
    max_bytes = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("« %(name)s » dépasse la taille maximale de %(max)s.")
            % {"name": name, "max": filesizeformat(max_bytes)}
        )
    upload.seek(0)
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValidationError(
            _("« %(name)s » dépasse la taille maximale de %(max)s.")
            % {"name": name, "max": filesizeformat(max_bytes)}
        )
    kind = filetype.guess(raw[:8192])
    mime = kind.mime if kind else None
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("« %(name)s » n'est ni une capture d'écran (PNG, JPEG, WEBP, GIF) ni un PDF.") % {"name": name}
        )
    try:
        if mime == PDF_TYPE:
            data, extension = _clean_pdf(raw), "pdf"
        else:
            fmt, extension = IMAGE_TYPES[mime]
            data = _clean_image(raw, fmt)
    except (
        ValueError,
        OSError,
        SyntaxError,
        UnidentifiedImageError,
        PdfReadError,
        Image.DecompressionBombError,
        KeyError,
        TypeError,
        AttributeError,
    ) as error:
        raise ValidationError(
            _("« %(name)s » est endommagé ou illisible (%(type)s).") % {"name": name, "type": mime}
        ) from error
    if len(data) > max_bytes:
        raise ValidationError(
            _("« %(name)s » dépasse la taille maximale de %(max)s.")
            % {"name": name, "max": filesizeformat(max_bytes)}
        )
    return CleanFile(original_name=name, content_type=mime, extension=extension, data=data)


def clean_uploads(uploads: list[UploadedFile]) -> list[CleanFile]:
    """Check a batch: count limit first, then every file; all errors are reported together."""
    uploads = [u for u in uploads if u]
    max_files = settings.EVIDENCE_MAX_FILES
    if len(uploads) > max_files:
        raise ValidationError(
            _("Vous pouvez joindre au plus %(max)d fichiers (vous en avez choisi %(count)d).")
            % {"max": max_files, "count": len(uploads)}
        )
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(clean_upload(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned
