"""Evidence files: what is accepted and how it is sanitised (`files`), and where it is kept (`storage`)."""

from .files import (
    ALLOWED_TYPES,
    IMAGE_TYPES,
    MAX_PIXELS,
    PDF_TYPE,
    CleanFile,
    SizeGuardUploadHandler,
    clean_upload,
    clean_uploads,
    limits,
)
from .storage import private_path, remove_private, storage_root, write_private

__all__ = [
    "ALLOWED_TYPES",
    "IMAGE_TYPES",
    "MAX_PIXELS",
    "PDF_TYPE",
    "CleanFile",
    "SizeGuardUploadHandler",
    "clean_upload",
    "clean_uploads",
    "limits",
    "private_path",
    "remove_private",
    "storage_root",
    "write_private",
]
