"""`manage.py bench`: a synthetic institution at full scale, and the organisation's section.

The command runs everything below inside a separate bench database (see the command's docstring).
Each section listed in settings.PORTAL_BENCH_SECTIONS is a callable(out) returning rows of
(metric, value); `timed()` helps to measure.
"""

from __future__ import annotations

import csv
import inspect
import io
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from portal.demo import DIRECTIONS, FIRST_NAMES, LAST_NAMES
from portal.models import Direction, StaffProfile
from portal.orgimport import COLUMNS, import_org
from portal.orgimport.apply import unusable_password

Rows = list[tuple[str, Any]]
_CATEGORIES = [c for c in StaffProfile.Category.values]
BATCH = 2000


@dataclass
class Clock:
    seconds: float = 0.0

    def __str__(self) -> str:
        return seconds(self.seconds)


def seconds(value: float) -> str:
    return f"{value:.2f} s"


@contextmanager
def timed() -> Iterator[Clock]:
    """with timed() as clock: …  then str(clock) is "1.23 s"."""
    clock = Clock()
    started = time.perf_counter()
    try:
        yield clock
    finally:
        clock.seconds = time.perf_counter() - started


class SqlClock:
    """Counts the queries of the wrapped block and the time spent inside them."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


@dataclass(frozen=True)
class PageFigures:
    status: int
    median: float  # seconds of server time, median of the warm runs
    queries: int
    sql_share: float  # part of the server time spent in SQL (0–1), over the warm runs
    # Table rows drawn (header rows left out): a list whose page fills up between two sizes draws more rows,
    # which is not the same as reading a larger table.
    rows: int = 0

    def __str__(self) -> str:
        text = _("%(ms).0f ms, %(q)s requêtes, SQL %(share).0f %%, %(rows)s lignes") % {
            "ms": self.median * 1000,
            "q": self.queries,
            "share": self.sql_share * 100,
            "rows": self.rows,
        }
        return text if self.status == 200 else f"{text} (HTTP {self.status})"


def measure_page(client, url: str, repeat: int = 5) -> PageFigures:
    """One page through the test client: a warm-up, then `repeat` timed runs (median, SQL share) and the
    number of queries of one run."""
    from django.db import connection
    from django.utils import translation

    times: list[float] = []
    sql = SqlClock()
    # A page activates its reader's language in this thread: the bench's own lines stay in the bench's.
    with translation.override(translation.get_language()):
        client.get(url)
        for _i in range(repeat):
            run = SqlClock()
            with connection.execute_wrapper(run):
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            sql.count, sql.seconds = run.count, sql.seconds + run.seconds
    body = response.content
    return PageFigures(
        status=response.status_code,
        median=statistics.median(times),
        queries=sql.count,
        sql_share=sql.seconds / sum(times),
        rows=body.count(b"<tr") - body.count(b"<thead"),
    )


def pooled(runs: list[PageFigures]) -> PageFigures:
    """One page's figures from runs taken at different moments (each `measure_page(…, repeat=1)`): the median
    over all of them, the SQL share over their total time, the queries and rows of the last."""
    total = sum(run.median for run in runs)
    return PageFigures(
        status=runs[-1].status,
        median=statistics.median(run.median for run in runs),
        queries=runs[-1].queries,
        sql_share=sum(run.sql_share * run.median for run in runs) / total if total else 0.0,
        rows=runs[-1].rows,
    )


def direction_specs(count: int) -> list[tuple[str, str, str, str]]:
    """`count` directions (at least the three with a special role): code, French name, English name, role."""
    specs = [(code, fr, en, role) for code, fr, en, role, _size, _kind in DIRECTIONS[:count]]
    for i in range(len(specs), max(count, 3)):
        specs.append((f"D{i + 1:02d}", f"Direction {i + 1:02d}", f"Department {i + 1:02d}", "other"))
    return specs


def institution_rows(
    *, staff: int, managers: int, directions: int, prefix: str = "B", seed: int = 10974
) -> list[dict[str, str]]:
    """An HR export of a synthetic institution: one head per direction, `managers` managers under the
    heads, the rest of the `staff` under the managers of their direction."""
    rng = random.Random(seed)
    specs = direction_specs(directions)
    managers = max(0, min(managers, staff - len(specs)))
    rows: list[dict[str, str]] = []

    def add(spec, manager: str, category: str) -> str:
        number = f"{prefix}{len(rows) + 1:06d}"
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        rows.append(
            {
                "employee_number": number,
                "first_name": first,
                "last_name": last,
                "email": f"{number.lower()}@bench.chum.local",
                "direction_code": spec[0],
                "direction_name_fr": spec[1],
                "direction_name_en": spec[2],
                "direction_role": spec[3],
                "manager_employee_number": manager,
                "category": category,
                "language": "en" if rng.random() < 0.12 else "fr",
                "start_date": f"{rng.randint(1990, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            }
        )
        return number

    heads = [add(spec, "", StaffProfile.Category.EMPLOYE) for spec in specs[:staff]]
    team: dict[int, list[str]] = {i: [] for i in range(len(heads))}
    for i in range(managers):
        d = i % len(heads)
        team[d].append(add(specs[d], heads[d], StaffProfile.Category.EMPLOYE))
    while len(rows) < staff:
        d = rng.randrange(len(heads))
        manager = rng.choice(team[d]) if team[d] else heads[d]
        add(specs[d], manager, rng.choice(_CATEGORIES))
    return rows


def rows_to_csv(rows: list[dict[str, str]]) -> bytes:
    """As the HR system exports it: UTF-8 with BOM, semicolons."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def build_institution(
    *, staff: int = 20000, managers: int = 500, directions: int = 30, seed: int = 10974
) -> Rows:
    """Bulk-create the synthetic institution in the (empty) bench database."""
    User = get_user_model()
    rows = institution_rows(staff=staff, managers=managers, directions=directions, seed=seed)
    with timed() as clock, transaction.atomic():
        created = Direction.objects.bulk_create(
            [
                Direction(code=c, name_fr=fr, name_en=en, role=r)
                for c, fr, en, r in direction_specs(directions)
            ]
        )
        direction_ids = {d.code: d.pk for d in created}
        users = []
        for row in rows:
            user = User(
                username=row["employee_number"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                email=row["email"],
            )
            user.password = unusable_password()
            users.append(user)
        user_ids = {u.username: u.pk for u in User.objects.bulk_create(users, batch_size=BATCH)}
        profile_ids: dict[str, int] = {}
        # Heads, then managers, then their staff: each manager exists before their reports.
        head_numbers = {r["employee_number"] for r in rows if not r["manager_employee_number"]}
        levels: list[list[dict[str, str]]] = [[], [], []]
        for row in rows:
            manager = row["manager_employee_number"]
            levels[0 if not manager else 1 if manager in head_numbers else 2].append(row)
        for level in levels:
            profiles = StaffProfile.objects.bulk_create(
                [
                    StaffProfile(
                        user_id=user_ids[r["employee_number"]],
                        employee_number=r["employee_number"],
                        direction_id=direction_ids[r["direction_code"]],
                        manager_id=profile_ids.get(r["manager_employee_number"]),
                        category=r["category"],
                        language=r["language"],
                        start_date=r["start_date"],
                    )
                    for r in level
                ],
                batch_size=BATCH,
            )
            profile_ids.update({p.employee_number: p.pk for p in profiles})
        heads = Direction.objects.in_bulk(field_name="code")
        for row in levels[0]:
            heads[row["direction_code"]].head_id = user_ids[row["employee_number"]]
        Direction.objects.bulk_update(list(heads.values()), ["head"])
    return [
        (_("intervenants"), len(rows)),
        (_("gestionnaires (hors directeurs)"), len({r["manager_employee_number"] for r in levels[2]})),
        (_("directions"), len(heads)),
        (_("construction (bulk_create)"), str(clock)),
    ]


def org_import(out: TextIO) -> Rows:
    """Time import_org on a generated HR export the size of the bench institution.

    The new staff are imported next to the institution (fresh rows: every profile created), the same
    file again (nothing to change), then all of it is rolled back so later sections see the
    institution unchanged. Hooks that run after commit are therefore not part of these figures.
    """
    staff = StaffProfile.objects.count()
    directions = Direction.objects.count()
    managers = StaffProfile.objects.filter(reports__isnull=False).distinct().count()
    data = rows_to_csv(
        institution_rows(
            staff=staff, managers=max(0, managers - directions), directions=directions, prefix="N"
        )
    )
    results: Rows = []
    with transaction.atomic():
        with timed() as fresh:
            first = import_org(data)
        with timed() as rerun:
            second = import_org(data)
        with timed() as dry:
            import_org(data, dry_run=True)
        transaction.set_rollback(True)
    if not first.ok:
        raise RuntimeError("; ".join(f"{e.line}: {e.message}" for e in first.errors[:5]))
    n = f"{staff:,}".replace(",", " ")
    results.append(
        (
            _("%(n)s lignes, nouveaux intervenants (%(c)s créés)") % {"n": n, "c": first.counts["created"]},
            str(fresh),
        )
    )
    results.append(
        (
            _("%(n)s lignes, même fichier relancé (%(c)s modifiés)")
            % {"n": n, "c": second.counts["updated"]},
            str(rerun),
        )
    )
    results.append((_("%(n)s lignes, simulation (--dry-run)") % {"n": n}, str(dry)))
    return results


def run_section(dotted: str, out: TextIO) -> tuple[Rows, bool]:
    """Rows of one section (a dotted path of settings.PORTAL_BENCH_SECTIONS); a failing one reports its error."""
    section: Callable = import_string(dotted)
    try:
        params = inspect.signature(section).parameters
        result = section(out, using="default") if "using" in params else section(out)
    except Exception as exc:  # noqa: BLE001 - one broken section must not hide the others
        return [(_("échec"), f"{type(exc).__name__}: {exc}"[:200])], False
    return list(result or []), True


def format_table(rows: list[tuple[str, str, Any]]) -> str:
    headers = (_("Section"), _("Mesure"), _("Valeur"))
    text_rows = [tuple(str(v) for v in row) for row in rows]
    widths = [max(len(r[i]) for r in (headers, *text_rows)) for i in range(3)]
    line = "  ".join(f"{{:<{w}}}" for w in widths[:2]) + f"  {{:>{widths[2]}}}"
    lines = [line.format(*headers), line.format(*("-" * w for w in widths))]
    lines += [line.format(*r) for r in text_rows]
    return "\n".join(lines)
