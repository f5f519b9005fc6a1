"""Evidence files: what is accepted and how it is sanitised (`files`, in a separate process: `sandbox`),
and where it is kept (`storage`)."""

from .files import (
    ALLOWED_TYPES,
    IMAGE_TYPES,
    PDF_TYPE,
    CleanFile,
    SizeGuardUploadHandler,
    clean_upload,
    clean_uploads,
    limits,
    read_upload,
)
from .storage import delete_private, open_private, private_path, remove_private, storage_root, write_private

__all__ = [
    "ALLOWED_TYPES",
    "IMAGE_TYPES",
    "PDF_TYPE",
    "CleanFile",
    "SizeGuardUploadHandler",
    "clean_upload",
    "clean_uploads",
    "delete_private",
    "limits",
    "open_private",
    "private_path",
    "read_upload",
    "remove_private",
    "storage_root",
    "write_private",
]
