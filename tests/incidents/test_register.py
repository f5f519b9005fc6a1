"""The confidentiality-incident register (§7.3; R-22.1, r. 1, art. 15 and A-2.1, r. 3.1, art. 7;
docs/rules.md): rules on the eight items, DCAI-only pages, exports, the copy for the Commission, and
constant query counts on the list."""

import csv
import io
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from incidents.forms.register import ITEMS
from incidents.models import Event, Incident, RegisterEntry, RegisterEvent
from incidents.retention import retention_periods
from incidents.selectors import register_entries_visible_to
from incidents.services import IncidentActionError, register_entry_create, register_entry_update
from incidents.services.register import EDITABLE_FIELDS, default_regime, register_initial
from portal.dates import add_years

from .factories import build_incidents, declare

OUTSIDERS = ["alice", "bob", "carol", "harry", "oscar"]
ROOT = Path(__file__).resolve().parents[2]


def values(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "regime": RegisterEntry.Regime.HEALTH,
        "information_description": "Nom et numéro de chambre d'un usager.",
        "information_not_described_reason": "",
        "circumstances": "Photo publiée sur un réseau social par un visiteur.",
        "incident_start": today - timedelta(days=10),
        "incident_end": None,
        "incident_date_approximate": False,
        "incident_date_note": "",
        "learned_start": today - timedelta(days=8),
        "learned_end": None,
        "persons_count": 3,
        "persons_count_approximate": False,
        "persons_in_quebec": 3,
        "risk_sensitivity": "Renseignements de santé : très sensibles.",
        "risk_malicious_uses": "Atteinte à la réputation.",
        "risk_consequences": "Détresse des personnes.",
        "risk_likelihood": "Faible : retiré en une heure.",
        "serious_injury_risk": False,
        "risk_conclusion_reason": "Diffusion très limitée.",
        "minister_notified_on": None,
        "cai_notified_on": None,
        "persons_notified_on": None,
        "notices_pending_reason": "",
        "public_notice": False,
        "public_notice_reason": "",
        "measures": "Retrait demandé à la plateforme ; rappel de la politique.",
    }
    data.update(overrides)
    return data


def patient_incident(org, **overrides) -> Incident:
    data = {"category": Incident.Category.PATIENT_INFO, "patient_info_exposed": True}
    data.update(overrides)
    return declare(org.user("alice"), **data)


@pytest.fixture
def entry(org) -> RegisterEntry:
    return register_entry_create(incident=patient_incident(org), actor=org.user("diane"), values=values())


# --- Rules ---------------------------------------------------------------------------------------


def test_form_items_cover_every_field():
    assert sorted(f for _n, _t, fields in ITEMS for f in fields) == sorted(EDITABLE_FIELDS)
    assert [n for n, _t, _f in ITEMS if n] == [str(i) for i in range(1, 9)]


def test_default_regime_from_the_incident(org):
    assert default_regime(patient_incident(org)) == RegisterEntry.Regime.HEALTH
    staff = declare(org.user("alice"), category=Incident.Category.STAFF_INFO)
    assert default_regime(staff) == RegisterEntry.Regime.PUBLIC_BODY
    initial = register_initial(staff)
    assert initial["learned_start"] == timezone.localtime(staff.created_at).date()
    assert initial["incident_start"] == timezone.localtime(staff.seen_at).date()


def test_create_writes_history_and_an_event_on_the_incident(org, entry):
    assert entry.reference.startswith("REG-")
    assert entry.created_by == org.user("diane")
    assert entry.keep_until == date(
        entry.learned_start.year + 5, entry.learned_start.month, entry.learned_start.day
    )
    history = RegisterEvent.objects.get(entry=entry)
    assert (history.kind, history.actor) == ("created", org.user("diane"))
    event = Event.objects.get(incident=entry.incident, kind=Event.Kind.REGISTERED)
    assert event.actor == org.user("diane") and not event.visible_to_declarer
    assert event.get_kind_display().startswith("Inscrit au registre")


