"""`manage.py bench`: the synthetic institution, the organisation section and the command."""

import io
from pathlib import Path

import environ
import pytest
from django.core.management import CommandError, call_command

from portal.bench import BATCH, build_institution, format_table, org_import, run_section
from portal.management.commands.bench import BenchDatabase
from portal.models import Direction, StaffProfile


@pytest.mark.django_db
def test_build_institution_tiny():
    rows = dict(build_institution(staff=60, managers=6, directions=5))
    assert rows["intervenants"] == 60 and rows["directions"] == 5
    assert StaffProfile.objects.count() == 60
    assert set(Direction.objects.exclude(role="other").values_list("code", flat=True)) == {
        "DG",
        "DRH",
        "DCAI",
    }
    assert not Direction.objects.filter(head__isnull=True).exists()
    heads = StaffProfile.objects.filter(manager__isnull=True)
    assert heads.count() == 5
    assert StaffProfile.objects.filter(manager__in=heads).exclude(reports=None).count() == 6
    assert BATCH >= 1000


@pytest.mark.django_db
def test_org_import_section_measures_and_leaves_the_institution_as_it_was(settings):
    settings.PORTAL_ON_STAFF_CREATED = []
    build_institution(staff=40, managers=4, directions=4)
    before = StaffProfile.objects.count()
    rows = org_import(io.StringIO())
    assert len(rows) == 3 and all(value.endswith(" s") for _metric, value in rows)
    assert "(40 créés)" in rows[0][0] and "(0 modifiés)" in rows[1][0]
    assert StaffProfile.objects.count() == before


def test_sections_not_built_yet_or_failing_are_reported():
    with pytest.raises(ImportError):
        run_section("nowhere.bench.section", io.StringIO())
    rows, ok = run_section("tests.portal.test_bench.broken_section", io.StringIO())
    assert not ok and "RuntimeError" in rows[0][1]
    assert run_section("tests.portal.test_bench.section_with_using", io.StringIO()) == (
        [("using", "default")],
        True,
    )


def broken_section(out):
    raise RuntimeError("boom")


def section_with_using(out, using):
    return [("using", using)]


def test_table():
    text = format_table([("a", "one", 1), ("b", "two", "2.00 s")])
    assert text.splitlines()[0].split() == ["Section", "Mesure", "Valeur"]
    assert text.splitlines()[-1].endswith("2.00 s")


@pytest.mark.parametrize(
    "url", ["sqlite:////srv/portal/db.sqlite3", "postgres://postgres@127.0.0.1:5432/portal_bench"]
)
def test_bench_never_uses_the_configured_database(url):
    configured = environ.Env.db_url_config(url)
    with pytest.raises(CommandError, match="refuse"):
        BenchDatabase(url, configured)
    with pytest.raises(CommandError, match="bench"):
        BenchDatabase("postgres://postgres@127.0.0.1:5432/portal")


def test_bench_command_refuses_an_unknown_section():
    with pytest.raises(CommandError, match="nowhere.bench.section"):
        call_command("bench", "--sections", "portal.bench.org_import,nowhere.bench.section", stdout=io.StringIO())


def test_bench_command_runs_tiny_in_its_own_database(tmp_path):
    path = tmp_path / "bench.sqlite3"
    out = io.StringIO()
    call_command(
        "bench",
        "--staff",
        "50",
        "--managers",
        "5",
        "--directions",
        "5",
        "--database-url",
        f"sqlite:///{path}",
        "--sections",
        "portal.bench.org_import",
        stdout=out,
    )
    text = out.getvalue()
    assert "Section" in text and "Mesure" in text and "Valeur" in text
    assert "50 lignes, nouveaux intervenants (50 créés)" in text
    assert not Path(path).exists()  # removed at the end unless --keep


@pytest.mark.django_db
def test_a_measured_page_says_how_many_table_rows_it_drew(org, login):
    from django.urls import reverse

    from portal.bench import measure_page
    from tests.incidents.factories import build_incidents

    build_incidents(3, declarer=org.user("alice"))
    figures = measure_page(login(org.user("alice")), reverse("incidents:mine"), repeat=1)
    assert figures.status == 200 and figures.rows == 3 and figures.queries > 0
    assert str(figures).endswith("3 lignes")


@pytest.mark.django_db
def test_the_queue_section_measures_each_persona_and_the_floor_quietly(org, caplog, settings):
    from incidents.bench import _figures, _people
    from tests.incidents.factories import build_incidents

    settings.DEBUG = True  # as `manage.py bench` runs by default

    build_incidents(2, declarer=org.user("alice"))
    out = io.StringIO()
    with caplog.at_level("WARNING", logger="django.request"):
        figures = _figures(_people(), out)
    floors = {who: f for (who, _url), f in figures.items() if who.startswith("plancher")}
    assert set(floors) == {"plancher, gestionnaire", "plancher, DCAI"}
    # The portal's own "not found" page with its menu (DEBUG off), not Django's debug page and its tables.
    assert all(f.status == 404 and 0 < f.queries <= 3 and f.rows == 0 for f in floors.values())
    assert all(f.status == 200 for (who, _url), f in figures.items() if who not in floors)
    assert "Not Found" not in caplog.text  # the floor's warnings are not part of the measure


def test_runs_taken_at_different_moments_are_pooled():
    from portal.bench import PageFigures, pooled

    runs = [
        PageFigures(200, 0.010, 5, 0.5, 25),
        PageFigures(200, 0.030, 5, 0.2, 25),
        PageFigures(200, 0.012, 5, 0.25, 25),
    ]
    page = pooled(runs)
    assert page.median == 0.012 and page.queries == 5 and page.rows == 25 and page.status == 200
    assert page.sql_share == pytest.approx((0.005 + 0.006 + 0.003) / 0.052)  # SQL time over all the time
