"""One line per request with the request id; the id in a header and in templates; never incident text."""

import json
import logging

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import path, reverse

from portal import requestlog
from portal import urls as portal_urls

RECORDS_LOGGER = "portal.request"


def request_records(caplog):
    return [r for r in caplog.records if r.name == RECORDS_LOGGER]


def test_each_request_has_an_id_header_and_one_line(client, org, login, caplog):
    caplog.set_level(logging.INFO, logger=RECORDS_LOGGER)
    login(org.user("alice"))
    response = client.get("/?tri=secret-query")
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (record,) = request_records(caplog)
    assert (record.method, record.path, record.status) == ("GET", "/", 200)
    assert record.user_id == org.user("alice").pk
    assert record.request_id == request_id
    assert record.duration_ms >= 0
    assert "secret-query" not in record.getMessage()


def test_anonymous_request_logs_no_user_and_costs_no_query(client, db, caplog, django_assert_num_queries):
    caplog.set_level(logging.INFO, logger=RECORDS_LOGGER)
    with django_assert_num_queries(0):
        client.get("/comptes/connexion/")
    (record,) = request_records(caplog)
    assert record.user_id is None and record.status == 200


def test_the_proxys_request_id_is_kept_only_behind_a_trusted_proxy(client, db, settings):
    header = {"HTTP_X_REQUEST_ID": "nginx-0123456789abcdef"}
    assert client.get("/sante/", **header)["X-Request-ID"] != "nginx-0123456789abcdef"
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    assert client.get("/sante/", **header)["X-Request-ID"] == "nginx-0123456789abcdef"
    forged = client.get("/sante/", HTTP_X_REQUEST_ID="bad id\nwith newline")["X-Request-ID"]
    assert "\n" not in forged and len(forged) == 32


def test_client_address_is_the_one_the_trusted_proxy_saw(client, db, settings, caplog):
    caplog.set_level(logging.INFO, logger=RECORDS_LOGGER)
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    client.get("/comptes/connexion/", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10", REMOTE_ADDR="127.0.0.1")
    (record,) = request_records(caplog)
    assert record.ip == "192.0.2.10"


def test_templates_get_the_request_id(rf: RequestFactory):
    request = rf.get("/")
    request.request_id = "abc123abc123"
    assert requestlog.request_id(request) == {"request_id": "abc123abc123"}
    template = engines["django"].from_string("{{ request_id }}")
    assert template.render({}, request) == "abc123abc123"


def test_json_lines_hold_the_fields_and_never_the_incident_text(org, login, caplog):
    """A declaration's text goes in the POST body: neither the line nor any record of the request has it."""
    from pythonjsonlogger.json import JsonFormatter

    caplog.set_level(logging.DEBUG)
    secret = "Texte confidentiel de la déclaration 7f3a"
    client = login(org.user("alice"))
    client.post(
        reverse("incidents:declare"),
        {"description": secret, "platform": "facebook", "links": "https://example.org/?nom=secret"},
    )
    formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
    lines = [formatter.format(record) for record in caplog.records]
    assert not [line for line in lines if "7f3a" in line or "nom=secret" in line]
    (line,) = [json.loads(formatter.format(r)) for r in request_records(caplog)]
    assert {"method", "path", "status", "duration_ms", "user_id", "request_id", "ip"} <= line.keys()
    assert line["path"] == reverse("incidents:declare")


def test_log_format_json_configures_the_json_formatter():
    import subprocess
    import sys

    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('portal.request').info('hello', extra={'status': 200})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello" and line["status"] == 200 and line["request_id"] == "-"
    assert line["logger"] == "portal.request" and line["level"] == "INFO"


@pytest.mark.parametrize("value", ["xml", "JSON "])
def test_an_unknown_log_format_stops_the_portal(value):
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "LOG_FORMAT": value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "LOG_FORMAT" in result.stderr


def _raises(request):
    raise RuntimeError("a fault nobody foresaw")


# The portal's routes plus one that fails: a 500 page rendered by the portal's own handler.
urlpatterns = [path("panne-essai/", _raises), *portal_urls.urlpatterns]
handler500 = "portal.errors.server_error"


@pytest.mark.urls(__name__)
def test_the_500_page_shows_the_request_id_of_its_header(client, org, login):
    login(org.user("alice"))
    client.raise_request_exception = False
    response = client.get("/panne-essai/")
    assert response.status_code == 500
    assert len(response["X-Request-ID"]) == 32
    assert response["X-Request-ID"] in response.content.decode()


def test_the_404_page_shows_the_request_id_of_its_header(client, org, login):
    login(org.user("alice"))
    response = client.get("/incidents/987654321/")
    assert response.status_code == 404
    assert response["X-Request-ID"] in response.content.decode()
