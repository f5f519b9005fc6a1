"""Evidence files: what is accepted and how it is sanitised (`files`, in a separate process: `sandbox`),
and where it is kept (`storage`).

The entry for any page that accepts screenshots or PDFs (declarations, answers, the moderation journal,
consents): `clean_uploads(files)` takes the uploaded files and returns sanitised copies (`CleanFile`:
rebuilt from pixels, type checked by content, SHA-256), or raises ValidationError with every reason;
`clean_upload(file)` does one. `write_private(clean)` then stores a copy and returns the name to keep;
`thumbnail_of` gives the incident page a small picture of it (`thumbnails`).
"""

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
from .thumbnails import delete_thumbnail, has_thumbnail, thumbnail_of

__all__ = [
    "ALLOWED_TYPES",
    "IMAGE_TYPES",
    "PDF_TYPE",
    "CleanFile",
    "SizeGuardUploadHandler",
    "clean_upload",
    "clean_uploads",
    "delete_private",
    "delete_thumbnail",
    "has_thumbnail",
    "limits",
    "open_private",
    "private_path",
    "read_upload",
    "remove_private",
    "storage_root",
    "thumbnail_of",
    "write_private",
]
