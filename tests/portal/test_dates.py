"""portal.dates: one "N years later" rule in Python and in the database."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db.models import DateField, Value

from portal.dates import AddYears, add_years

CASES = [
    (date(2024, 2, 29), 1, date(2025, 2, 28)),
    (date(2024, 2, 29), 4, date(2028, 2, 29)),
    (date(2024, 2, 29), 5, date(2029, 2, 28)),
    (date(2024, 2, 29), -1, date(2023, 2, 28)),
    (date(2023, 3, 1), 1, date(2024, 3, 1)),
    (date(2023, 12, 31), 5, date(2028, 12, 31)),
]


@pytest.mark.parametrize(("day", "years", "expected"), CASES)
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.django_db
def test_add_years_matches_the_database():
    user = get_user_model().objects.create(username="dates")
    for day, years, expected in CASES:
        computed = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(later=AddYears(Value(day, output_field=DateField()), years))
            .values_list("later", flat=True)
            .get()
        )
        assert computed == expected == add_years(day, years), (day, years)
