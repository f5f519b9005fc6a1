"""Draft attachments and signed forms: checked and sanitised by incidents.evidence (the same hygiene as
incident evidence), kept in the portal's private storage under `publishing/`, never given an address."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.utils import timezone

from incidents.evidence import CleanFile, remove_private
from portal.storage import private_storage

__all__ = ["store", "remove_private"]


def store(clean: CleanFile) -> str:
    """Write a sanitised file under a new random name; return the name to keep on the row."""
    wanted = f"publishing/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{clean.extension}"
    return private_storage().save(wanted, ContentFile(clean.data))


def file_fields(clean: CleanFile, stored_name: str, actor) -> dict:
    return {
        "stored_name": stored_name,
        "original_name": clean.original_name,
        "content_type": clean.content_type,
        "size": clean.size,
        "sha256": clean.sha256,
        "uploaded_by": actor,
    }
