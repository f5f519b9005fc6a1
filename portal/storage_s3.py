"""The S3-compatible engine of the private storage (portal.storage), imported only when STORAGE_URL is s3://."""

from botocore.config import Config
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """A private bucket (or a prefix of one): objects written with the private ACL, never overwritten,
    never given a URL. Short network timeouts: a storage outage fails a request, it does not hang it."""

    def __init__(self, **settings_):
        settings_.setdefault("default_acl", "private")
        settings_.setdefault("file_overwrite", False)
        settings_.setdefault("querystring_auth", True)
        settings_.setdefault("max_memory_size", 5 * 1024 * 1024)
        settings_.setdefault(
            "client_config",
            Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}),
        )
        super().__init__(**settings_)

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("private files have no URL: they are streamed by access-checked views")
