"""The load run: the demo personas using the portal at a set rate for a set time, against loopback only.

    locust -f deploy/load/locustfile.py --headless --host http://127.0.0.1:8000 -u 50 -r 10 -t 5m

Each simulated person signs in as one of the demo logins (`manage.py seed_demo`) and, once per second
(PORTAL_LOAD_RATE_PER_USER), does one mixed step: home page, notifications, the policy, their own
declarations and acknowledgement requests; managers, the direction and DCAI open their queues and an
incident; HR its campaigns; DCAI the roster; a few steps declare an incident with a small screenshot or
acknowledge the policy. A step is one to three requests: `-u 50` is about 62 requests per second.

At the end it prints throughput, p50/p95/p99 and errors (failed requests, and exceptions that broke off a
person's sign-in or step), and exits non-zero when there was any error or the p95 passed
PORTAL_LOAD_P95_MS (300 by default).

Every person signs in at the start, and each sign-in costs a PBKDF2 hash by design: that burst is not the
steady state. With PORTAL_LOAD_RESET_AFTER_SIGN_IN=1 (the default of a timed run) the statistics are reset
once the last person's sign-in has ended, well or not; locust's own --reset-stats (refused here) resets when
the last person has been started, while most sign-ins are still running, and drops the errors seen so far.
The summary line keeps the sign-in phase apart, so nothing is hidden: its length, requests and errors, and
the sign-ins' count, p50 and p95; `errors` counts the whole run.

PORTAL_LOAD_TOUR=1 runs a bounded check instead of a timed load: each person signs in, takes every step of
the mix once (a declaration for the employee, the acknowledgement, the queues…) and stops; the run ends when
the last person is done (`-t` stays the upper bound); the statistics are not reset unless
PORTAL_LOAD_RESET_AFTER_SIGN_IN=1. tests/production/test_load_script.py uses it.

The client is locust's FastHttpUser (geventhttpclient): the load generator runs on the machine it measures,
and python-requests takes more CPU per request from it. One locust process: the counts above are kept
per process, so --processes and distributed runs are not supported.

A host that is not a loopback address is refused before anything is sent. Against the production profile
without TLS (gunicorn directly), the script sends what nginx would: X-Forwarded-Proto https and the Host
PORTAL_LOAD_HOST (ALLOWED_HOSTS of the portal).
README, "Production", has the figures measured on this machine.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import sys
from pathlib import Path

import gevent
from locust import FastHttpUser, constant_throughput, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent))
from portal_http import Person, hidden_fields, require_loopback  # noqa: E402

PERSONAS = ["employe", "employe", "employe", "gestionnaire", "gestionnaire", "direction", "rh", "dcai"]


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name) or ("1" if default else "0")
    if value not in ("0", "1"):
        raise SystemExit(f"{name} is 0 or 1, not {value!r}")
    return value == "1"


RATE_PER_USER = float(os.environ.get("PORTAL_LOAD_RATE_PER_USER", "1"))
P95_LIMIT_MS = float(os.environ.get("PORTAL_LOAD_P95_MS", "300"))
HOST_HEADER = os.environ.get("PORTAL_LOAD_HOST", "")
TOUR_ONLY = _flag("PORTAL_LOAD_TOUR", False)
RESET_AFTER_SIGN_IN = _flag("PORTAL_LOAD_RESET_AFTER_SIGN_IN", not TOUR_ONLY)
SIGN_IN_ENTRY = ("sign in", "POST")  # Person.sign_in's statistics entry: name, method
_next_persona = itertools.cycle(PERSONAS)
_incident_link = re.compile(r'href="(/incidents/\d+/)"')
_request_link = re.compile(r'href="(/campagnes/demandes/\d+/)"')


@events.init.add_listener
def _loopback_only(environment, **kwargs):
    require_loopback(environment.host or "")
    if environment.reset_stats:
        raise SystemExit("--reset-stats drops the sign-in burst's errors: use PORTAL_LOAD_RESET_AFTER_SIGN_IN=1")


class _People:
    """Exceptions raised while a person signs in or takes a step (a refused sign-in is no failed request, yet
    that person never used the portal), and, in a tour, how many people are done."""

    exceptions = 0
    done = 0


@events.user_error.add_listener
def _count_exceptions(user_instance, exception, tb, **kwargs):
    _People.exceptions += 1
    if TOUR_ONLY:
        _person_done(user_instance.environment)


def _person_done(environment) -> None:
    _People.done += 1
    if _People.done >= environment.parsed_options.num_users:
        # Outside the person's own greenlet: quitting stops every person, this one included.
        gevent.spawn_later(0.1, environment.runner.quit)


class _SignInPhase:
    """From the start to the end of the last person's sign-in; its figures, taken when it ends."""

    ended = 0
    figures: dict[str, str] | None = None
    requests = 0
    failures = 0


def _sign_in_ended(environment) -> None:
    _SignInPhase.ended += 1
    if _SignInPhase.ended != environment.parsed_options.num_users:
        return
    _SignInPhase.figures = _phase_figures(environment.stats)
    if RESET_AFTER_SIGN_IN:
        _SignInPhase.requests = environment.stats.total.num_requests
        _SignInPhase.failures = environment.stats.total.num_failures
        environment.stats.reset_all()