def test_an_incident_is_registered_once(org, entry):
    with pytest.raises(IncidentActionError, match="déjà inscrit"):
        register_entry_create(incident=entry.incident, actor=org.user("dora"), values=values())
    assert RegisterEntry.objects.count() == 1


@pytest.mark.parametrize("name", OUTSIDERS)
def test_only_dcai_writes(org, name, entry):
    incident = declare(org.user("alice"), category=Incident.Category.STAFF_INFO)
    with pytest.raises(PermissionDenied):
        register_entry_create(incident=incident, actor=org.user(name), values=values())
    with pytest.raises(PermissionDenied):
        register_entry_update(entry=entry, actor=org.user(name), values={"persons_count": 9})
    assert RegisterEntry.objects.count() == 1
    assert RegisterEntry.objects.get().persons_count == 3


def test_a_dcai_officer_concerned_by_the_incident_cannot_register_it(org):
    incident = declare(org.user("alice"), concerned_kind=Incident.Concerned.STAFF, concerned_staff=org.diane)
    with pytest.raises(PermissionDenied):
        register_entry_create(incident=incident, actor=org.user("diane"), values=values())
    register_entry_create(incident=incident, actor=org.user("dora"), values=values())
    assert not register_entries_visible_to(org.user("diane")).exists()
    assert register_entries_visible_to(org.user("dora")).count() == 1


FUTURE = timezone.localdate() + timedelta(days=3)
PAST = timezone.localdate() - timedelta(days=2)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"information_description": ""}, "information_description", "expliquez pourquoi"),
        ({"incident_start": FUTURE, "learned_start": FUTURE}, "incident_start", "futur"),
        ({"learned_end": FUTURE}, "learned_end", "futur"),
        ({"cai_notified_on": FUTURE}, "cai_notified_on", "futur"),
        (
            {"learned_start": timezone.localdate() - timedelta(days=20)},
            "learned_start",
            "avant qu'il ne survienne",
        ),
        ({"incident_end": timezone.localdate() - timedelta(days=12)}, "incident_end", "précède son début"),
        ({"persons_in_quebec": 4}, "persons_in_quebec", "ne peut dépasser"),
        ({"persons_count": -1}, "persons_count", ""),
        ({"incident_date_approximate": True}, "incident_date_note", "approximative"),
        ({"regime": "public_body", "minister_notified_on": PAST}, "minister_notified_on", "ministre"),
        ({"serious_injury_risk": True}, "cai_notified_on", "Commission"),
        ({"serious_injury_risk": True, "cai_notified_on": PAST}, "persons_notified_on", "personnes"),
        ({"public_notice": True}, "public_notice_reason", "avis public"),
        ({"circumstances": "  "}, "circumstances", ""),
    ],
)
def test_validation_rules_leave_nothing_written(org, overrides, field, message):
    incident = patient_incident(org)
    with pytest.raises(ValidationError) as error:
        register_entry_create(incident=incident, actor=org.user("diane"), values=values(**overrides))
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not RegisterEntry.objects.exists()
    assert not Event.objects.filter(kind=Event.Kind.REGISTERED).exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"serious_injury_risk": True, "cai_notified_on": PAST, "persons_notified_on": PAST},
        {"serious_injury_risk": True, "notices_pending_reason": "Avis en préparation, envoi prévu lundi."},
        {
            "serious_injury_risk": True,
            "cai_notified_on": PAST,
            "persons_notified_on": PAST,
            "minister_notified_on": PAST,
        },
        {"information_description": "", "information_not_described_reason": "Fichier chiffré inaccessible."},
        {"public_notice": True, "public_notice_reason": "Personnes impossibles à joindre."},
        {"incident_date_approximate": True, "incident_date_note": "Semaine du 3 mars."},
    ],
)
def test_valid_variants_are_accepted(org, overrides):
    entry = register_entry_create(
        incident=patient_incident(org), actor=org.user("diane"), values=values(**overrides)
    )
    assert entry.pk


