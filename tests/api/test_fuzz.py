"""The API fuzzed against its own schema: schemathesis calls a live server on loopback for every operation,
with a valid token of the operation's scope. No server error, and every answer conforms to the schema
(status code, content type, body, headers).

Django's live server (a real HTTP server in a thread, on 127.0.0.1) serves the test database; every
call goes through the network stack, the middleware and the token authentication as in production.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from incidents.models import Incident
from policies.campaigns.models import AcknowledgementRequest, Campaign
from portal.api import services
from portal.api.scopes import SCOPES
from portal.roster.models import Designation
from tests.campaigns.factories import VersionFactory, make_campaign
from tests.incidents.factories import build_incidents
from tests.roster.factories import DesignationFactory, OfficialAccountFactory, acknowledge

pytestmark = pytest.mark.slow

# An HR row that the schema allows (any text per column) may still break a rule of the import (an
# unknown category, a bad email): the push is then refused with its line numbers (400), by design.
EXCLUDED = [st_checks.positive_data_acceptance]


@pytest.fixture
def world(org, settings):
    """A small institution with something behind every endpoint, and a token per scope."""
    settings.API_RATE_PER_MINUTE = 100_000
    version = VersionFactory(policy__number="10974")
    campaign = make_campaign(version, actor=org.user("harry"), status=Campaign.Status.LAUNCHED)
    for profile in (org.alice, org.bob):
        AcknowledgementRequest.objects.create(campaign=campaign, profile=profile, due_on=campaign.due_on)
    acknowledge(org.user("alice"), version)
    account = OfficialAccountFactory(direction=org.dcai)
    DesignationFactory(profile=org.bob, status=Designation.Status.ACTIVE, accounts=[account])
    build_incidents(3, declarer=org.user("alice"))
    build_incidents(2, declarer=org.user("oscar"), level=Incident.Level.CLOSED)
    account_ = services.service_account_create(actor=None, name="Fuzz")
    return {scope: services.token_create(actor=None, account=account_, scopes=[scope]).secret for scope in SCOPES}


OPERATIONS = [
    ("POST", "/api/v1/org/import/"),
    ("GET", "/api/v1/roster/accounts/"),
    ("GET", "/api/v1/roster/changes/"),
    ("GET", "/api/v1/acknowledgements/people/"),
    ("GET", "/api/v1/acknowledgements/directions/"),
    ("GET", "/api/v1/statistics/incidents/"),
]


def _schema(url: str, token: str):
    schema = schemathesis.openapi.from_url(
        f"{url}/api/schema/?format=json", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    schema.config.update(base_url=url)
    return schema


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_conforms_to_the_schema(live_server, world, transactional_db, method, path, mode):
    schema = _schema(live_server.url, next(iter(world.values())))
    operation = schema[path][method]
    token = world[operation.definition.raw["x-scope"]]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def call(case):
        with requests.Session() as session:
            case.call_and_validate(
                session=session,
                headers={"Authorization": f"Bearer {token}"},
                excluded_checks=EXCLUDED,
                timeout=30,
            )

    call()


def test_the_fuzzed_schema_covers_every_operation(live_server, world, transactional_db):
    raw = requests.get(
        f"{live_server.url}/api/schema/?format=json",
        headers={"Authorization": f"Bearer {world['roster:read']}"},
        timeout=30,
    ).json()
    operations = {(m.upper(), p) for p, item in raw["paths"].items() for m in item}
    assert operations == set(OPERATIONS)
    scopes = {item[m]["x-scope"] for item in raw["paths"].values() for m in item}
    assert scopes == set(SCOPES)
