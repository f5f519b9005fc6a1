"""A designation form sent twice is one designation (portal.submissions, docs/rules.md)."""

from portal.roster.models import Designation

from .test_views import post_form, url


def test_a_designation_sent_twice_is_one_designation(org, login, accounts):
    client = login(org.user("carol"))
    data = post_form(profile=org.alice.employee_number, accounts=[accounts["facebook"].pk], submission_key="d" * 32)
    first = client.post(url("designation_create"), data)
    second = client.post(url("designation_create"), data)
    designation = Designation.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == designation.get_absolute_url()