def test_update_records_what_changed_and_who(org, entry):
    register_entry_update(
        entry=entry,
        actor=org.user("dora"),
        values={"persons_count": 5, "persons_in_quebec": 4, "measures": "Nouvelle mesure confidentielle."},
    )
    entry.refresh_from_db()
    assert (entry.persons_count, entry.updated_by) == (5, org.user("dora"))
    history = RegisterEvent.objects.get(entry=entry, kind="updated")
    changes = {c["field"]: c for c in history.changes}
    assert changes["persons_count"] == {"field": "persons_count", "before": 3, "after": 5}
    assert changes["measures"] == {"field": "measures"}  # free text is named, never copied
    assert "confidentielle" not in str(history.changes)
    event = Event.objects.get(incident=entry.incident, kind=Event.Kind.REGISTER_UPDATED)
    assert "nombre de personnes concernées" in event.note


def test_update_without_change_writes_nothing(org, entry):
    register_entry_update(entry=entry, actor=org.user("dora"), values={"persons_count": 3})
    assert RegisterEvent.objects.filter(entry=entry).count() == 1
    assert not Event.objects.filter(kind=Event.Kind.REGISTER_UPDATED).exists()


def test_invalid_update_changes_nothing(org, entry):
    with pytest.raises(ValidationError):
        register_entry_update(entry=entry, actor=org.user("dora"), values={"persons_in_quebec": 40})
    entry.refresh_from_db()
    assert entry.persons_in_quebec == 3 and RegisterEvent.objects.filter(entry=entry).count() == 1


# --- Keep-until ----------------------------------------------------------------------------------


def test_keep_until_is_never_shorter_than_five_years(org, settings):
    """A period under five years is refused, never used nor silently raised; a longer one is used as is."""
    settings.REGISTER_RETENTION_YEARS = 1
    with pytest.raises(ImproperlyConfigured, match="at least 5 years"):
        register_entry_create(incident=patient_incident(org), actor=org.user("diane"), values=values())
    assert not RegisterEntry.objects.exists()
    settings.REGISTER_RETENTION_YEARS = 5
    entry = register_entry_create(incident=patient_incident(org), actor=org.user("diane"), values=values())
    assert entry.keep_until == add_years(entry.learned_start, 5)
    settings.REGISTER_RETENTION_YEARS = settings.INCIDENT_RETENTION_YEARS = 8
    register_entry_update(entry=entry, actor=org.user("diane"), values={"persons_count": 4})
    entry.refresh_from_db()
    assert entry.keep_until == add_years(entry.learned_start, 8)


def test_database_refuses_an_entry_kept_less_than_five_years(org, entry):
    from django.db import IntegrityError, transaction

    too_early = add_years(entry.learned_start, 5) - timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterEntry.objects.filter(pk=entry.pk).update(keep_until=too_early)
    assert RegisterEntry.objects.get(pk=entry.pk).keep_until == add_years(entry.learned_start, 5)


def test_keep_until_runs_from_the_end_of_the_knowledge_period(org):
    today = timezone.localdate()
    entry = register_entry_create(
        incident=patient_incident(org),
        actor=org.user("diane"),
        values=values(learned_end=today - timedelta(days=1)),
    )
    assert entry.keep_until == add_years(today - timedelta(days=1), 5)


def test_leap_day_is_kept_until_28_february_five_years_later(org):
    """portal.dates.add_years: from 29 February, 28 February; kept through that day, gone the day after."""
    entry = register_entry_create(
        incident=patient_incident(org),
        actor=org.user("diane"),
        values=values(incident_start=date(2024, 2, 20), learned_start=date(2024, 2, 29)),
    )
    assert entry.keep_until == date(2029, 2, 28)
    entry.refresh_from_db()
    assert entry.keep_until == date(2029, 2, 28)


