"""PostgreSQL restarted while a web request is writing a declaration, on a production-like setup
(gunicorn with two workers, a private PostgreSQL cluster, Redis): the person gets a clear 503 page and
nothing half-written; the portal answers again as soon as PostgreSQL is back; the same form sent again
creates one incident, and sent a third time shows that same incident."""

import http.client
import re
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import psycopg
import pytest
from django.utils import timezone

from tests.conftest import database_url_for_worker

from .processes import Postgres, free_port, postgres_bin, start_gunicorn, stop, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DESCRIPTION = "Capture publiée sur un groupe public : un dossier usager y est lisible"


@dataclass
class Answer:
    status_code: int
    headers: dict
    text: str


class Browser:
    """Just enough of a browser for these requests: cookies kept, redirects not followed."""

    def __init__(self, port: int, cookies: dict[str, str]):
        self.port = port
        self.cookies = dict(cookies)

    def _send(self, method: str, path: str, data: dict | None = None, headers: dict | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Answer(response.status, dict(response.headers), text)
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self._send("GET", path)

    def post(self, path: str, data: dict, headers: dict | None = None) -> Answer:
        return self._send("POST", path, data, headers)


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert match, f"no {name} in the form"
    return match.group(1)


def _count(pg: Postgres, sql: str) -> int:
    return int(pg.psql(sql, dbname="portal"))


@pytest.fixture
def cluster(transactional_db):
    if postgres_bin() is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    pg = Postgres()
    pg.init()
    pg.start()
    try:
        yield pg
    finally:
        pg.stop()


def test_postgres_restart_during_a_declaration(cluster, redis, org, client, tmp_path, rig):
    client.force_login(org.user("alice"), backend="portal.accounts.backends.PortalPasswordBackend")
    session = client.cookies["sessionid"].value
    cluster.copy_database(database_url_for_worker(), "portal")  # the organisation and alice's session
    port = free_port()
    env = {**rig.env, "DATABASE_URL": cluster.dsn("portal"), "ALLOWED_HOSTS": "127.0.0.1"}
    web = start_gunicorn(env, tmp_path / "gunicorn.log", port)
    try:
        http = Browser(port, {"sessionid": session})
        page = http.get("/incidents/declarer/")
        assert page.status_code == 200, page.text[:500]
        form = {
            "csrfmiddlewaretoken": _hidden(page.text, "csrfmiddlewaretoken"),
            "submission_key": _hidden(page.text, "submission_key"),
            "description": DESCRIPTION,
            "platform": "facebook",
            "links": "https://facebook.example/groupe/1",
            "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": "patient_info",
            "still_online": "yes",
            "concerned_kind": "institution",
            "route_choice": "normal",
        }
        headers = {"Referer": f"http://127.0.0.1:{port}/incidents/declarer/"}

        # The incidents table is held, so the request waits inside its transaction; then PostgreSQL restarts.
        locker = psycopg.connect(cluster.dsn("portal"), autocommit=False)
        locker.execute("LOCK TABLE incidents_incident IN ACCESS EXCLUSIVE MODE")
        answers: list[Answer] = []
        posting = threading.Thread(target=lambda: answers.append(http.post("/incidents/declarer/", data=form,
                                                                           headers=headers)))
        posting.start()
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'portal'"
        assert wait_until(lambda: _count(cluster, waiting) >= 1, 20), "the request never reached the database"
        restarted_at = time.monotonic()
        cluster.restart()
        posting.join(30)
        locker.close()
        assert answers and answers[0].status_code == 503, answers and answers[0].text[:500]
        assert "Service momentanément indisponible" in answers[0].text
        assert answers[0].headers["Retry-After"]
        assert _count(cluster, f"SELECT count(*) FROM incidents_incident WHERE description = '{DESCRIPTION}'") == 0

        assert wait_until(lambda: http.get("/incidents/declarer/").status_code == 200, 30)
        recovery = time.monotonic() - restarted_at
        again = http.post("/incidents/declarer/", data=form, headers=headers)
        assert again.status_code == 302, again.text[:500]
        assert "/confirmation/" in again.headers["Location"]
        replay = http.post("/incidents/declarer/", data=form, headers=headers)
        assert replay.status_code == 302 and replay.headers["Location"] == again.headers["Location"]
        assert _count(cluster, f"SELECT count(*) FROM incidents_incident WHERE description = '{DESCRIPTION}'") == 1
        routed = "SELECT count(*) FROM notifications_notification WHERE kind = 'incidents.routed'"
        assert _count(cluster, routed) >= 1  # written with the incident, for the sweep or the worker
        print(f"[reliability] PostgreSQL restart during a web request: answer=503, "
              f"pages_again_after_restart_s={recovery:.1f}, incidents=1")
    finally:
        stop(web)
