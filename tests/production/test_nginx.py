"""The nginx site (deploy/nginx/portal.conf) in front of a gunicorn node: TLS, the HTTP redirect, the
client's address reaching the portal's log and login throttling (not the proxy's), the request id shared
by both logs, static files served by nginx, and the upload limit that fits the evidence limits."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.conftest import require_services

from .conftest import ROOT, free_port, production_env, start_web, stop

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SITE = ROOT / "deploy" / "nginx" / "portal.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CLIENT = "127.0.0.2"  # the person's machine; nginx talks to gunicorn from 127.0.0.1


def test_upload_limit_fits_the_evidence_limits():
    limit = re.search(r"client_max_body_size (\d+)m;", SITE.read_text())
    assert limit, "client_max_body_size is missing"
    files = django_settings.EVIDENCE_MAX_FILES * django_settings.EVIDENCE_MAX_BYTES
    # Every file at its limit plus the form fits; the form's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) is the margin.
    assert int(limit[1]) * 1024 * 1024 == files + django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _site_for_test(tmp: Path, *, http_port: int, https_port: int, web_port: int, static: Path) -> str:
    text = SITE.read_text()
    replacements = [
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{web_port} "),
        ("/etc/ssl/portal/", f"{tmp}/"),
        ("/var/log/nginx/", f"{tmp}/"),
        ("/srv/portal/app/staticfiles/", f"{static}/"),
    ]
    for old, new in replacements:
        assert old in text, f"{old!r} is no longer in {SITE.name}: update this test"
        text = text.replace(old, new)
    return text


@pytest.fixture
def proxied_node(tmp_path, collected_static, org):
    require_services()
    if not os.path.exists(NGINX):
        if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
            pytest.fail("nginx is required (apt-get install nginx)")
        pytest.skip("nginx is not installed")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=portail.example.org",
         "-keyout", str(tmp_path / "portal.key"), "-out", str(tmp_path / "portal.crt")],
        check=True, capture_output=True, timeout=60,
    )
    web_port, http_port, https_port = free_port(), free_port(), free_port()
    (tmp_path / "portal.conf").write_text(
        _site_for_test(
            tmp_path, http_port=http_port, https_port=https_port, web_port=web_port, static=collected_static
        )
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"  {kind}_temp_path {tmp_path}/{kind};" for kind in kinds)
    (tmp_path / "nginx.conf").write_text(
        f"{user}daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/main-error.log warn;\n"
        "worker_processes 1;\n"
        f"events {{ worker_connections 64; }}\nhttp {{\n  include /etc/nginx/mime.types;\n{temp}\n"
        f"  access_log {tmp_path}/main-access.log;\n  include {tmp_path}/portal.conf;\n}}\n"
    )
    web_log = open(tmp_path / "web.log", "w")
    env = production_env(collected_static, ALLOWED_HOSTS="portail.example.org",
                         CSRF_TRUSTED_ORIGINS="https://portail.example.org", LOG_FORMAT="json")
    web = start_web(env, web_port, stderr=web_log)
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")])
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "nginx.pid").exists() and time.monotonic() < deadline:
            assert nginx.poll() is None, (tmp_path / "main-error.log").read_text()
            time.sleep(0.1)
        yield {"http": http_port, "https": https_port, "tmp": tmp_path}
    finally:
        stop(nginx, timeout=10)
        stop(web)
        web_log.close()


def request(port: int, method: str, path: str, *, tls: bool = True, body: bytes | None = None, headers=None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    kind = http.client.HTTPSConnection if tls else http.client.HTTPConnection
    options = {"context": context} if tls else {}
    conn = kind("127.0.0.1", port, timeout=30, source_address=(CLIENT, 0), **options)
    conn.request(method, path, body=body, headers={"Host": "portail.example.org", **(headers or {})})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def wait_for(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def portal_lines(tmp: Path) -> list[dict]:
    lines = []
    for line in (tmp / "web.log").read_text().splitlines():
        if line.startswith("{") and '"portal.request"' in line:
            lines.append(json.loads(line))
    return lines


def test_nginx_in_front_of_the_portal(proxied_node, org):
    from axes.models import AccessAttempt

    https, tmp = proxied_node["https"], proxied_node["tmp"]
    redirect, _ = request(proxied_node["http"], "GET", "/comptes/connexion/", tls=False)
    assert redirect.status == 301
    assert redirect.getheader("Location") == "https://portail.example.org/comptes/connexion/"

    page, body = request(https, "GET", "/comptes/connexion/")
    assert page.status == 200 and b"csrfmiddlewaretoken" in body
    request_id = page.getheader("X-Request-ID")
    assert request_id and re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert wait_for(lambda: f"rid={request_id}" in (tmp / "portal.access.log").read_text())  # nginx's, same id
    assert wait_for(lambda: any(entry["request_id"] == request_id for entry in portal_lines(tmp)))
    (line,) = [entry for entry in portal_lines(tmp) if entry["request_id"] == request_id]
    assert line["ip"] == CLIENT and line["path"] == "/comptes/connexion/"

    # A failed sign-in is counted against the person's address, not the proxy's.
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1].decode()
    cookie = page.getheader("Set-Cookie").split(";")[0]
    failed, _ = request(
        https, "POST", "/comptes/connexion/",
        body=f"csrfmiddlewaretoken={token}&username=alice&password=wrong".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                 "Referer": "https://portail.example.org/comptes/connexion/"},
    )
    assert failed.status == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [CLIENT]

    # Static files come from nginx itself, with a long cache.
    css = re.search(rb'href="(/static/css/portal\.[0-9a-f]+\.css)"', body)[1].decode()
    static, _ = request(https, "GET", css)
    assert static.status == 200 and static.getheader("X-Request-ID") is None
    assert "immutable" in static.getheader("Cache-Control")

    # Health probes are asked of each node directly, never through the public site.
    assert request(https, "GET", "/sante/pret/")[0].status == 404

    # Larger than the evidence limits allow: refused by nginx before any web worker sees it.
    too_big, _ = request(
        https, "POST", "/incidents/declarer/", body=b"x" * (56 * 1024 * 1024),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert too_big.status == 413