def _manage_check(**environ: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **environ}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("register", "incident", "message"),
    [
        ("1", "7", "REGISTER_RETENTION_YEARS is 1"),
        ("6", "5", "INCIDENT_RETENTION_YEARS is 5, shorter than REGISTER_RETENTION_YEARS (6)"),
    ],
)
def test_a_retention_setting_below_the_rules_stops_manage_py_check(register, incident, message):
    result = _manage_check(REGISTER_RETENTION_YEARS=register, INCIDENT_RETENTION_YEARS=incident)
    assert result.returncode != 0
    assert "incidents.E001" in result.stderr and message in result.stderr


def test_retention_settings_from_the_environment_are_used_as_they_are():
    env = {**os.environ, "REGISTER_RETENTION_YEARS": "6", "INCIDENT_RETENTION_YEARS": "9"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; import django; django.setup();"
        "from incidents.retention import retention_periods; print(*retention_periods())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["6", "9"]
    assert _manage_check(REGISTER_RETENTION_YEARS="6", INCIDENT_RETENTION_YEARS="9").returncode == 0


def test_retention_periods_are_read_when_asked(settings):
    settings.REGISTER_RETENTION_YEARS, settings.INCIDENT_RETENTION_YEARS = 5, 5
    assert retention_periods() == (5, 5)
    settings.INCIDENT_RETENTION_YEARS = 4
    with pytest.raises(ImproperlyConfigured):
        retention_periods()


# --- Pages ---------------------------------------------------------------------------------------


def _urls(entry: RegisterEntry, incident: Incident) -> list[str]:
    return [
        reverse("incidents:register_list"),
        reverse("incidents:register_detail", args=[entry.pk]),
        reverse("incidents:register_edit", args=[entry.pk]),
        reverse("incidents:register_create", args=[incident.pk]),
        reverse("incidents:register_export", args=["csv"]),
        reverse("incidents:register_export", args=["xlsx"]),
        reverse("incidents:register_commission") + f"?entree={entry.pk}",
        reverse("incidents:register_commission_one", args=[entry.pk]),
    ]


@pytest.mark.parametrize("name", OUTSIDERS)
def test_everyone_but_dcai_gets_404(org, login, entry, name):
    # alice declared the incident, bob is its manager: even they never see the register.
    other = declare(org.user("alice"), category=Incident.Category.STAFF_INFO)
    client = login(org.user(name))
    for url in _urls(entry, other):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("incidents:register_edit", args=[entry.pk]),
        reverse("incidents:register_create", args=[other.pk]),
    ):
        assert client.post(url, _form_data(persons_count=99)).status_code == 404, url
    assert RegisterEntry.objects.count() == 1 and RegisterEntry.objects.get().persons_count == 3


def test_dcai_opens_every_page(org, login, entry):
    other = declare(org.user("alice"), category=Incident.Category.STAFF_INFO)
    client = login(org.user("dora"))
    for url in _urls(entry, other):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            page = response.content.decode()
            assert "style=" not in page and "<script>" not in page  # strict CSP


def test_forged_ids_get_404(org, login, entry):
    client = login(org.user("diane"))
    assert client.get(reverse("incidents:register_detail", args=[entry.pk + 100])).status_code == 404
    assert client.get(reverse("incidents:register_create", args=[entry.incident.pk + 100])).status_code == 404
    assert client.get(reverse("incidents:register_export", args=["pdf"])).status_code == 404
    assert client.get(reverse("incidents:register_commission") + "?entree=x").status_code == 404


def _form_data(**overrides) -> dict:
    data = {}
    for key, value in values(**overrides).items():
        if value is None or value is False:
            if key == "serious_injury_risk":
                data[key] = "0"
            continue
        if value is True:
            data[key] = "1" if key == "serious_injury_risk" else "on"
        else:
            data[key] = value.isoformat() if isinstance(value, date) else value
    return data


