"""`manage.py bench` section of the roster: the DCAI roster page over thousands of designations.

Runs inside the bench database (the synthetic institution is already there). Everything written
here is rolled back at the end, so later sections see the institution unchanged.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from typing import TextIO

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import StaffProfile
from portal.roles import dcai_officers

from .models import Designation, DesignationAccount, DesignationEvent, OfficialAccount
from .services import daily_maintenance

DESIGNATIONS = 2000
SEED = 10974
Rows = list[tuple[str, str]]


def _accounts(dcai_id: int) -> list[OfficialAccount]:
    platforms = [p for p in OfficialAccount.Platform.values if p != OfficialAccount.Platform.OTHER]
    return OfficialAccount.objects.bulk_create(
        [
            OfficialAccount(
                platform=p, handle=f"bench-{p}-{i}", url=f"https://example.org/{p}/{i}", direction_id=dcai_id
            )
            for p in platforms
            for i in range(2)
        ]
    )


def _designations(count: int, accounts: list[OfficialAccount], rng: random.Random) -> int:
    today = timezone.localdate()
    staff = list(
        StaffProfile.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "direction_id", "user_id")[: count * 3]
    )
    rng.shuffle(staff)
    statuses = (
        [Designation.Status.ACTIVE] * 6
        + [Designation.Status.PENDING] * 2
        + [
            Designation.Status.EXPIRED,
            Designation.Status.REFUSED,
        ]
    )
    rows = []
    for i in range(count):
        profile_id, direction_id, user_id = staff[i % len(staff)]
        status = rng.choice(statuses)
        start = today - datetime.timedelta(days=rng.randint(0, 330))
        # Some active designations end yesterday: the daily job has work to do.
        end = start + datetime.timedelta(days=rng.randint(1, 365))
        extra = {}
        if status == Designation.Status.REFUSED:
            extra["decision_comment"] = "Banc d'essai"
        rows.append(
            Designation(
                profile_id=profile_id,
                direction_id=direction_id,
                role=rng.choice(Designation.Role.values),
                justification="Banc d'essai",
                start_date=start,
                end_date=end,
                status=status,
                designated_by_id=user_id,
                **extra,
            )
        )
    created = Designation.objects.bulk_create(rows, batch_size=1000)
    DesignationAccount.objects.bulk_create(
        [
            DesignationAccount(designation_id=d.pk, account_id=a.pk)
            for d in created
            for a in rng.sample(accounts, rng.randint(1, 3))
        ],
        batch_size=2000,
    )
    DesignationEvent.objects.bulk_create(
        [
            DesignationEvent(
                designation_id=d.pk,
                action=DesignationEvent.Action.CREATED,
                actor_id=d.designated_by_id,
                to_status=Designation.Status.PENDING,
            )
            for d in created
        ],
        batch_size=2000,
    )
    return len(created)


def _page(client: Client, path: str, repeat: int = 5) -> tuple[str, int]:
    client.get(path)  # templates compiled, roles cached
    timings = []
    queries = 0
    for _i in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        queries = len(ctx.captured_queries)
    return f"{statistics.median(timings) * 1000:.0f} ms", queries


def roster(out: TextIO, using: str = "default") -> Rows:
    """Time the DCAI roster (first page, filtered, last page), its CSV export and the daily job."""
    officer = dcai_officers().first()
    if officer is None:
        raise RuntimeError("the bench institution has no DCAI direction")
    rng = random.Random(SEED)
    results: Rows = []
    with transaction.atomic():
        started = time.perf_counter()
        accounts = _accounts(officer.profile.direction_id)
        created = _designations(DESIGNATIONS, accounts, rng)
        results.append(
            (_("%(n)s désignations créées (bulk)") % {"n": created}, f"{time.perf_counter() - started:.2f} s")
        )
        client = Client()
        client.force_login(officer, backend="portal.accounts.backends.PortalPasswordBackend")
        base = reverse("roster:roster")
        last = (created + 49) // 50
        for label, path in (
            (_("registre DCAI, page 1"), base),
            (
                _("registre DCAI, filtré (actives, Facebook, échéance)"),
                base + "?status=active&platform=facebook&expiring=on",
            ),
            (_("registre DCAI, dernière page"), f"{base}?page={last}"),
        ):
            elapsed, queries = _page(client, path)
            results.append((label, elapsed))
            results.append((label + _(" — requêtes"), str(queries)))
        started = time.perf_counter()
        response = client.get(reverse("roster:export", args=["csv"]))
        if response.status_code != 200:
            raise RuntimeError(f"export answered {response.status_code}")
        results.append(
            (
                _("export CSV du registre (%(n)s lignes)") % {"n": created},
                f"{time.perf_counter() - started:.2f} s",
            )
        )
        started = time.perf_counter()
        counts = daily_maintenance()
        results.append(
            (
                _("tâche quotidienne (%(e)s échues, %(r)s renouvellements demandés)")
                % {"e": counts["expired"], "r": counts["renewal_requested"]},
                f"{time.perf_counter() - started:.2f} s",
            )
        )
        started = time.perf_counter()
        again = daily_maintenance()
        results.append(
            (
                _("tâche quotidienne relancée (%(n)s changements)") % {"n": sum(again.values())},
                f"{time.perf_counter() - started:.2f} s",
            )
        )
        transaction.set_rollback(True)
    return results
