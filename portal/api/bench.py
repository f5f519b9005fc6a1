"""`manage.py bench` section of the API: every read endpoint at institution scale, page by page.

Runs in the bench database after the other sections (the campaign section leaves its version in force
and its confirmations; the roster's designations are made here). Everything written here is rolled
back. The figures: server time of a page, queries per page on the first and the last page (they must
be equal), a full walk through the people with the cursor, the HR push of the whole institution as a
dry run.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from typing import Any, TextIO

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import StaffProfile
from portal.roles import dcai_officers
from portal.roster.bench import DESIGNATIONS, SEED, _accounts, _designations

from . import services
from .scopes import SCOPES

Rows = list[tuple[str, Any]]
REPEAT = 3


def _call(client: Client, url: str, params: dict | None = None) -> tuple[float, int, dict]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, params or {})
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:200]!r}")
    return elapsed, len(queries), response.json()


def _page(client: Client, url: str, params: dict | None = None) -> str:
    _call(client, url, params)  # warm: the token's "last used" time, compiled code
    timings, counts = [], set()
    for _i in range(REPEAT):
        elapsed, count, _body = _call(client, url, params)
        timings.append(elapsed)
        counts.add(count)
    return _("%(ms)s ms, %(q)s requêtes") % {
        "ms": f"{statistics.median(timings) * 1000:.0f}",
        "q": "/".join(str(c) for c in sorted(counts)),
    }


def _walk(client: Client, url: str, params: dict) -> str:
    """Every page through the cursor: pages, rows, total time, queries per page (min–max)."""
    started = time.perf_counter()
    pages, rows, counts = 0, 0, []
    next_url, next_params = url, params
    while next_url:
        _elapsed, count, body = _call(client, next_url, next_params)
        pages += 1
        rows += len(body["results"])
        counts.append(count)
        next_url, next_params = body["next"], None
    return _("%(rows)s lignes en %(pages)s pages, %(s)s s, %(qmin)s–%(qmax)s requêtes par page") % {
        "rows": rows,
        "pages": pages,
        "s": f"{time.perf_counter() - started:.2f}",
        "qmin": min(counts),
        "qmax": max(counts),
    }


def _hr_rows() -> list[dict[str, str]]:
    """The whole institution as the HR system would push it (JSON rows)."""
    profiles = StaffProfile.objects.filter(is_active=True).select_related("user", "direction", "manager")
    return [
        {
            "employee_number": p.employee_number,
            "first_name": p.user.first_name,
            "last_name": p.user.last_name,
            "email": p.user.email,
            "direction_code": p.direction.code,
            "direction_name_fr": p.direction.name_fr,
            "direction_name_en": p.direction.name_en,
            "direction_role": p.direction.role,
            "manager_employee_number": p.manager.employee_number if p.manager else "",
            "category": p.category,
            "language": p.language,
            "start_date": p.start_date.isoformat() if p.start_date else "",
        }
        for p in profiles.iterator(chunk_size=2000)
    ]


@override_settings(API_RATE_PER_MINUTE=1_000_000)
def api(out: TextIO) -> Rows:
    officer = dcai_officers().first()
    if officer is None:
        raise RuntimeError("the bench institution has no DCAI direction")
    staff = StaffProfile.objects.filter(is_active=True).count()
    results: Rows = []
    with transaction.atomic():
        _designations(DESIGNATIONS, _accounts(officer.profile.direction_id), random.Random(SEED))
        account = services.service_account_create(actor=None, name="Banc d'essai")
        text = services.token_create(actor=None, account=account, scopes=list(SCOPES)).secret
        client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
        n = f"{staff:,}".replace(",", " ")
        people = "/api/v1/acknowledgements/people/"
        results += [
            (_("prises de connaissance par personne, p. 1 (200 lignes, %(n)s intervenants)") % {"n": n},
             _page(client, people)),
            (_("prises de connaissance par personne, en retard, p. 1"), _page(client, people, {"status": "overdue"})),
            (_("prises de connaissance, parcours complet (1000 par page)"), _walk(client, people, {"page_size": 1000})),
            (_("prises de connaissance par direction"), _page(client, "/api/v1/acknowledgements/directions/")),
            (_("comptes officiels et utilisateurs autorisés en fonction"), _page(client, "/api/v1/roster/accounts/")),
        ]
        year_ago = (timezone.now() - datetime.timedelta(days=366)).isoformat()
        results.append(
            (
                _("changements du registre depuis un an, parcours complet (200 par page)"),
                _walk(client, "/api/v1/roster/changes/", {"since": year_ago}),
            )
        )
        results.append(
            (_("statistiques d'incidents, 12 derniers mois"), _page(client, "/api/v1/statistics/incidents/"))
        )
        rows = _hr_rows()
        started = time.perf_counter()
        response = client.post(
            "/api/v1/org/import/", {"rows": rows, "dry_run": True}, content_type="application/json"
        )
        if response.status_code != 200:
            raise RuntimeError(f"org push answered {response.status_code}: {response.content[:300]!r}")
        results.append(
            (
                _("poussée RH JSON de %(n)s lignes, simulation") % {"n": len(rows)},
                f"{time.perf_counter() - started:.2f} s",
            )
        )
        transaction.set_rollback(True)
    return results
