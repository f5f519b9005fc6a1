"""Thumbnails of evidence for the incident page: a small JPEG of the stored (re-encoded) copy, the first
page of a PDF (kept as pictures of its pages, files.py).

Drawn once, by the sanitiser's own process (sandbox_worker.thumbnail, under its limits and deadline),
the first time someone who may see the evidence asks for it, then kept in the private storage beside the
file (`<stored name>.vignette.jpg`) and served by an access-checked view like the file itself. The
retention job erases it with the file (incidents.retention).
"""

from __future__ import annotations

import logging

import filetype
from django.conf import settings
from django.core.files.base import ContentFile

from portal.storage import private_storage

from . import sandbox
from .files import IMAGE_TYPES, PDF_TYPE
from .storage import _checked, open_private

logger = logging.getLogger(__name__)

SUFFIX = ".vignette.jpg"
MAX_BYTES = 256 * 1024


def thumbnail_name(stored_name: str) -> str:
    return _checked(stored_name) + SUFFIX


def has_thumbnail(content_type: str) -> bool:
    """Images and PDFs get a picture; anything else is shown with a file icon."""
    return content_type in IMAGE_TYPES or content_type == PDF_TYPE


def _draw(stored_name: str, content_type: str) -> bytes | None:
    with open_private(stored_name) as handle:
        raw = handle.read(int(settings.EVIDENCE_MAX_BYTES) + 1)
    fmt = "PDF" if content_type == PDF_TYPE else IMAGE_TYPES[content_type][0]
    outcome = sandbox.sanitise([sandbox.Item(kind="thumbnail", format=fmt, raw=raw)])[0]
    data = outcome.data
    kind = filetype.guess(data[:8192]) if data else None
    if kind is None or kind.mime != "image/jpeg" or len(data) > MAX_BYTES:
        logger.warning("no thumbnail for %s (%s)", stored_name, outcome.code or "not a small JPEG")
        return None
    return data


def thumbnail_of(stored_name: str, content_type: str) -> bytes | None:
    """The thumbnail's bytes, drawn and stored the first time; None when the file gives none
    (not an image or a PDF, missing, or refused by the sanitiser): the page shows a file icon."""
    if not has_thumbnail(content_type):
        return None
    storage, name = private_storage(), thumbnail_name(stored_name)
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    try:
        data = _draw(stored_name, content_type)
    except (OSError, ValueError):
        logger.warning("no thumbnail for %s: the stored file cannot be read", stored_name, exc_info=True)
        return None
    if data is not None:
        kept = storage.save(name, ContentFile(data))
        if kept != name:  # two first requests at once: the same picture is already kept under `name`
            storage.delete(kept)
    return data


def delete_thumbnail(stored_name: str) -> None:
    """Erase the thumbnail of a stored file, if one was drawn (the retention job)."""
    storage, name = private_storage(), thumbnail_name(stored_name)
    if storage.exists(name):
        storage.delete(name)
