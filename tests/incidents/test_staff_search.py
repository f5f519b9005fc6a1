"""Suggestions for "Intervenant concerné" (§7.7): active staff only, name and direction only, one query."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from incidents.forms import DeclarationForm, find_staff, staff_choice_value
from incidents.models import Incident
from portal.people.search import staff_suggestions
from tests.factories import StaffProfileFactory, UserFactory
from tests.security.cache import fresh_cache_namespace  # noqa: F401 - fixture

# The per-person search counters (portal.people.search) start from zero in each test.
pytestmark = pytest.mark.usefixtures("fresh_cache_namespace")

SEARCH = reverse("incidents:staff_search")
OPTION = re.compile(r'<option value="([^"]*)">([^<]*)</option>')


def search(client, text):
    response = client.get(SEARCH, {"concerned_staff_name": text}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response


def options(response) -> list[tuple[str, str]]:
    return [(html.unescape(v), html.unescape(label)) for v, label in OPTION.findall(response.content.decode())]


def declaration(**extra):
    return {
        "description": "Publication moqueuse",
        "platform": "x",
        "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "category": "other",
        "still_online": "no",
        "concerned_kind": "staff",
        "route_choice": "normal",
        **extra,
    }


# --- The suggestions ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(SEARCH, {"concerned_staff_name": "Oscar"})
    assert response.status_code == 302 and response["Location"].startswith("/comptes/connexion/")


def test_suggestions_show_name_and_direction_only(org, login):
    response = search(login(org.user("alice")), "osc")
    page = response.content.decode()
    assert options(response) == [
        (f"Oscar Test (DST #{org.oscar.pk})", "Oscar Test — Direction des services techniques")
    ]
    assert org.oscar.employee_number not in page
    assert org.user("oscar").email not in page and "@" not in page
    assert 'id="concerned-staff-options"' in page
    assert "1 intervenant proposé" in page and 'hx-swap-oob="innerHTML"' in page
    assert response["Cache-Control"] == "private, no-store"
    assert "style=" not in page and "<script" not in page


def test_every_word_must_match_first_or_last_name(org, login):
    client = login(org.user("alice"))
    assert [label for _, label in options(search(client, "test  OSC"))] == [
        "Oscar Test — Direction des services techniques"
    ]
    assert options(search(client, "oscar dora")) == []


def test_fewer_than_three_characters_suggest_nothing_and_cost_no_query(org, login):
    client = login(org.user("alice"))
    for text in ("", "o", "  o  ", "os", " o s "):
        response = search(client, text)
        assert options(response) == []
        assert "proposé" not in response.content.decode() and "Aucun" not in response.content.decode()
    with CaptureQueriesContext(connection) as ctx:
        assert staff_suggestions(text="os") == []
    assert len(ctx.captured_queries) == 0


def test_no_match_says_so(org, login):
    response = search(login(org.user("alice")), "Zzyzx")
    assert options(response) == []
    assert "Aucun intervenant actif ne correspond" in response.content.decode()


def test_inactive_staff_never_appear(org, login):
    gone = StaffProfileFactory(direction=org.care, user=UserFactory(first_name="Oscarine", last_name="Partie"))
    gone.is_active = False
    gone.save()
    locked = StaffProfileFactory(direction=org.care, user=UserFactory(first_name="Oscarette", last_name="Bloquée"))
    locked.user.is_active = False
    locked.user.save()
    client = login(org.user("alice"))
    assert [label for _, label in options(search(client, "osca"))] == [
        "Oscar Test — Direction des services techniques"
    ]
    # Not even by their exact employee number.
    for profile in (gone, locked):
        response = search(client, profile.employee_number)
        assert options(response) == []
        assert profile.user.last_name not in response.content.decode()


def test_a_bare_employee_number_answers_like_a_miss(org, login):
    client = login(org.user("alice"))
    number = org.oscar.employee_number
    miss = search(client, "Zzyzx").content
    for text in (number, number.lower(), number[:-1], f"oscar {number}", f"test {number}"):
        response = search(client, text)
        assert options(response) == [] and response.content == miss
    assert number not in miss.decode()


def test_a_number_with_the_full_name_finds_that_person_without_showing_the_number(org, login):
    client = login(org.user("alice"))
    number = org.oscar.employee_number
    for text in (f"Oscar Test {number}", f"{number} test oscar"):
        [(value, label)] = options(search(client, text))
        assert value == staff_choice_value(org.oscar)
        assert label == "Oscar Test — Direction des services techniques" and number not in label
    assert options(search(client, f"Oscar Test {org.olga.employee_number}")) == []


def test_the_declarer_is_not_suggested(org, login):
    assert options(search(login(org.user("alice")), "alice")) == []
    assert [v for v, _ in options(search(login(org.user("bob")), "alice"))] == [staff_choice_value(org.alice)]


def test_direction_name_and_status_follow_the_language(org, login, settings):
    client = login(org.user("alice"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = search(client, "oscar")
    assert options(response) == [(f"Oscar Test (DST #{org.oscar.pk})", "Oscar Test — DST Department")]
    assert "1 staff member suggested" in response.content.decode()


def test_names_are_escaped(org, login):
    StaffProfileFactory(direction=org.care, user=UserFactory(first_name='<b>"Zo', last_name="Test&Co"))
    page = search(login(org.user("alice")), "test&co").content.decode()
    assert "<b>" not in page and "&lt;b&gt;&quot;Zo Test&amp;Co" in page


def test_search_is_read_only(org, login):
    assert login(org.user("alice")).post(SEARCH, {"concerned_staff_name": "oscar"}).status_code == 405


def _many(org, n):
    for _ in range(n):
        StaffProfileFactory(direction=org.tech, user=UserFactory(last_name="Tremblay"))


def _count(client, text):
    with CaptureQueriesContext(connection) as ctx:
        response = search(client, text)
    return len(ctx.captured_queries), options(response)


def test_at_most_ten_suggestions_in_one_query_whatever_the_staff(org, login, django_assert_num_queries):
    client = login(org.user("alice"))
    _many(org, 3)
    few, found = _count(client, "tremb")
    assert len(found) == 3
    _many(org, 60)
    many, found = _count(client, "tremb")
    assert len(found) == 10
    assert many == few
    # The selector itself: one query, 10 rows, sorted by name.
    with django_assert_num_queries(1):
        profiles = staff_suggestions(text="tremblay")
        labels = [(p.full_name, p.direction.name) for p in profiles]
    assert len(labels) == 10 and [p.user.last_name for p in profiles] == ["Tremblay"] * 10
    # The whole request: what every page costs (session, user, language), plus that one query.
    baseline, found = _count(client, "t")
    assert found == [] and many == baseline + 1


def test_homonyms_are_told_apart_by_full_name_and_number(org, login):
    twins = [
        StaffProfileFactory(
            direction=org.tech, employee_number=f"ROY{n}", user=UserFactory(first_name="Jean", last_name="Roy")
        )
        for n in (1, 2)
    ]
    client = login(org.user("alice"))
    assert len(options(search(client, "jean roy"))) == 2
    [(value, label)] = options(search(client, "Jean Roy roy2"))
    assert value == staff_choice_value(twins[1]) and "ROY2" not in label


# --- The declaration page and the form ----------------------------------------------------------------


def test_declare_page_wires_the_field_without_inline_script(org, login):
    page = login(org.user("alice")).get(reverse("incidents:declare")).content.decode()
    field = re.search(r"<input[^>]*name=\"concerned_staff_name\"[^>]*>", page).group(0)
    assert 'list="concerned-staff-options"' in field
    assert f'hx-get="{SEARCH}"' in field
    assert 'hx-trigger="input changed delay:300ms"' in field
    assert 'autocomplete="off"' in field
    assert '<datalist id="concerned-staff-options">' in page
    assert 'id="concerned-staff-options-status"' in page and 'role="status"' in page
    assert "hx-swap-oob" not in page
    assert "style=" not in page and "<script>" not in page


def test_picked_value_declares_against_that_person(org, login):
    client = login(org.user("alice"))
    [(value, _label)] = options(search(client, "oscar"))
    response = client.post(reverse("incidents:declare"), declaration(concerned_staff_name=value))
    assert response.status_code == 302
    assert Incident.objects.get().concerned_staff == org.oscar


def test_homonyms_in_one_direction_are_told_apart_by_the_pick(org, login):
    twins = [
        StaffProfileFactory(direction=org.tech, user=UserFactory(first_name="Jean", last_name="Roy"))
        for _ in range(2)
    ]
    client = login(org.user("alice"))
    values = [v for v, _ in options(search(client, "jean roy"))]
    assert values == [staff_choice_value(p) for p in twins]
    assert len(set(values)) == 2
    # Typed by name, the form asks for the employee number; picked, it names the right person.
    response = client.post(reverse("incidents:declare"), declaration(concerned_staff_name="Jean Roy"))
    assert response.status_code == 400 and "Plusieurs intervenants" in response.content.decode()
    response = client.post(reverse("incidents:declare"), declaration(concerned_staff_name=values[1]))
    assert response.status_code == 302
    assert Incident.objects.get().concerned_staff == twins[1]


def test_typed_name_and_employee_number_still_work_without_javascript(org):
    assert find_staff("oscar test") == org.oscar
    assert find_staff(org.oscar.employee_number) == org.oscar


@pytest.mark.parametrize(
    "forge",
    [
        lambda org, gone: f"Oscar Test (DST #{org.bob.pk})",  # someone else's id
        lambda org, gone: f"Oscar Test (DSP #{org.oscar.pk})",  # wrong direction
        lambda org, gone: "Oscar Test (DST #999999)",  # nobody
        lambda org, gone: f"{gone.full_name} ({gone.direction.code} #{gone.pk})",  # left the institution
        lambda org, gone: f"Oscar Test (DST #{'9' * 10})",
    ],
    ids=["other-id", "other-direction", "unknown-id", "inactive", "huge-id"],
)
def test_forged_pick_is_a_clear_form_error_and_nothing_is_declared(org, login, forge):
    gone = StaffProfileFactory(direction=org.tech, user=UserFactory(first_name="Gaston", last_name="Parti"))
    gone.is_active = False
    gone.save()
    value = forge(org, gone)
    response = login(org.user("alice")).post(reverse("incidents:declare"), declaration(concerned_staff_name=value))
    assert response.status_code == 400
    errors = response.context["form"].errors["concerned_staff_name"]
    assert errors == [
        f"« {value} » ne correspond à aucun intervenant actif : choisissez de nouveau dans la liste, "
        "ou indiquez le nom complet ou le matricule."
    ]
    assert not Incident.objects.exists()


def test_picking_oneself_is_refused(org):
    form = DeclarationForm(declaration(concerned_staff_name=staff_choice_value(org.alice)), user=org.user("alice"))
    assert not form.is_valid()
    assert "Vous ne pouvez pas vous nommer" in str(form.errors["concerned_staff_name"])


def test_picked_value_resolves_in_either_language(org):
    value = staff_choice_value(org.oscar)
    with override("en"):
        assert find_staff(value) == org.oscar
