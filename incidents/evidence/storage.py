"""Where evidence files live: private storage, never served directly, only through access-checked views."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .files import CleanFile


def storage_root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT).resolve()


def write_private(clean: CleanFile) -> str:
    """Write the file under the private root; return its name relative to the root."""
    now = timezone.now()
    relative = f"incidents/{now:%Y/%m}/{uuid.uuid4().hex}.{clean.extension}"
    path = storage_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(clean.data)
    return relative


def private_path(stored_name: str) -> Path:
    """Absolute path of a stored file; refuses anything that would leave the private root."""
    root = storage_root()
    path = (root / stored_name).resolve()
    if root not in path.parents:
        raise ValueError("outside private storage")
    return path


def remove_private(stored_names: list[str]) -> None:
    """Clean-up after a failed transaction: files written for rows that were never committed."""
    for name in stored_names:
        try:
            private_path(name).unlink(missing_ok=True)
        except (OSError, ValueError):
            pass
