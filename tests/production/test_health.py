"""Health probes: liveness without the database, readiness per component, nothing leaked, no login."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import health


def test_liveness_touches_no_database_and_needs_no_login(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sante/")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"].startswith("no-store")
    assert len(queries) == 0


def test_readiness_checks_each_component(client, db):
    response = client.get("/sante/pret/")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"},
    }


def test_a_failed_component_is_503_and_says_only_failed(client, db, monkeypatch, caplog):
    def broken():
        raise OSError("connection refused by db.internal.example:5432 password=hunter2")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/sante/pret/")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {
        "status": "failed",
        "checks": {"database": "failed", "cache": "ok", "broker": "ok", "storage": "ok"},
    }
    assert b"hunter2" not in response.content and b"example" not in response.content
    assert "connection refused" in caplog.text  # the reason is in the log, for IT


def test_storage_that_cannot_be_written_is_failed(client, db, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    settings.PRIVATE_STORAGE_ROOT = blocked
    body = json.loads(client.get("/sante/pret/").content)
    assert body["checks"]["storage"] == "failed"


def test_the_filesystem_broker_folder_is_checked(db, tmp_path):
    from portal.celery import app

    keys = ("task_always_eager", "broker_url", "broker_transport_options")
    previous = {key: app.conf[key] for key in keys}
    app.conf.update(
        task_always_eager=False,
        broker_url="filesystem://",
        broker_transport_options={"data_folder_out": str(tmp_path / "missing")},
    )
    try:
        assert health.readiness()[1]["broker"] == "failed"
        (tmp_path / "missing").mkdir()
        assert health.readiness()[1]["broker"] == "ok"
    finally:
        app.conf.update(previous)


@pytest.mark.parametrize("path", ["/sante/", "/sante/pret/"])
def test_probes_answer_any_host_and_plain_http_in_production(client, db, settings, path):
    # A balancer probes each node by its address, over HTTP: no host check, no HTTPS redirect.
    settings.ALLOWED_HOSTS = ["portail.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(path, HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert client.get("/comptes/connexion/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_probes_are_routed_too(db):
    from django.urls import reverse

    assert reverse("health_live") == health.LIVE_PATH
    assert reverse("health_ready") == health.READY_PATH
