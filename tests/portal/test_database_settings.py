"""PostgreSQL's cost of a page read at random, set on each connection (portal/settings.py, README)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


def _settings_with(**env) -> subprocess.CompletedProcess:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; from django.conf import settings;"
        " print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            **{name: value for name, value in os.environ.items() if name != "PG_RANDOM_PAGE_COST"},
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal",
            **env,
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


def test_each_connection_is_told_the_cost_and_a_wrong_value_is_said():
    assert _settings_with().stdout.strip() == "-c random_page_cost=1.1"
    assert _settings_with(PG_RANDOM_PAGE_COST="").stdout.strip() == ""
    wrong = _settings_with(PG_RANDOM_PAGE_COST="cheap")
    assert wrong.returncode != 0 and "PG_RANDOM_PAGE_COST: a number, not 'cheap'" in wrong.stderr


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_the_connection_uses_it():
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
