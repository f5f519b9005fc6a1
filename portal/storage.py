"""Private storage: where evidence files live (and any file the portal keeps for later), through Django's
storage API, so that one web node or several share it.

`STORAGE_URL` chooses the engine (README, "Production"):

- unset: a private folder on this machine, `PRIVATE_STORAGE_ROOT` (read at call time);
- `file:///srv/portal/private`: a folder, e.g. a shared file system mounted on every web node;
- `s3://bucket/optional/prefix?endpoint_url=https://minio.example:9000&region_name=…`: S3-compatible object
  storage (MinIO, Ceph, a cloud bucket) through django-storages. Credentials come from
  `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (or the machine's role), or from the URL's user part.

Nothing kept here ever has a public address: objects are written private, `url()` is refused, and files
go out only through access-checked views that stream them (docs/rules.md, evidence downloads).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, Storage, storages

ALIAS = "private"
S3_BACKEND = "portal.storage_s3.PrivateS3Storage"
FILE_BACKEND = "portal.storage.PrivateFileSystemStorage"
# Query parameters of an s3:// URL passed on to django-storages, with their types.
_S3_OPTIONS = {
    "endpoint_url": str,
    "region_name": str,
    "addressing_style": str,
    "signature_version": str,
    "verify": str,
    "use_ssl": bool,
    "server_side_encryption": str,
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def storage_config(url: str) -> dict:
    """The STORAGES entry for `STORAGE_URL`; a value the portal cannot use stops it at startup."""
    if not url:
        return {"BACKEND": FILE_BACKEND}
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ImproperlyConfigured(f"STORAGE_URL {url!r}: a folder is written file:///absolute/path")
        return {"BACKEND": FILE_BACKEND, "OPTIONS": {"location": unquote(parts.path)}}
    if parts.scheme != "s3":
        raise ImproperlyConfigured(f"STORAGE_URL {url!r}: use file:///folder or s3://bucket/prefix")
    if not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL: the bucket name is missing (s3://bucket/prefix)")
    options: dict = {"bucket_name": parts.hostname, "location": parts.path.strip("/")}
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        kind = _S3_OPTIONS.get(key)
        if kind is None:
            raise ImproperlyConfigured(
                f"STORAGE_URL: unknown option {key!r} (known: {', '.join(sorted(_S3_OPTIONS))})"
            )
        if kind is bool:
            if value.lower() not in _TRUE | _FALSE:
                raise ImproperlyConfigured(f"STORAGE_URL: {key} must be true or false, not {value!r}")
            options[key] = value.lower() in _TRUE
        elif key == "verify":
            # true/false, or the path of the certificate authorities to trust (an in-house CA).
            options[key] = value.lower() in _TRUE if value.lower() in _TRUE | _FALSE else value
        elif key == "server_side_encryption":
            options["object_parameters"] = {"ServerSideEncryption": value}
        else:
            options[key] = value
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder outside anything served. Without a fixed location it follows `PRIVATE_STORAGE_ROOT`, read
    each time (tests and `override_settings` move it); files are readable by the portal's user only."""

    def __init__(self, location: str | None = None, **kwargs):
        kwargs.setdefault("file_permissions_mode", 0o640)
        kwargs.setdefault("directory_permissions_mode", 0o750)
        super().__init__(location=location, base_url=None, **kwargs)

    @property
    def base_location(self):  # type: ignore[override]
        return self._location or str(settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no URL: they are streamed by access-checked views")


def private_storage() -> Storage:
    """The configured private storage (settings.STORAGES["private"])."""
    return storages[ALIAS]


def walk(storage: Storage | None = None, folder: str = "") -> Iterator[str]:
    """Every file name under `folder`, recursively, in a stable order."""
    storage = storage or private_storage()
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from walk(storage, f"{folder}/{directory}" if folder else directory)


def sha256_of(name: str, storage: Storage | None = None) -> tuple[str, int]:
    """(SHA-256, size) of a stored file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with (storage or private_storage()).open(name, "rb") as handle:
        for chunk in handle.chunks():
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def local_root(storage: Storage | None = None) -> Path | None:
    """The folder of a file-system storage, or None for object storage."""
    storage = storage or private_storage()
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None
