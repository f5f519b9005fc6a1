"""A queue over several levels is read level by level (incidents.selectors.lists.LevelQueue): a person who is
a manager, a direction head and a DCAI officer at once sees exactly the rows of the three single-role people,
in the queue's order, page after page, minus what names them as concerned; and the page costs the same
queries whatever the table holds (docs/rules.md, "Performance")."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.forms.queues import sort_ordering
from incidents.models import Incident
from incidents.selectors.lists import queue_counts, queue_levels, queue_overdue_levels, queue_to_handle
from portal.permissions import direction_delegate_add
from tests.incidents.factories import build_incidents

Level = Incident.Level
QUEUE = "incidents:queue"


def _fill(org, rounds: int = 1) -> None:
    """Incidents of two directions at every level, urgent or not, overdue or not, some naming bob."""
    now = timezone.now()
    for _round in range(rounds):
        for declarer in ("alice", "oscar"):
            for i, level in enumerate((Level.MANAGER, Level.DIRECTION, Level.DCAI, Level.CLOSED)):
                build_incidents(2, declarer=org.user(declarer), level=level, deadline_at=now + timedelta(hours=i))
                build_incidents(1, declarer=org.user(declarer), level=level, urgent=True)
                build_incidents(1, declarer=org.user(declarer), level=level, deadline_at=now - timedelta(hours=i))
        for level in (Level.DIRECTION, Level.DCAI):
            build_incidents(
                1,
                declarer=org.user("alice"),
                level=level,
                concerned_kind=Incident.Concerned.STAFF,
                concerned_staff=org.bob,
            )


def _three_roles(org):
    """bob, alice's manager, also acts for the care direction (carol heads it) and for DCAI (diane's)."""
    direction_delegate_add(user=org.user("bob"), direction=org.care)
    direction_delegate_add(user=org.user("bob"), direction=org.dcai)
    return org.user("bob")


def _pages(queue, size: int) -> list[int]:
    paginator = Paginator(queue, size)
    return [incident.pk for number in paginator.page_range for incident in paginator.page(number).object_list]


@pytest.mark.parametrize("sort", ["", "-reference", "echeance"])
def test_three_roles_see_the_union_of_the_three_single_role_people(org, sort):
    _fill(org, rounds=2)
    singles = {
        pk for name in ("bob", "carol", "diane") for pk in queue_to_handle(org.user(name)).values_list("pk", flat=True)
    }
    concerned = set(Incident.objects.filter(concerned_staff=org.bob).values_list("pk", flat=True))
    assert concerned <= singles
    person = _three_roles(org)
    ordering = sort_ordering(sort) or ["-urgent", "deadline_at", "id"]
    queue = queue_levels(person).map(lambda base: base.order_by(*ordering))
    assert len(queue.scopes) == 3
    expected = list(
        Incident.objects.filter(pk__in=singles - concerned).order_by(*ordering).values_list("pk", flat=True)
    )
    assert queue.count() == len(expected) > 25
    # Page after page, in the queue's order: the pages read level by level give the whole queue.
    assert _pages(queue, 7) == expected == list(queue.whole.values_list("pk", flat=True))
    overdue = queue_overdue_levels(person).map(lambda base: base.order_by(*ordering))
    assert _pages(overdue, 4) == list(overdue.whole.values_list("pk", flat=True))
    assert 0 < overdue.count() < len(expected)
    # The tab counts, each level counted on its own: the same as counting the whole queue at once.
    now = timezone.now()
    assert queue_counts(person, now) == {
        "to_handle": queue.whole.count(),
        "overdue": queue_overdue_levels(person, now).whole.count(),
    }
    assert queue_counts(org.user("diane"), now)["to_handle"] == queue_to_handle(org.user("diane")).count()


def test_three_roles_queue_costs_the_same_queries_at_any_size(org, login):
    _fill(org)
    person = _three_roles(org)
    client = login(person)
    url = reverse(QUEUE, args=["a-traiter"]) + "?page=2"

    def queries() -> tuple[int, str]:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    small, html = queries()
    _fill(org, rounds=4)
    large, html = queries()
    assert small == large <= 12
    # bob never sees what names him, even as DCAI; the rows read level by level are on the page.
    for incident in Incident.objects.filter(concerned_staff=org.bob):
        assert incident.reference not in html
    # The caption's count is the tab's count (read once), the same as counting the queue.
    assert f"{queue_levels(person).whole.count()} incidents</caption>" in html
    filtered = client.get(reverse(QUEUE, args=["a-traiter"]) + "?level=dcai").content.decode()
    at_dcai = queue_levels(person).whole.filter(level=Level.DCAI).count()
    assert 0 < at_dcai < queue_levels(person).whole.count()
    assert f"{at_dcai} incidents</caption>" in filtered
    page_two = _pages(queue_levels(person), 25)[25:50]
    references = dict(Incident.objects.filter(pk__in=page_two).values_list("pk", "reference"))
    positions = [html.index(references[pk]) for pk in page_two]
    assert positions == sorted(positions)
