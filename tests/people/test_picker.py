"""The person picker (portal.people) wherever a person is chosen: a share (§7.3), a designation (§7.4), a
consent (§6.1), a declaration (§7.7). Each picker resolves a name, a picked suggestion and an employee
number; an ambiguous name, a forged pick and a person outside the allowed set are refused with a message;
the suggestion endpoint answers signed-in staff allowed to use the picker only."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.forms import ShareForm
from incidents.models import Event
from portal.people.resolve import person_choice_value
from portal.roster.forms import DesignationForm
from portal.roster.models import Designation
from publishing.forms import ConsentRecordForm
from tests.factories import StaffProfileFactory, UserFactory
from tests.incidents.factories import declare
from tests.publishing.conftest import accounts  # noqa: F401 - fixture
from tests.security.cache import fresh_cache_namespace  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("fresh_cache_namespace")

SUGGEST = reverse("people:suggestions")
OPTION = re.compile(r'<option value="([^"]*)">([^<]*)</option>')


def suggest(client, scope, text, field="person"):
    return client.get(SUGGEST, {"scope": scope, "field": field, "list": "x-options", field: text})


def options(response) -> list[tuple[str, str]]:
    return [(html.unescape(v), html.unescape(label)) for v, label in OPTION.findall(response.content.decode())]


def three_ways(profile) -> list[str]:
    """A full name typed, a picked suggestion, an employee number."""
    return [
        f"{profile.user.first_name} {profile.user.last_name}",
        person_choice_value(profile),
        profile.employee_number,
    ]


@pytest.fixture
def twins(org):
    return [
        StaffProfileFactory(direction=org.care, user=UserFactory(first_name="Jean", last_name="Roy")) for _ in range(2)
    ]


# --- The endpoint: who may ask, what they see ------------------------------------------------------------


def test_an_anonymous_request_is_refused(client, db):
    for scope in ("incidents.concerned", "incidents.share", "roster.designation", "publishing.consent"):
        response = suggest(client, scope, "oscar")
        assert response.status_code == 302 and response["Location"].startswith("/comptes/connexion/")


def test_a_signed_in_account_without_a_staff_profile_gets_404(org, login):
    client = login(UserFactory(username="robot"))
    assert suggest(client, "incidents.concerned", "oscar").status_code == 404


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        ("alice", "incidents.share"),  # only DCAI shares
        ("oscar", "roster.designation"),  # leads no direction
        ("alice", "publishing.consent"),  # runs no account
        ("alice", "nothing.here"),
        ("alice", ""),
    ],
)
def test_a_picker_one_may_not_use_answers_404(org, login, name, scope):
    assert suggest(login(org.user(name)), scope, "oscar").status_code == 404


def test_a_forged_list_id_or_field_name_is_404(org, login):
    client = login(org.user("diane"))
    response = client.get(SUGGEST, {"scope": "incidents.share", "list": '"><script>', "q": "oscar"})
    assert response.status_code == 404


def test_designation_suggestions_are_the_directions_staff_with_their_number(org, login):
    response = suggest(login(org.user("carol")), "roster.designation", "test")
    found = options(response)
    assert [value for value, _ in found] == [person_choice_value(p) for p in (org.alice, org.bob, org.carol)]
    assert (person_choice_value(org.alice), f"Alice Test ({org.alice.employee_number}) — {org.care.name}") in found
    assert org.oscar.employee_number not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    # The number itself finds the person for whom numbers are visible, within the direction only.
    assert [
        v for v, _ in options(suggest(login(org.user("carol")), "roster.designation", org.alice.employee_number))
    ] == [person_choice_value(org.alice)]
    assert options(suggest(login(org.user("carol")), "roster.designation", org.oscar.employee_number)) == []


def test_share_suggestions_show_dcai_the_number_and_ordinary_pickers_never(org, login, accounts):  # noqa: F811
    shared = options(suggest(login(org.user("diane")), "incidents.share", "oscar"))
    assert shared == [(person_choice_value(org.oscar), f"Oscar Test ({org.oscar.employee_number}) — {org.tech.name}")]
    consent = suggest(login(org.user("bob")), "publishing.consent", "oscar", field="staff")
    assert options(consent) == [(person_choice_value(org.oscar), f"Oscar Test — {org.tech.name}")]
    assert org.oscar.employee_number not in consent.content.decode()
    assert options(suggest(login(org.user("bob")), "publishing.consent", org.oscar.employee_number)) == []


def test_at_most_ten_suggestions(org, login):
    for _ in range(14):
        StaffProfileFactory(direction=org.care, user=UserFactory(last_name="Tremblay"))
    assert len(options(suggest(login(org.user("carol")), "roster.designation", "tremblay"))) == 10


def test_searches_of_every_picker_share_one_rate_limit(org, login, settings):
    settings.STAFF_SEARCH_RATE_PER_MINUTE = 2
    client = login(org.user("diane"))
    assert options(suggest(client, "incidents.share", "oscar"))
    assert options(suggest(client, "incidents.concerned", "oscar"))
    throttled = client.get(SUGGEST, {"scope": "incidents.share", "q": "oscar"}, headers={"HX-Request": "true"})
    assert throttled.status_code == 200 and options(throttled) == []
    assert "Trop de recherches" in throttled.content.decode()


# --- Sharing an incident (§7.3) -----------------------------------------------------------------------------


@pytest.mark.parametrize("way", [0, 1, 2], ids=["name", "suggestion", "number"])
def test_share_resolves_each_way_and_says_with_whom(org, login, way):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    response = login(org.user("diane")).post(
        reverse("incidents:share", args=[incident.pk]), {"person": three_ways(org.oscar)[way]}
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["L'incident est partagé avec Oscar Test."]
    assert Event.objects.filter(incident=incident, kind=Event.Kind.SHARED).count() == 1


def test_share_with_an_ambiguous_name_is_refused_and_nothing_is_shared(org, login, twins):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    response = login(org.user("diane")).post(reverse("incidents:share", args=[incident.pk]), {"person": "Jean Roy"})
    assert "Plusieurs intervenants correspondent" in response.content.decode()
    assert not Event.objects.filter(incident=incident, kind=Event.Kind.SHARED).exists()
    form = ShareForm({"person": person_choice_value(twins[1])}, user=org.user("diane"))
    assert form.is_valid() and form.cleaned_data["person"] == twins[1].user


def test_the_share_form_wires_the_picker(org, login):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    page = login(org.user("diane")).get(incident.get_absolute_url()).content.decode()
    field = re.search(r'<input[^>]*name="person"[^>]*>', page).group(0)
    assert 'list="person-options"' in field and "scope=incidents.share" in field and 'autocomplete="off"' in field
    assert '<datalist id="person-options">' in page and 'id="person-options-status"' in page


# --- Designating an authorized user (§7.4) --------------------------------------------------------------


def _designation_errors(user, text):
    form = DesignationForm({"profile": text}, user=user)
    form.is_valid()
    return form.errors.get("profile"), form.cleaned_data.get("profile")


@pytest.mark.parametrize("way", [0, 1, 2], ids=["name", "suggestion", "number"])
def test_designation_resolves_each_way(org, way):
    errors, profile = _designation_errors(org.user("carol"), three_ways(org.alice)[way])
    assert errors is None and profile == org.alice


@pytest.mark.parametrize("way", [0, 1, 2], ids=["name", "suggestion", "number"])
def test_a_person_of_another_direction_is_refused_with_a_message(org, way):
    errors, _profile = _designation_errors(org.user("carol"), three_ways(org.oscar)[way])
    assert errors == [
        "Oscar Test ne fait pas partie d'une direction pour laquelle vous désignez : une direction désigne "
        "ses propres intervenants (section 7.4)."
    ]


def test_designation_of_an_outsider_through_the_page_creates_nothing(org, login):
    response = login(org.user("carol")).post(
        reverse("roster:designation_create"),
        {"profile": org.oscar.employee_number, "role": "publisher", "justification": "x"},
    )
    assert response.status_code == 200
    assert "ne fait pas partie d&#x27;une direction pour laquelle vous désignez" in response.content.decode()
    assert not Designation.objects.exists()


def test_designation_ambiguous_name_and_forged_pick_are_clear_errors(org, twins):
    errors, _ = _designation_errors(org.user("carol"), "Jean Roy")
    assert errors == ["Plusieurs intervenants correspondent : indiquez le matricule."]
    forged = f"Alice Test (DST #{org.alice.pk})"
    errors, _ = _designation_errors(org.user("carol"), forged)
    assert errors and "ne correspond à aucun intervenant actif" in errors[0]


def test_the_designation_form_offers_no_list_of_the_direction(org, login):
    page = login(org.user("carol")).get(reverse("roster:designation_create")).content.decode()
    assert "<select" not in re.search(r'<div[^>]*id="div_id_profile".*?</div>', page, re.S).group(0)
    assert org.alice.employee_number not in page
    assert "scope=roster.designation" in page and '<datalist id="profile-options">' in page


# --- Consents for publication (§6.1) ---------------------------------------------------------------------


def _consent(user, **data):
    form = ConsentRecordForm({"person_kind": "staff", **data}, accounts=None, user=user)
    form.is_valid()
    return form


@pytest.mark.parametrize("way", [0, 1, 2], ids=["name", "suggestion", "number"])
def test_consent_resolves_the_intervenant_and_the_collector_each_way(org, accounts, way):  # noqa: F811
    form = _consent(org.user("bob"), staff=three_ways(org.alice)[way], collected_by=three_ways(org.carol)[way])
    assert "staff" not in form.errors and "collected_by" not in form.errors
    assert form.cleaned_data["staff_profile"] == org.alice
    assert form.cleaned_data["collector"] == org.carol.user


def test_consent_ambiguous_and_unknown_names_are_clear_errors(org, accounts, twins):  # noqa: F811
    form = _consent(org.user("bob"), staff="Jean Roy", collected_by="Personne Inconnue")
    assert form.errors["staff"] == ["Plusieurs intervenants correspondent : indiquez le matricule."]
    assert form.errors["collected_by"] == ["Aucun intervenant actif ne correspond à « Personne Inconnue »."]
    assert _consent(org.user("bob"), staff="").errors["staff"] == [
        "Nommez l'intervenant montré ou nommé (nom complet ou matricule)."
    ]


def test_the_consent_form_wires_both_pickers(org, accounts, login):  # noqa: F811
    page = login(org.user("bob")).get(reverse("publishing:consent_create")).content.decode()
    assert '<datalist id="staff-options">' in page and '<datalist id="collected-by-options">' in page
    assert page.count("scope=publishing.consent") == 2


# --- The declaration keeps its own address and wording -----------------------------------------------------


def test_the_declaration_picker_is_the_same_endpoint_at_its_address(org, login):
    client = login(org.user("alice"))
    legacy = client.get(reverse("incidents:staff_search"), {"concerned_staff_name": "oscar"})
    shared = client.get(
        SUGGEST,
        {
            "scope": "incidents.concerned",
            "field": "concerned_staff_name",
            "list": "concerned-staff-options",
            "concerned_staff_name": "oscar",
        },
    )
    assert legacy.content == shared.content and options(legacy)
    assert options(suggest(client, "incidents.concerned", "alice")) == []  # never oneself


def test_a_scoped_search_costs_one_query_whatever_the_staff(org, login):
    client = login(org.user("carol"))

    def cost(text):
        with CaptureQueriesContext(connection) as ctx:
            response = suggest(client, "roster.designation", text)
        return len(ctx.captured_queries), options(response)

    baseline, found = cost("t")  # too short: the scope is checked, nothing is searched
    assert found == []
    for _ in range(3):
        StaffProfileFactory(direction=org.care, user=UserFactory(last_name="Tremblay"))
    few, found = cost("tremb")
    assert len(found) == 3
    for _ in range(40):
        StaffProfileFactory(direction=org.care, user=UserFactory(last_name="Tremblay"))
    many, found = cost("tremb")
    assert len(found) == 10 and many == few == baseline + 1
