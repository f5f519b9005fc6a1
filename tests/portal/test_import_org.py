"""`import_org`: the HR export into directions, accounts and staff profiles."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from portal.models import Direction, StaffProfile
from portal.orgimport import COLUMNS, import_org
from portal.orgimport.parse import normalise_label
from tests.factories import UserFactory

User = get_user_model()
HEADER = ";".join(COLUMNS)
CALLS: dict[str, list[list[int]]] = {"created": [], "deactivated": []}


def record_created(profile_ids):
    CALLS["created"].append(sorted(profile_ids))


def record_deactivated(profile_ids):
    CALLS["deactivated"].append(sorted(profile_ids))


@pytest.fixture(autouse=True)
def hooks(settings):
    """The organisation hooks point at recorders, so the tests see what the import hands to other apps."""
    settings.PORTAL_ON_STAFF_CREATED = ["tests.portal.test_import_org.record_created"]
    settings.PORTAL_ON_STAFF_DEACTIVATED = ["tests.portal.test_import_org.record_deactivated"]
    for calls in CALLS.values():
        calls.clear()
    return CALLS


def line(number, first, last, direction="DSI", manager="", category="employé", role="", email=None, **extra):
    values = {
        "employee_number": number,
        "first_name": first,
        "last_name": last,
        "email": email if email is not None else f"{_ascii(first)}.{_ascii(last)}@chum.test",
        "direction_code": direction,
        "direction_name_fr": DIRECTION_NAMES.get(direction, (direction,))[0],
        "direction_name_en": DIRECTION_NAMES.get(direction, ("", ""))[1],
        "direction_role": role,
        "manager_employee_number": manager,
        "category": category,
        "language": "fr",
        "start_date": "2015-09-01",
        **extra,
    }
    return ";".join(values[c] for c in COLUMNS)


DIRECTION_NAMES = {
    "DG": ("Direction générale", "Office of the CEO"),
    "DRH": ("Direction des ressources humaines", "Human Resources"),
    "DCAI": ("Direction des communications et de l'accès à l'information", "Communications"),
    "DSI": ("Direction des soins infirmiers", "Nursing"),
    "DST": ("Direction des services techniques", "Technical Services"),
}


def _ascii(name):
    return normalise_label(name).replace(" ", "-")


def csv_bytes(*lines, header=HEADER, bom=True):
    text = "\r\n".join([header, *lines]) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


# A valid export: the nurse comes before her manager, who comes before the director.
VALID = csv_bytes(
    line("1003", "Élise", "Gagnon", manager="1002", category="Autre professionnelle de la SANTÉ"),
    line("1002", "Marc", "Bouchard", manager="1001", category="EMPLOYE"),
    line("1001", "Sophie", "Lavoie", category="Médecin"),
    line("2001", "Hélène", "Roy", direction="DRH", role="human_resources", category="employe"),
    line("3001", "Karim", "Haddad", direction="DCAI", role="communications", category="Contractuel"),
)


def snapshot():
    """Everything an import could change, to prove that a refused file changed nothing."""
    return (
        sorted(Direction.objects.values_list("code", "name_fr", "name_en", "role")),
        sorted(User.objects.values_list("username", "first_name", "last_name", "email", "is_active")),
        sorted(
            StaffProfile.objects.values_list(
                "employee_number",
                "direction__code",
                "manager__employee_number",
                "category",
                "language",
                "is_active",
                "start_date",
            )
        ),
    )


def run(data, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return import_org(data, **kwargs)


@pytest.mark.django_db
def test_valid_file_creates_directions_accounts_and_profiles(django_capture_on_commit_callbacks, hooks):
    result = run(VALID, django_capture_on_commit_callbacks)

    assert result.ok, result.errors
    assert result.counts == {
        "directions_created": 3,
        "directions_updated": 0,
        "created": 5,
        "updated": 0,
        "deactivated": 0,
        "unchanged": 0,
    }
    assert dict(Direction.objects.values_list("code", "role")) == {
        "DSI": "other",
        "DRH": "human_resources",
        "DCAI": "communications",
    }
    nurse = StaffProfile.objects.select_related("user", "manager__manager").get(employee_number="1003")
    assert nurse.manager.employee_number == "1002"
    assert nurse.manager.manager.employee_number == "1001"
    assert nurse.category == StaffProfile.Category.AUTRE_PRO_SANTE
    assert nurse.start_date == datetime.date(2015, 9, 1)
    assert nurse.user.username == "1003"
    assert nurse.user.email == "elise.gagnon@chum.test"
    assert not nurse.user.has_usable_password()
    assert StaffProfile.objects.get(employee_number="1001").category == StaffProfile.Category.MEDECIN
    # New staff are handed to the other apps once, after commit.
    assert hooks["created"] == [sorted(StaffProfile.objects.values_list("pk", flat=True))]


@pytest.mark.django_db
def test_comma_delimiter_without_bom_and_optional_columns_absent(django_capture_on_commit_callbacks):
    header = "employee_number,first_name,last_name,email,direction_code,direction_name_fr,category"
    data = csv_bytes(
        "7,Ana,Santos,ana@chum.test,dst,Direction des services techniques,Bénévole", header=header, bom=False
    )
    result = run(data, django_capture_on_commit_callbacks)
    assert result.ok, result.errors
    profile = StaffProfile.objects.get(employee_number="7")
    assert profile.direction.code == "DST"  # codes are upper-cased
    assert profile.language == "fr" and profile.start_date is None and profile.manager is None
    assert profile.category == StaffProfile.Category.BENEVOLE


@pytest.mark.django_db
def test_rerun_changes_nothing(django_capture_on_commit_callbacks, hooks, capsys):
    run(VALID, django_capture_on_commit_callbacks)
    before = snapshot()
    hooks["created"].clear()

    again = run(VALID, django_capture_on_commit_callbacks)

    assert again.ok and not again.changed
    assert again.counts["created"] == again.counts["updated"] == 0
    assert again.counts["unchanged"] == 5
    assert snapshot() == before
    assert hooks["created"] == []


@pytest.mark.django_db
def test_command_reports_zero_on_rerun(tmp_path):
    path = tmp_path / "rh.csv"
    path.write_bytes(VALID)
    call_command("import_org", str(path), stdout=(first := _Out()))
    call_command("import_org", str(path), stdout=(second := _Out()))
    assert "5 créé(s)" in first.text
    assert "0 créé(s), 0 modifié(s)" in second.text


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing(tmp_path, hooks, django_capture_on_commit_callbacks):
    before = snapshot()
    result = run(VALID, django_capture_on_commit_callbacks, dry_run=True)
    assert result.ok and result.counts["created"] == 5 and result.counts["directions_created"] == 3
    assert snapshot() == before
    assert hooks["created"] == []

    path = tmp_path / "rh.csv"
    path.write_bytes(VALID)
    out = _Out()
    call_command("import_org", str(path), "--dry-run", stdout=out)
    assert "Simulation" in out.text and "1003 : nouveau" in out.text
    assert snapshot() == before


@pytest.mark.django_db
def test_updates_and_reactivation(django_capture_on_commit_callbacks, hooks):
    run(VALID, django_capture_on_commit_callbacks)
    # Someone of an ordinary direction comes back (HR or DCAI staff are left to an administrator:
    # tests/security/test_reactivation.py).
    StaffProfile.objects.filter(employee_number="1002").update(is_active=False)
    User.objects.filter(username="1002").update(is_active=False)
    hooks["created"].clear()
    data = csv_bytes(
        line("1003", "Élise", "Gagnon-Roy", manager="1001", category="Employée"),
        line("1002", "Marc", "Bouchard", manager="1001", category="EMPLOYE"),
        line("1001", "Sophie", "Lavoie", category="Médecin"),
        line("2001", "Hélène", "Roy", direction="DRH", role="human_resources", category="employe"),
        line("3001", "Karim", "Haddad", direction="DCAI", role="communications", category="Contractuel"),
    )
    result = run(data, django_capture_on_commit_callbacks)
    assert result.ok, result.errors
    assert result.counts["updated"] == 2 and result.counts["unchanged"] == 3
    nurse = StaffProfile.objects.select_related("user", "manager").get(employee_number="1003")
    assert (nurse.user.last_name, nurse.manager.employee_number, nurse.category) == (
        "Gagnon-Roy",
        "1001",
        StaffProfile.Category.EMPLOYE,
    )
    returning = StaffProfile.objects.select_related("user").get(employee_number="1002")
    assert returning.is_active and returning.user.is_active
    # A returning staff member gets what new staff get.
    assert hooks["created"] == [[returning.pk]]


@pytest.mark.django_db
def test_managers_already_in_database_and_adopted_account(org, django_capture_on_commit_callbacks):
    UserFactory(username="4001", first_name="Old", last_name="Name", email="old@chum.test")
    data = csv_bytes(
        line("4001", "Nadia", "Benali", direction="DSI", manager=org.bob.employee_number),
    )
    result = run(data, django_capture_on_commit_callbacks)
    assert result.ok, result.errors
    profile = StaffProfile.objects.select_related("user").get(employee_number="4001")
    assert profile.manager == org.bob
    # The account made by hand before the import is the one linked, with the names of the export.
    assert profile.user.first_name == "Nadia" and User.objects.filter(username="4001").count() == 1


@pytest.mark.django_db
def test_special_role_can_move_between_directions(org, django_capture_on_commit_callbacks):
    assert org.hr.code == "DRH" and org.hr.role == Direction.Role.HUMAN_RESOURCES
    data = csv_bytes(
        line("5001", "Ana", "Santos", direction="DRH", role="other"),
        line("5002", "Luc", "Caron", direction="DRHN", role="human_resources"),
    )
    result = run(data, django_capture_on_commit_callbacks)
    assert result.ok, result.errors
    assert Direction.objects.get(role=Direction.Role.HUMAN_RESOURCES).code == "DRHN"


@pytest.mark.django_db
def test_blank_role_keeps_the_stored_role(org, django_capture_on_commit_callbacks):
    data = csv_bytes(line("6001", "Ana", "Santos", direction="DCAI", role=""))
    result = run(data, django_capture_on_commit_callbacks)
    assert result.ok, result.errors
    org.dcai.refresh_from_db()
    assert org.dcai.role == Direction.Role.COMMUNICATIONS


@pytest.mark.django_db
def test_deactivate_missing(org, django_capture_on_commit_callbacks, hooks):
    org.olga.user.is_superuser = True
    org.olga.user.save()
    keep = [org.alice, org.bob, org.carol, org.harry, org.diane, org.dora]
    lines = [
        line(
            p.employee_number,
            p.user.first_name,
            p.user.last_name,
            direction=p.direction.code,
            manager=p.manager.employee_number if p.manager else "",
            email=p.user.email,
            category=p.category,
            role=p.direction.role,
            direction_name_fr=p.direction.name_fr,
            direction_name_en=p.direction.name_en,
            start_date="",
        )
        for p in keep
    ]
    result = run(csv_bytes(*lines), django_capture_on_commit_callbacks, deactivate_missing=True)

    assert result.ok, result.errors
    assert result.counts["deactivated"] == 2 and not result.counts["updated"]
    org.oscar.refresh_from_db()
    org.olga.refresh_from_db()
    assert not org.oscar.is_active and not org.olga.is_active
    assert not User.objects.get(pk=org.oscar.user_id).is_active
    assert User.objects.get(pk=org.olga.user_id).is_active  # a superuser keeps the login
    assert hooks["deactivated"] == [sorted([org.oscar.pk, org.olga.pk])]
    assert StaffProfile.objects.filter(is_active=True).count() == 6


# --- Bad rows: nothing changes and every bad row is listed with its line number -----------------------

BAD_CASES = {
    "unknown direction role": (
        [line("1", "Ana", "Santos", role="marketing")],
        {2: "rôle de direction inconnu"},
    ),
    "manager cycle": (
        [
            line("1", "Ana", "Santos", manager="3"),
            line("2", "Luc", "Caron", manager="1"),
            line("3", "Mei", "Chen", manager="2"),
            line("4", "Omar", "Diallo", manager="1"),
        ],
        {2: "cycle de gestionnaires", 3: "cycle de gestionnaires", 4: "cycle de gestionnaires"},
    ),
    "own manager": ([line("1", "Ana", "Santos", manager="1")], {2: "son propre gestionnaire"}),
    "duplicate employee number": (
        [line("1", "Ana", "Santos"), line("1", "Luc", "Caron")],
        {3: "matricule 1 en double (déjà à la ligne 2)"},
    ),
    "duplicate email": (
        [line("1", "Ana", "Santos", email="a@chum.test"), line("2", "Luc", "Caron", email="A@chum.test")],
        {3: "courriel A@chum.test en double"},
    ),
    "bad email": ([line("1", "Ana", "Santos", email="ana.chum.test")], {2: "courriel invalide"}),
    "unknown category": ([line("1", "Ana", "Santos", category="astronaute")], {2: "catégorie inconnue"}),
    "bad date": (
        [
            line("1", "Ana", "Santos", start_date="01/09/2015"),
            line("2", "Luc", "Caron", start_date="2015-02-30"),
            line("3", "Mei", "Chen", start_date="2108-05-25"),
        ],
        {2: "date d'entrée invalide", 3: "date d'entrée invalide", 4: "date d'entrée improbable"},
    ),
    "unknown manager": ([line("1", "Ana", "Santos", manager="999")], {2: "gestionnaire 999 inconnu"}),
    "missing required field": (
        [line("1", "", "Santos"), line("", "Luc", "Caron")],
        {2: "champ obligatoire vide : first_name", 3: "champ obligatoire vide : employee_number"},
    ),
    "two directions with the same special role": (
        [
            line("1", "Ana", "Santos", direction="DG", role="communications"),
            line("2", "Luc", "Caron", direction="DCAI", role="communications"),
        ],
        {2: "aurait le rôle « communications »", 3: "aurait le rôle « communications »"},
    ),
    "one direction described two ways": (
        [
            line("1", "Ana", "Santos", direction="DRH", role="human_resources"),
            line("2", "Luc", "Caron", direction="DRH", role="other"),
        ],
        {3: "direction DRH : rôle « other » différent de la ligne 2"},
    ),
    "unknown language": ([line("1", "Ana", "Santos", language="es")], {2: "langue inconnue"}),
    "wrong number of fields": ([line("1", "Ana", "Santos") + ";extra"], {2: "13 champs au lieu de 12"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_CASES, ids=list(BAD_CASES))
def test_bad_rows_change_nothing_and_are_all_listed(case, org, django_capture_on_commit_callbacks, hooks):
    lines, expected = BAD_CASES[case]
    # A good row in the same file is not imported either.
    data = csv_bytes(*lines, line("9999", "Good", "Row", direction="DST"))
    before = snapshot()

    result = run(data, django_capture_on_commit_callbacks)

    assert not result.ok
    found = {}
    for error in result.errors:
        found[error.line] = found.get(error.line, "") + error.message + "; "
    assert set(found) == set(expected), result.errors
    for number, text in expected.items():
        assert text in found[number]
    assert snapshot() == before
    assert hooks == {"created": [], "deactivated": []}


@pytest.mark.django_db
def test_special_role_already_held_in_database(org, django_capture_on_commit_callbacks):
    data = csv_bytes(line("1", "Ana", "Santos", direction="DST", role="communications"))
    result = run(data, django_capture_on_commit_callbacks)
    assert [(e.line, "déjà celui de DCAI" in e.message) for e in result.errors] == [(2, True)]


@pytest.mark.django_db
def test_inactive_or_departing_manager(org, django_capture_on_commit_callbacks):
    org.olga.is_active = False
    org.olga.save()
    data = csv_bytes(line("1", "Ana", "Santos", direction="DST", manager=org.olga.employee_number))
    assert "inactif" in run(data, django_capture_on_commit_callbacks).errors[0].message
    data = csv_bytes(line("1", "Ana", "Santos", direction="DST", manager=org.bob.employee_number))
    result = run(data, django_capture_on_commit_callbacks, deactivate_missing=True)
    assert "absent du fichier" in result.errors[0].message


@pytest.mark.django_db
def test_empty_file_never_deactivates_everyone(org, django_capture_on_commit_callbacks):
    result = run(csv_bytes(), django_capture_on_commit_callbacks, deactivate_missing=True)
    assert not result.ok and "aucun intervenant" in result.errors[0].message
    assert StaffProfile.objects.filter(is_active=True).count() == 8


@pytest.mark.django_db
def test_username_of_another_staff_member(org, django_capture_on_commit_callbacks):
    data = csv_bytes(line("alice", "Ana", "Santos"))
    result = run(data, django_capture_on_commit_callbacks)
    assert "déjà celui de l'intervenant" in result.errors[0].message


@pytest.mark.django_db
def test_row_referring_to_a_bad_row_is_not_reported_twice(django_capture_on_commit_callbacks):
    data = csv_bytes(line("1", "Ana", "Santos", email="bad"), line("2", "Luc", "Caron", manager="1"))
    result = run(data, django_capture_on_commit_callbacks)
    assert [e.line for e in result.errors] == [2]


@pytest.mark.django_db
def test_header_and_encoding_errors():
    assert "employee_number" in import_org(b"first_name;last_name\nA;B\n").errors[0].message
    latin1 = csv_bytes(line("1", "Ana", "Santos"), bom=False).decode().replace(
        "é", "e"
    ).encode() + "é".encode("latin-1")
    errors = import_org(latin1).errors
    assert errors[0].line == 3 and "UTF-8" in errors[0].message


@pytest.mark.django_db
def test_command_lists_every_bad_line_and_fails(tmp_path):
    path = tmp_path / "rh.csv"
    path.write_bytes(
        csv_bytes(line("1", "Ana", "Santos", email="x"), line("2", "Luc", "Caron", category="?"))
    )
    err = _Out()
    with pytest.raises(CommandError, match="2 ligne"):
        call_command("import_org", str(path), stderr=err)
    assert "Ligne 2 : courriel invalide" in err.text and "Ligne 3 : catégorie inconnue" in err.text
    assert not StaffProfile.objects.exists()


@pytest.mark.django_db
def test_progress_wraps_long_loops(django_capture_on_commit_callbacks):
    seen = []

    def progress(iterable, *, total=None, desc=None):
        seen.append(desc)
        return iterable

    run(VALID, django_capture_on_commit_callbacks, progress=progress)
    assert seen  # the command passes tqdm here for files of thousands of rows on a terminal


@pytest.mark.django_db
def test_queries_do_not_grow_with_rows(django_capture_on_commit_callbacks, django_assert_max_num_queries):
    from portal.bench import institution_rows, rows_to_csv

    small = rows_to_csv(institution_rows(staff=20, managers=3, directions=4))
    large = rows_to_csv(institution_rows(staff=400, managers=20, directions=4, prefix="L"))
    run(small, django_capture_on_commit_callbacks)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_rerun:
        run(small, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as large_fresh:
        run(large, django_capture_on_commit_callbacks)
    # A fresh import of 400 rows: a few statements per batch of 1,000, never one per row.
    assert len(large_fresh) <= 25, [q["sql"][:80] for q in large_fresh.captured_queries]
    assert len(small_rerun) <= 8