def test_create_and_edit_through_the_pages(org, login):
    incident = patient_incident(org)
    client = login(org.user("diane"))
    page = client.get(incident.get_absolute_url()).content.decode()
    assert reverse("incidents:register_create", args=[incident.pk]) in page
    form = client.get(reverse("incidents:register_create", args=[incident.pk])).content.decode()
    assert re.search(r'value="health"[^>]*checked', form)
    for number in range(1, 9):
        assert f'<legend class="h5">{number}. ' in form
    response = client.post(reverse("incidents:register_create", args=[incident.pk]), _form_data())
    entry = RegisterEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert "Photo publiée sur un réseau social" in detail and "Inscription au registre" in detail
    page = client.get(incident.get_absolute_url()).content.decode()
    assert entry.get_absolute_url() in page and "Inscrit au registre" in page
    # A second visit to the create URL leads to the entry.
    assert (
        client.get(reverse("incidents:register_create", args=[incident.pk]))["Location"]
        == entry.get_absolute_url()
    )
    response = client.post(
        reverse("incidents:register_edit", args=[entry.pk]),
        _form_data(persons_count=7, persons_in_quebec=6, persons_count_approximate=True),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.persons_count == 7
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert "Modification" in detail and "3 → 7" in detail and "Non → Oui" in detail


def test_bad_input_shows_a_clear_message_and_changes_nothing(org, login):
    incident = patient_incident(org)
    client = login(org.user("diane"))
    response = client.post(
        reverse("incidents:register_create", args=[incident.pk]),
        _form_data(serious_injury_risk=True, persons_in_quebec=9, circumstances="<script>x</script>"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "ne peut dépasser le nombre total" in page
    assert "Un risque de préjudice sérieux exige" in page
    assert "<script>x" not in page
    assert not RegisterEntry.objects.exists()


def test_panel_and_navigation_for_dcai_only(org, login):
    incident = patient_incident(org)
    url = reverse("incidents:register_create", args=[incident.pk])
    assert url not in login(org.user("bob")).get(incident.get_absolute_url()).content.decode()
    assert (
        reverse("incidents:register_list") not in login(org.user("bob")).get(reverse("home")).content.decode()
    )
    assert (
        reverse("incidents:register_list") in login(org.user("diane")).get(reverse("home")).content.decode()
    )


def test_list_filters(org, login):
    diane = org.user("diane")
    health = register_entry_create(incident=patient_incident(org), actor=diane, values=values())
    staff = register_entry_create(
        incident=declare(org.user("alice"), category=Incident.Category.STAFF_INFO),
        actor=diane,
        values=values(
            regime="public_body", serious_injury_risk=True, cai_notified_on=PAST, persons_notified_on=PAST
        ),
    )
    client = login(diane)
    url = reverse("incidents:register_list")

    def shown(query: str) -> set[str]:
        page = client.get(url + query).content.decode()
        return {e.reference for e in (health, staff) if e.get_absolute_url() in page}

    assert shown("") == {health.reference, staff.reference}
    assert shown("?regime=health") == {health.reference}
    assert shown("?risk=oui") == {staff.reference}
    assert shown("?risk=non") == {health.reference}
    assert shown(f"?year={health.learned_start.year}") == {health.reference, staff.reference}
    assert shown(f"?year={health.learned_start.year - 1}") == {
        health.reference,
        staff.reference,
    }  # invalid choice
    assert "Sélectionnez un choix valide" in client.get(url + "?year=1999").content.decode()


# --- Exports and the Commission's copy -----------------------------------------------------------


def test_exports_open_and_match(org, login, entry):
    client = login(org.user("diane"))
    response = client.get(reverse("incidents:register_export", args=["csv"]))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="registre-incidents-confidentialite-'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, row = rows[0], rows[1]
    assert len(rows) == 2
    for number in range(1, 9):
        assert any(h.startswith(f"{number}. ") for h in header), number
    record = dict(zip(header, row, strict=True))
    assert record["Inscription"] == entry.reference and record["Incident"] == entry.incident.reference
    assert record["2. brève description des circonstances"] == entry.circumstances
    assert record["5. nombre de personnes concernées"] == "3"
    assert record["6. risque de préjudice sérieux"] == "Non"
    assert record["3. date (ou début) de l'incident"] == entry.incident_start.isoformat()

    response = client.get(reverse("incidents:register_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    xrows = list(sheet.iter_rows(values_only=True))
    assert list(xrows[0]) == header
    xrecord = dict(zip(xrows[0], xrows[1], strict=True))
    assert xrecord["2. brève description des circonstances"] == entry.circumstances
    assert xrecord["5. nombre de personnes concernées"] == 3
    assert xrecord["Conserver jusqu'au"].date() == entry.keep_until


def test_export_follows_the_filters(org, login, entry):
    client = login(org.user("diane"))
    response = client.get(reverse("incidents:register_export", args=["csv"]) + "?regime=public_body")
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 1


def test_commission_copy_holds_the_items_only(org, login):
    incident = patient_incident(
        org, description="Texte interne très précis de la déclaration", confidential_declarer=False
    )
    entry = register_entry_create(incident=incident, actor=org.user("diane"), values=values())
    client = login(org.user("diane"))
    for url in (
        reverse("incidents:register_commission_one", args=[entry.pk]),
        reverse("incidents:register_commission") + f"?entree={entry.pk}",
    ):
        page = client.get(url).content.decode()
        assert entry.reference in page and "Photo publiée sur un réseau social" in page
        assert "Commission d'accès à l'information" in page
        assert "register-print.css" in page and "data-print" in page
        for secret in ("Alice Test", ">alice<", "Texte interne", incident.reference, "facebook.example"):
            assert secret not in page, secret
        # Nor who wrote the entry.
        assert "Diane" not in page.split("</header>", 1)[-1].split("<footer", 1)[0]


def test_commission_copy_of_a_selection(org, login):
    diane = org.user("diane")
    first = register_entry_create(incident=patient_incident(org), actor=diane, values=values())
    second = register_entry_create(
        incident=patient_incident(org), actor=diane, values=values(circumstances="Autre circonstance.")
    )
    client = login(diane)
    page = client.get(reverse("incidents:register_commission") + f"?entree={second.pk}").content.decode()
    assert "Autre circonstance." in page and first.reference not in page
    page = client.get(reverse("incidents:register_commission")).content.decode()
    assert first.reference in page and second.reference in page


# --- Query counts --------------------------------------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name",
    ["incidents:register_list", "incidents:register_commission"],
)
def test_list_pages_cost_a_constant_number_of_queries(org, login, django_assert_max_num_queries, url_name):
    diane = org.user("diane")
    for incident in build_incidents(2, declarer=org.user("alice"), level=Incident.Level.DCAI):
        register_entry_create(incident=incident, actor=diane, values=values())
    client = login(diane)
    url = reverse(url_name)
    few = _count_queries(client, url)
    for incident in build_incidents(30, declarer=org.user("alice"), level=Incident.Level.DCAI):
        register_entry_create(incident=incident, actor=diane, values=values())
    many = _count_queries(client, url)
    assert many <= few
    with django_assert_max_num_queries(12):
        client.get(url)


def test_export_costs_a_constant_number_of_queries(org, login):
    diane = org.user("diane")
    register_entry_create(incident=patient_incident(org), actor=diane, values=values())
    client = login(diane)
    url = reverse("incidents:register_export", args=["csv"])
    few = _count_queries(client, url)
    for incident in build_incidents(10, declarer=org.user("alice"), level=Incident.Level.DCAI):
        register_entry_create(incident=incident, actor=diane, values=values())
    assert _count_queries(client, url) <= few


def test_entry_page_query_count(org, login, entry, django_assert_max_num_queries):
    client = login(org.user("diane"))
    for persons in (4, 5, 6):  # history grows; the page does not cost more
        register_entry_update(entry=entry, actor=org.user("diane"), values={"persons_count": persons})
    with django_assert_max_num_queries(10):
        assert client.get(entry.get_absolute_url()).status_code == 200