def _phase_figures(stats) -> dict[str, str]:
    sign_ins = stats.entries.get(SIGN_IN_ENTRY)  # not stats.get, which adds an empty row
    count = sign_ins.num_requests if sign_ins else 0
    total = stats.total
    return {
        "sign_ins": f"{count}",
        "sign_in_p50": f"{sign_ins.get_response_time_percentile(0.5) if count else 0:.0f}ms",
        "sign_in_p95": f"{sign_ins.get_response_time_percentile(0.95) if count else 0:.0f}ms",
        "sign_in_phase": f"{max(0.0, (total.last_request_timestamp or 0) - (total.start_time or 0)):.1f}s",
        "phase_requests": f"{total.num_requests}",
        "phase_failures": f"{total.num_failures}",
    }


class Staff(FastHttpUser):
    wait_time = constant_throughput(RATE_PER_USER)
    # On a starved machine an answer can take minutes (README, "Load"): it is measured, not cut off.
    network_timeout = connection_timeout = 600.0

    def on_start(self):
        require_loopback(self.host)
        self.login = next(_next_persona)
        headers = {"X-Forwarded-Proto": "https"}
        if HOST_HEADER:
            headers["Host"] = HOST_HEADER
        self.person = Person(self.client, "", headers)
        try:
            self.person.sign_in(self.login)
        finally:
            _sign_in_ended(self.environment)
        self.seed = random.randrange(10**6)
        if TOUR_ONLY:
            for step in (
                self.home,
                self.notifications,
                self.policy,
                self.own_declarations,
                self.work,
                self.declare,
                self.acknowledge,
            ):
                step()
            _person_done(self.environment)
            raise StopUser()

    def _get(self, path: str, name: str | None = None):
        with self.client.get(
            path, headers=self.person.headers, allow_redirects=False, catch_response=True, name=name or path
        ) as response:
            self.person.plain_http_cookies(response)
            if not response.status_code:  # no answer at all (refused, timed out)
                response.failure(getattr(response, "error", None) or "no answer")
            elif response.status_code >= 400:
                response.failure(f"{response.status_code}")
            elif "/comptes/connexion/" in response.headers.get("Location", ""):
                response.failure("signed out")  # a page answered by the sign-in page is no page at all
            else:
                response.success()
            return response

    @task(4)
    def home(self):
        self._get("/")

    @task(2)
    def notifications(self):
        self._get("/notifications/")

    @task(2)
    def policy(self):
        self._get("/politiques/10974/", "/politiques/[numéro]/")

    @task(2)
    def own_declarations(self):
        self._get("/incidents/mes-declarations/")

    @task(4)
    def work(self):
        """What the person's role is for: queues and an incident, campaigns, the roster."""
        if self.login in ("gestionnaire", "direction", "dcai"):
            page = self._get("/incidents/file/a-traiter/")
            links = _incident_link.findall(page.text or "")
            if links:
                self._get(random.choice(links), "/incidents/[id]/")
        elif self.login == "rh":
            self._get("/campagnes/")
        else:
            self._get("/campagnes/mes-demandes/")
        if self.login == "dcai":
            self._get("/utilisateurs-autorises/")

    @task(1)
    def declare(self):
        if self.login != "employe":
            return self.home()
        self.seed += 1
        response = self.person.declare(self.seed, name="/incidents/declarer/")
        # The form came back (200): the declaration was not recorded. A 4xx/5xx already counts as a failure.
        if response.status_code == 200:
            events.request.fire(
                request_type="POST",
                name="/incidents/declarer/ (refused)",
                response_time=0,
                response_length=0,
                exception=RuntimeError("declaration refused (the form came back)"),
                context={},
            )

    @task(1)
    def acknowledge(self):
        """Open one's acknowledgement request; confirm it when it still waits (once per person)."""
        page = self._get("/campagnes/mes-demandes/")
        links = _request_link.findall(page.text or "")
        if not links:
            return
        request_page = self._get(links[0], "/campagnes/demandes/[id]/")
        text = request_page.text or ""
        if 'name="attestation"' in text:
            # The form of the page just read: the same login signed in elsewhere (three employees share one)
            # may confirm in between, and a page opened again would then rightly have no form. Confirming twice
            # is harmless: the portal answers "no longer waits" with a redirect.
            fields = {**hidden_fields(text, links[0], links[0]), "attestation": "on"}
            self.person.post(links[0], fields, referer=links[0], name="/campagnes/demandes/[id]/ (confirm)")


@events.quitting.add_listener
def _summary(environment, **kwargs):
    total = environment.stats.total
    phase = _SignInPhase.figures or _phase_figures(environment.stats)  # a run ended before the last sign-in
    if not (total.num_requests or _SignInPhase.requests):
        return
    seconds = max(1e-9, (total.last_request_timestamp or 0) - (total.start_time or 0))
    errors = total.num_failures + _SignInPhase.failures + _People.exceptions
    reset = "after_sign_ins" if RESET_AFTER_SIGN_IN and _SignInPhase.figures else "none"
    print(
        f"\nLOAD SUMMARY requests={total.num_requests} errors={errors} exceptions={_People.exceptions} "
        f"throughput={total.num_requests / seconds:.1f}/s p50={total.get_response_time_percentile(0.5):.0f}ms "
        f"p95={total.get_response_time_percentile(0.95):.0f}ms p99={total.get_response_time_percentile(0.99):.0f}ms "
        f"max={total.max_response_time:.0f}ms stats_reset={reset} "
        + " ".join(f"{key}={value}" for key, value in phase.items())
    )
    # No request after the sign-ins is no measure at all.
    if errors or not total.num_requests or total.get_response_time_percentile(0.95) > P95_LIMIT_MS:
        environment.process_exit_code = 1
