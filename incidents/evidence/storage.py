"""Where evidence files live: the portal's private storage (portal.storage: a private folder, a shared file
system or an S3-compatible bucket), never served directly, only streamed by access-checked views.

Names are chosen here (`incidents/YYYY/MM/<random>.<ext>`) and never reused: a file is written once, read,
and erased only by the retention job (incidents.retention) or when the transaction that wrote it fails.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile, File
from django.utils import timezone

from portal.storage import local_root, private_storage

from .files import CleanFile

logger = logging.getLogger(__name__)


def storage_root() -> Path:
    """The private folder when the storage is a file system (tests, the embedded default)."""
    root = local_root()
    if root is None:
        raise ValueError("the private storage is not a folder")
    return root.resolve()


def write_private(clean: CleanFile) -> str:
    """Store a sanitised file under a new name; return the name to keep on the evidence row."""
    now = timezone.now()
    wanted = f"incidents/{now:%Y/%m}/{uuid.uuid4().hex}.{clean.extension}"
    stored = private_storage().save(wanted, ContentFile(clean.data))
    if stored != wanted:  # never happens with random names; a renamed file would still be consistent
        logger.warning("Evidence stored as %s instead of %s", stored, wanted)
    return stored


def _checked(stored_name: str) -> str:
    name = stored_name.replace("\\", "/")
    if not name or name.startswith("/") or ".." in name.split("/"):
        raise ValueError("outside private storage")
    return name


def open_private(stored_name: str) -> File:
    """The stored file, opened for reading (streamed by the caller). OSError or ValueError when it cannot be."""
    try:
        return private_storage().open(_checked(stored_name), "rb")
    except SuspiciousFileOperation as error:
        raise ValueError("outside private storage") from error


def delete_private(stored_name: str) -> bool:
    """Erase one stored file; True when it was there."""
    storage, name = private_storage(), _checked(stored_name)
    if not storage.exists(name):
        return False
    storage.delete(name)
    return True


def private_path(stored_name: str) -> Path:
    """Absolute path of a stored file in a folder storage; refuses anything that would leave the root."""
    root = storage_root()
    path = (root / _checked(stored_name)).resolve()
    if root not in path.parents:
        raise ValueError("outside private storage")
    return path


def remove_private(stored_names: list[str]) -> None:
    """Clean-up after a failed transaction: files written for rows that were never committed."""
    for name in stored_names:
        try:
            delete_private(name)
        except Exception:  # best effort: an orphan file is harmless, a lost error message is not
            logger.warning("Could not erase the orphan evidence file %s", name, exc_info=True)
