"""`manage.py bench` section of sign-in: the checks made before each password, and the sign-in log page,
over a log of a working week (a sign-in and a sign-out a day for each person) with a spraying attack under
way (thousands of failures in the last minutes).

Runs inside the bench database; everything written here is rolled back at the end.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.roles import dcai_officers

from . import throttle
from .models import SignInEvent

SEED = 10974
DAYS = 5
ATTACK_FAILURES = 5000
Rows = list[tuple[str, str]]


def _log(rng: random.Random) -> int:
    now = timezone.now()
    users = list(get_user_model().objects.filter(is_active=True).values_list("pk", "username"))
    rows = []
    for user_id, username in users:
        for day in range(DAYS):
            at = now - datetime.timedelta(days=day + 1, minutes=rng.randint(0, 600))
            address = f"10.{rng.randint(0, 40)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            common = {"method": "oidc", "user_id": user_id, "identifier": username, "client_ip": address}
            rows.append(SignInEvent(created_at=at, kind="sign_in", **common))
            rows.append(SignInEvent(created_at=at + datetime.timedelta(hours=8), kind="sign_out",
                                    reason="by_person", **common))
    SignInEvent.objects.bulk_create(rows, batch_size=10000)
    return len(rows)


def _attack(rng: random.Random) -> int:
    """A spraying attack under way: thousands of failures in the last minutes, one per username."""
    now = timezone.now()
    SignInEvent.objects.bulk_create(
        [
            SignInEvent(created_at=now - datetime.timedelta(seconds=rng.random() * 120), kind="refusal",
                        method="password", reason="bad_credentials", identifier=f"guess{number}",
                        client_ip=f"198.51.100.{number % 250 + 1}")
            for number in range(ATTACK_FAILURES)
        ],
        batch_size=10000,
    )
    return ATTACK_FAILURES


def _median(function, repeat: int = 20) -> tuple[str, int]:
    function()
    timings, queries = [], 0
    for _i in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            function()
            timings.append(time.perf_counter() - started)
        queries = len(ctx.captured_queries)
    return f"{statistics.median(timings) * 1000:.1f} ms", queries


def sign_in(out: TextIO, using: str = "default") -> Rows:
    officer = dcai_officers().first()
    if officer is None:
        raise RuntimeError("the bench institution has no DCAI direction")
    rng = random.Random(SEED)
    results: Rows = []
    with transaction.atomic():
        started = time.perf_counter()
        count = _log(rng)
        results.append((_("%(n)s événements de connexion créés (bulk)") % {"n": count},
                        f"{time.perf_counter() - started:.2f} s"))
        _attack(rng)
        request = RequestFactory().post(reverse("login"), REMOTE_ADDR="10.1.2.3")
        username = officer.get_username()
        elapsed, queries = _median(lambda: throttle.password_attempt_refusal(request, username))
        if not throttle.spraying_suspected():
            raise RuntimeError("the bench attack was not seen")
        results.append((_("contrôles avant un mot de passe (attaque en cours)"), elapsed))
        results.append((_("contrôles avant un mot de passe — requêtes"), str(queries)))
        client = Client()
        client.force_login(officer, backend="portal.accounts.backends.PortalPasswordBackend")
        base = reverse("accounts:sign_in_log")
        year_ago = (timezone.localdate() - datetime.timedelta(days=365)).isoformat()
        for label, path in (
            (_("journal des connexions, page 1"), base),
            (_("journal des connexions, une personne sur un an"), f"{base}?who={username}&day_from={year_ago}"),
            (_("journal des connexions, refus"), f"{base}?kind=refusal"),
        ):
            elapsed, queries = _median(lambda path=path: _get(client, path), repeat=5)
            results.append((label, elapsed))
            results.append((label + _(" — requêtes"), str(queries)))
        transaction.set_rollback(True)
    return results


def _get(client: Client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
