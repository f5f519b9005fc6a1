"""Date checks shared by the forms, the services and the import."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from policies.dates import VersionDates, date_problems, probable_correction, validate_version_dates

D = dt.date


def test_consistent_dates_pass():
    dates = VersionDates(
        issued_on=D(2017, 1, 21),
        revised_on=D(2018, 3, 12),
        approved_on=D(2018, 5, 25),
        signed_on=D(2018, 7, 5),
        effective_on=D(2018, 7, 5),
        next_review_on=D(2021, 7, 5),
    )
    assert date_problems(dates) == {}
    validate_version_dates(dates)


def test_approval_before_revision_is_refused():
    problems = date_problems(VersionDates(revised_on=D(2018, 3, 12), approved_on=D(2018, 1, 1)))
    assert "approved_on" in problems
    assert "précède la date de révision" in problems["approved_on"]


def test_approval_before_issue_is_refused_when_there_is_no_revision():
    problems = date_problems(VersionDates(issued_on=D(2018, 3, 12), approved_on=D(2017, 1, 1)))
    assert "précède la date d'émission" in problems["approved_on"]


def test_revision_before_issue_is_refused():
    assert "revised_on" in date_problems(VersionDates(issued_on=D(2018, 1, 1), revised_on=D(2017, 1, 1)))


def test_date_far_from_the_others_is_refused():
    dates = VersionDates(issued_on=D(2017, 1, 21), revised_on=D(2018, 3, 12), approved_on=D(2108, 5, 25))
    problems = date_problems(dates)
    assert "plus de 5 ans" in problems["approved_on"]
    with pytest.raises(ValidationError) as exc:
        validate_version_dates(dates)
    assert "approved_on" in exc.value.error_dict


def test_old_first_issue_of_a_revised_policy_is_accepted():
    dates = VersionDates(issued_on=D(2005, 1, 1), revised_on=D(2018, 3, 12), approved_on=D(2018, 5, 25))
    assert date_problems(dates) == {}


def test_effective_before_approval_is_refused():
    dates = VersionDates(revised_on=D(2018, 3, 12), approved_on=D(2018, 5, 25), effective_on=D(2018, 4, 1))
    assert "effective_on" in date_problems(dates)


def test_probable_correction_of_a_swapped_year():
    dates = VersionDates(
        issued_on=D(2017, 1, 21),
        revised_on=D(2018, 3, 12),
        approved_on=D(2108, 5, 25),
        signed_on=D(2018, 7, 5),
    )
    assert probable_correction(dates, "approved_on") == D(2018, 5, 25)


def test_no_correction_when_no_swap_fits():
    dates = VersionDates(revised_on=D(2018, 3, 12), approved_on=D(2050, 5, 25))
    assert probable_correction(dates, "approved_on") is None
