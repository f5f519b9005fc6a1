"""Evidence in S3-compatible object storage, against a real S3 API server process (moto) on loopback:
written private, streamed by the access-checked view, never given a URL, erased by retention."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from incidents.evidence import clean_uploads, open_private
from incidents.models import Evidence, Incident
from incidents.retention import retention_apply
from portal.storage import private_storage, storage_config
from tests.incidents.factories import declare, png_bytes, upload


def test_declared_evidence_is_a_private_object_streamed_by_the_view(s3_storage, org, login):
    incident = declare(org.user("alice"), evidence=clean_uploads([upload("capture.png", png_bytes())]))
    item = Evidence.objects.get(incident=incident)
    assert s3_storage.keys() == [f"evidence/{item.stored_name}"]
    acl = s3_storage.client().get_object_acl(Bucket=s3_storage.bucket, Key=f"evidence/{item.stored_name}")
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # the owner only
    assert all("URI" not in grant["Grantee"] for grant in acl["Grants"])  # no AllUsers / AuthenticatedUsers

    response = login(org.user("bob")).get(reverse("incidents:evidence", args=[incident.pk, item.pk]))
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == item.sha256
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Location" not in response  # never a redirect to the bucket

    with pytest.raises(ValueError):
        private_storage().url(item.stored_name)


def test_outsider_gets_404_and_never_the_object(s3_storage, org, login):
    incident = declare(org.user("alice"), evidence=clean_uploads([upload("capture.png", png_bytes())]))
    item = Evidence.objects.get(incident=incident)
    response = login(org.user("oscar")).get(reverse("incidents:evidence", args=[incident.pk, item.pk]))
    assert response.status_code == 404


def test_a_missing_object_is_404_not_500(s3_storage, org, login):
    incident = declare(org.user("alice"), evidence=clean_uploads([upload("capture.png", png_bytes())]))
    item = Evidence.objects.get(incident=incident)
    s3_storage.client().delete_object(Bucket=s3_storage.bucket, Key=f"evidence/{item.stored_name}")
    response = login(org.user("bob")).get(reverse("incidents:evidence", args=[incident.pk, item.pk]))
    assert response.status_code == 404


def test_retention_erases_the_objects(s3_storage, org, settings):
    from incidents.services import incident_close, incident_take_in_charge

    incident = declare(org.user("alice"), evidence=clean_uploads([upload("capture.png", png_bytes())]))
    incident_take_in_charge(incident=incident, actor=org.user("bob"))
    incident_close(incident=incident, actor=org.user("bob"), outcome=Incident.Outcome.UNFOUNDED, reason="Vérifié.")
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - timedelta(days=365 * 8))
    assert len(s3_storage.keys()) == 1
    dry = retention_apply(dry_run=True)
    assert dry.evidence_files_deleted == 1 and len(s3_storage.keys()) == 1
    report = retention_apply()
    assert report.evidence_files_deleted == 1
    assert s3_storage.keys() == []
    with pytest.raises(OSError):
        open_private(Evidence.objects.get(incident=incident).stored_name)


def test_readiness_writes_to_the_bucket_then_fails_when_it_is_gone(s3_storage, client, db):
    body = json.loads(client.get("/sante/pret/").content)
    assert body["checks"]["storage"] == "ok"
    assert s3_storage.keys() == []  # the probe cleans up after itself
    s3_storage.process.terminate()
    s3_storage.process.wait(timeout=20)
    response = client.get("/sante/pret/")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["storage"] == "failed"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", {"BACKEND": "portal.storage.PrivateFileSystemStorage"}),
        (
            "file:///srv/shared/private",
            {"BACKEND": "portal.storage.PrivateFileSystemStorage", "OPTIONS": {"location": "/srv/shared/private"}},
        ),
        (
            "s3://k%2Fey:se%40cret@bucket/pre/fix?endpoint_url=https://minio.local:9000&region_name=ca-central-1"
            "&addressing_style=path&verify=false&server_side_encryption=AES256",
            {
                "BACKEND": "portal.storage_s3.PrivateS3Storage",
                "OPTIONS": {
                    "bucket_name": "bucket",
                    "location": "pre/fix",
                    "access_key": "k/ey",
                    "secret_key": "se@cret",
                    "endpoint_url": "https://minio.local:9000",
                    "region_name": "ca-central-1",
                    "addressing_style": "path",
                    "verify": False,
                    "object_parameters": {"ServerSideEncryption": "AES256"},
                },
            },
        ),
    ],
)
def test_storage_url_is_parsed(url, expected):
    assert storage_config(url) == expected


@pytest.mark.parametrize(
    "url",
    ["ftp://host/x", "file://relative/x", "s3:///no-bucket", "s3://bucket?colour=blue", "s3://b?use_ssl=maybe"],
)
def test_a_bad_storage_url_stops_the_portal(url):
    with pytest.raises(ImproperlyConfigured):
        storage_config(url)


def test_the_local_folder_follows_the_setting_and_has_no_url(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "elsewhere"
    storage = private_storage()
    name = storage.save("x/probe.txt", ContentFile(b"1"))
    assert (tmp_path / "elsewhere" / "x" / "probe.txt").read_bytes() == b"1"
    assert oct((tmp_path / "elsewhere" / "x" / "probe.txt").stat().st_mode & 0o777) == oct(0o640)
    with pytest.raises(ValueError):
        storage.url(name)
