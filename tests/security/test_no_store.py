"""No page of the portal is kept by a browser or a proxy: `Cache-Control: no-store, private` everywhere.

The URL conf is walked as in the outsider walk, with real ids (an incident with evidence, a register
entry, a designation, a campaign…), as a DCAI officer who sees most of them and as an employee.
"""

from __future__ import annotations

from django.urls import get_resolver, reverse

from incidents.models import Evidence, Incident, RegisterEntry

from .test_outsider_walk import PARAMETER, _path, _samples, _walk, _world

ALL_ROUTES = sorted({(ns, name, route) for ns, name, route in _walk(get_resolver().url_patterns)}, key=lambda r: r[2])


def _paths(world) -> list[str]:
    paths = []
    for namespace, name, route in ALL_ROUTES:
        wanted = {m.group(2) for m in PARAMETER.finditer(route)}
        samples = _samples(world, namespace, name) or {}
        if wanted <= set(samples):
            paths.append(_path(route, samples))
    return paths


def _never_stored(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_every_page_is_never_stored(org, login):
    world = _world(org)
    paths = _paths(world)
    assert len(paths) > 60
    stored, pages = [], 0
    for user in (org.user("diane"), org.user("alice")):
        client = login(user)
        client.raise_request_exception = False  # a page that fails answers 500: that answer is checked too
        for path in paths:
            response = client.get(path)
            pages += response.status_code == 200
            if not _never_stored(response):
                stored.append(f"{user.username} GET {path} {response.status_code}: {response.get('Cache-Control')}")
    assert pages > 30
    assert not stored, "\n".join(stored)


def test_incident_register_staff_and_evidence_pages_are_never_stored(org, login):
    world = _world(org)
    incident = Incident.objects.get()
    evidence = Evidence.objects.get()
    entry = RegisterEntry.objects.get()
    client = login(org.user("diane"))
    for url in (
        reverse("incidents:detail", args=[incident.pk]),
        reverse("incidents:evidence", args=[incident.pk, evidence.pk]),
        reverse("incidents:register_detail", args=[entry.pk]),
        reverse("incidents:register_list"),
        reverse("incidents:staff_search") + "?concerned_staff_name=oscar",
        reverse("home"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _never_stored(response), (url, response.get("Cache-Control"))
    assert world


def test_the_sign_in_page_and_errors_are_never_stored(client, db):
    for url in (reverse("login"), "/nulle-part/"):
        assert _never_stored(client.get(url))
