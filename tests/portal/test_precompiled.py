"""The roles query is compiled once per connection and answers exactly what the ORM answers."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from portal.permissions import direction_delegate_add
from portal.precompiled import PrecompiledValues
from portal.roles import _ROLES_QUERY, _roles_query, roles_for


def _orm_row(user_pk):
    queryset = _roles_query(user_pk, timezone.localdate())
    row = queryset.first()
    return None if row is None else dict(zip(queryset._fields, row, strict=True))


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "harry", "dora", "diane", "olga"])
def test_same_row_as_the_orm(org, name):
    user = org.user(name)
    direction_delegate_add(user=org.user("bob"), direction=org.care)
    assert _ROLES_QUERY.first(user.pk, timezone.localdate()) == _orm_row(user.pk)


def test_unknown_user_has_no_row(db):
    assert _ROLES_QUERY.first(987_654_321, timezone.localdate()) is None


def test_compiled_once_per_connection(org):
    calls = []
    query = PrecompiledValues("test-once", lambda pk, day: calls.append(pk) or _roles_query(pk, day))
    alice, bob = org.user("alice"), org.user("bob")
    today = timezone.localdate()
    assert query.first(alice.pk, today) == _orm_row(alice.pk)
    assert query.first(bob.pk, today) == _orm_row(bob.pk)
    assert len(calls) == 1
    connections["default"].__dict__["_portal_precompiled"].pop("test-once")  # a new connection
    query.first(alice.pk, today)
    assert len(calls) == 2


def test_a_query_without_the_key_is_refused(db):
    query = PrecompiledValues("no-key", lambda pk, day: get_user_model().objects.filter(pk=1).values_list("pk"))
    with pytest.raises(ValueError):
        query.first(1)


def test_roles_follow_a_change_at_once(org):
    """Only the SQL text is kept: a new delegation shows on the next computation, nothing is cached."""
    user = org.user("alice")
    assert roles_for(user).delegated_direction_ids == frozenset()
    direction_delegate_add(user=user, direction=org.care)
    assert roles_for(org.user("alice")).delegated_direction_ids == {org.care.pk}


def test_the_day_is_a_parameter_of_the_kept_query(org):
    """The official accounts a person runs (§6.3) are read with the roles for the day of the request: a
    designation that starts tomorrow counts tomorrow, on the same connection's kept query."""
    import datetime

    import time_machine

    from portal.roster.models import Designation
    from tests.roster.factories import DesignationFactory, OfficialAccountFactory

    alice = org.user("alice")
    account = OfficialAccountFactory(direction=org.care)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    DesignationFactory(
        profile=alice.profile, start_date=tomorrow, status=Designation.Status.ACTIVE, accounts=[account]
    )

    def runs(user):
        return roles_for(get_user_model().objects.get(pk=user.pk)).run_account_ids  # a new request's user

    assert runs(alice) == frozenset()
    noon = datetime.datetime.combine(tomorrow, datetime.time(12), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(noon, tick=False):
        assert runs(alice) == {account.pk}
        assert runs(org.user("bob")) == frozenset()
