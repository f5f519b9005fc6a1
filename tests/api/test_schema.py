"""The OpenAPI document: valid, in French and English, served to a token or a signed-in person only;
the documentation pages."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

from portal.api.scopes import SCOPES, STATISTICS_READ


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_schema_validates_in_each_language(db, token, api, language):
    response = api(token(STATISTICS_READ)).get("/api/schema/", {"format": "json", "lang": language})
    assert response.status_code == 200
    document = response.json()
    validate(document)
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert {op["x-scope"] for op in operations} == set(SCOPES)
    for op in operations:
        assert {"200", "401", "403", "429"} <= set(op["responses"]), op["operationId"]
        assert op["security"] == [{"jeton": []}]
    assert document["components"]["securitySchemes"]["jeton"]["scheme"] == "bearer"


def test_yaml_by_default_and_drf_spectacular_finds_no_problem(db, token, api, tmp_path):
    response = api(token(STATISTICS_READ)).get("/api/schema/")
    assert response.status_code == 200
    validate(yaml.safe_load(response.content))
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_descriptions_follow_the_language(db, token, api):
    client = api(token(STATISTICS_READ))
    french = client.get("/api/schema/", {"format": "json", "lang": "fr"}).json()
    english = client.get("/api/schema/", {"format": "json", "lang": "en"}).json()
    assert "Portée exigée" in french["paths"]["/api/v1/statistics/incidents/"]["get"]["description"]
    assert french["paths"].keys() == english["paths"].keys()


def test_a_signed_in_person_reads_the_schema_and_the_pages(org, login):
    client = login(org.user("alice"))
    assert client.get("/api/schema/").status_code == 200
    guide = client.get("/api/")
    assert guide.status_code == 200
    text = guide.content.decode()
    for expected in ("/api/v1/org/import/", "roster:read", "Authorization: Bearer", "/api/reference/"):
        assert expected in text
    reference = client.get("/api/reference/")
    assert reference.status_code == 200
    assert b"<script>" not in reference.content and b"<style>" not in reference.content  # CSP: files only
    script = client.get("/api/reference/", {"script": ""})
    assert script.status_code == 200 and b"/api/schema/" in script.content
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
