import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from policies.models import Section
from portal.notifications.models import Notification
from portal.roster.models import Designation, OfficialAccount
from tests.factories import StaffProfileFactory, UserFactory, make_staff

from .factories import DesignationFactory, acknowledge

Status = Designation.Status


@pytest.fixture
def pending(org, accounts):
    """alice, designated by carol (DSP) for the Facebook page, waiting for DCAI."""
    return DesignationFactory(profile=org.alice, designated_by=org.user("carol"), accounts=[accounts["facebook"]])


def url(name, *args):
    return reverse(f"roster:{name}", args=args)


def post_form(start=None, end=None, **extra):
    start = start or timezone.localdate()
    return {
        "role": "publisher",
        "justification": "Publier les activités de l'unité",
        "start_date": start.isoformat(),
        "end_date": (end or start + datetime.timedelta(days=200)).isoformat(),
        **extra,
    }


# --- Outsider and role checks -------------------------------------------------------------------------


def test_outsider_gets_404_everywhere(org, login, pending):
    client = login(org.user("oscar"))
    for name in ("roster", "direction_roster", "designation_create", "accounts", "account_create"):
        assert client.get(url(name)).status_code == 404, name
    assert client.get(url("export", "csv")).status_code == 404
    assert client.get(url("account_edit", pending.accounts.first().pk)).status_code == 404
    assert client.get(url("designation", pending.pk)).status_code == 404
    assert client.get(url("designation_renew", pending.pk)).status_code == 404
    for action in ("confirm", "refuse", "revoke", "remind"):
        response = client.post(url(f"designation_{action}", pending.pk), {"comment": "x", "reason": "x"})
        assert response.status_code == 404, action
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    # Their own page exists and shows nothing of others.
    response = client.get(url("mine"))
    assert response.status_code == 200
    assert pending.reference not in response.content.decode()


def test_head_of_another_direction_gets_404_on_our_designations(org, login, pending):
    org.tech.head = org.user("olga")
    org.tech.save()
    client = login(org.user("olga"))
    assert client.get(url("designation", pending.pk)).status_code == 404
    assert client.post(url("designation_revoke", pending.pk), {"reason": "x"}).status_code == 404
    response = client.get(url("direction_roster"))
    assert response.status_code == 200
    assert pending.reference not in response.content.decode()


def test_index_sends_each_role_to_its_page(org, login):
    assert login(org.user("diane")).get(url("index"))["Location"] == url("roster")
    assert login(org.user("carol")).get(url("index"))["Location"] == url("direction_roster")
    assert login(org.user("alice")).get(url("index"))["Location"] == url("mine")


def test_person_sees_own_designation_without_action_buttons(org, login, pending):
    client = login(org.user("alice"))
    response = client.get(url("designation", pending.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Confirmer la désignation" not in body and "Révoquer la désignation" not in body
    assert client.post(url("designation_confirm", pending.pk)).status_code == 403
    assert client.post(url("designation_revoke", pending.pk), {"reason": "x"}).status_code == 403


def test_direction_head_cannot_confirm_through_the_page(org, login, pending, acknowledged):
    client = login(org.user("carol"))
    body = client.get(url("designation", pending.pk)).content.decode()
    assert "Confirmer la désignation" not in body
    assert "Révoquer la désignation" in body
    assert client.post(url("designation_confirm", pending.pk)).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_designator_who_is_also_dcai_sees_no_confirm_button_and_cannot_confirm(org, login, accounts, version):
    """Four eyes (docs/rules.md): dora heads DCAI and designated diane; another DCAI officer confirms."""
    acknowledge(org.user("diane"), version)
    designation = DesignationFactory(profile=org.diane, designated_by=org.user("dora"), accounts=[accounts["facebook"]])
    client = login(org.user("dora"))
    body = client.get(url("designation", designation.pk)).content.decode()
    assert "Confirmer la désignation" not in body
    assert url("designation_confirm", designation.pk) not in body
    assert "Révoquer la désignation" in body  # she may still withdraw it
    assert client.post(url("designation_confirm", designation.pk), {"comment": ""}).status_code == 403
    designation.refresh_from_db()
    assert designation.status == Status.PENDING and not designation.events.filter(action="confirmed").exists()
    colleague = make_staff("dylan", org.dcai)
    client = login(colleague.user)
    assert "Confirmer la désignation" in client.get(url("designation", designation.pk)).content.decode()
    assert client.post(url("designation_confirm", designation.pk), {"comment": ""}).status_code == 302
    designation.refresh_from_db()
    assert designation.status == Status.ACTIVE


def test_pending_designation_whose_period_is_over_offers_no_confirmation(org, login, pending, acknowledged):
    pending.start_date = timezone.localdate() - datetime.timedelta(days=10)
    pending.end_date = timezone.localdate() - datetime.timedelta(days=1)
    pending.save()
    client = login(org.user("diane"))
    assert "Confirmer la désignation" not in client.get(url("designation", pending.pk)).content.decode()
    response = client.post(url("designation_confirm", pending.pk), {"comment": ""})
    assert response.status_code == 400
    assert "période de cette désignation est terminée" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


# --- Designating through the form ---------------------------------------------------------------------


def test_head_designates_through_the_form(org, login, accounts):
    client = login(org.user("carol"))
    form_page = client.get(url("designation_create")).content.decode()
    assert "scope=roster.designation" in form_page  # the person picker, limited to the direction
    assert org.oscar.employee_number not in form_page  # staff choices limited to the direction
    assert accounts["old"].handle not in form_page  # inactive accounts are not offered
    response = client.post(
        url("designation_create"), post_form(profile=org.alice.employee_number, accounts=[accounts["facebook"].pk])
    )
    designation = Designation.objects.get()
    assert response.status_code == 302 and response["Location"] == designation.get_absolute_url()
    assert designation.profile == org.alice and designation.status == Status.PENDING
    assert set(
        Notification.objects.filter(kind="roster.designation_submitted").values_list("recipient__username", flat=True)
    ) == {"diane", "dora"}


def test_forged_profile_id_of_another_direction_creates_nothing(org, login, accounts):
    client = login(org.user("carol"))
    response = client.post(
        url("designation_create"), post_form(profile=org.oscar.pk, accounts=[accounts["facebook"].pk])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["profile"]
    response = client.post(url("designation_create"), post_form(profile=999999, accounts=[accounts["old"].pk, 424242]))
    assert response.context["form"].errors.keys() >= {"profile", "accounts"}
    assert not Designation.objects.exists()
    assert not Notification.objects.exists()


def test_end_date_beyond_a_year_is_a_form_error(org, login, accounts):
    client = login(org.user("carol"))
    start = timezone.localdate()
    response = client.post(
        url("designation_create"),
        post_form(
            start=start,
            end=start + datetime.timedelta(days=400),
            profile=org.alice.employee_number,
            accounts=[accounts["facebook"].pk],
        ),
    )
    assert response.status_code == 200
    assert "au plus un an" in str(response.context["form"].errors["end_date"])
    assert not Designation.objects.exists()


def test_script_in_justification_is_shown_as_text(org, login, accounts):
    client = login(org.user("carol"))
    client.post(
        url("designation_create"),
        post_form(
            profile=org.alice.employee_number,
            accounts=[accounts["facebook"].pk],
            justification="<script>alert(1)</script>",
        ),
    )
    designation = Designation.objects.get()
    body = client.get(url("designation", designation.pk)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- Confirmation page --------------------------------------------------------------------------------


def test_confirm_area_says_why_and_offers_the_reminder(org, login, pending, version):
    client = login(org.user("diane"))
    body = client.get(url("designation", pending.pk)).content.decode()
    assert "pas encore pris connaissance" in body
    assert "Confirmer la désignation" not in body
    assert url("designation_remind", pending.pk) in body
    # Posting anyway changes nothing and says why.
    response = client.post(url("designation_confirm", pending.pk), {"comment": ""})
    assert response.status_code == 400
    assert "pas encore pris connaissance" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    response = client.post(url("designation_remind", pending.pk), follow=True)
    assert "rappel" in response.content.decode().lower()
    assert Notification.objects.get(kind="roster.acknowledgement_requested").recipient == org.user("alice")


def test_dcai_confirms_through_the_page(org, login, pending, acknowledged):
    client = login(org.user("diane"))
    body = client.get(url("designation", pending.pk)).content.decode()
    assert "Confirmer la désignation" in body and "Refuser la désignation" in body
    response = client.post(url("designation_confirm", pending.pk), {"comment": "OK"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.ACTIVE
    detail = login(org.user("alice")).get(url("designation", pending.pk)).content.decode()
    # The obligations link points at the anchor the reading page gives section 6.3.
    assert "nétiquette" in detail and f'#{Section(number="6.3").anchor}"' in detail
    assert '#s-6-3"' in detail
    history = client.get(url("designation", pending.pk)).content.decode()
    assert "Confirmée par la DCAI" in history


def test_refusal_without_comment_is_an_error_and_changes_nothing(org, login, pending):
    client = login(org.user("diane"))
    response = client.post(url("designation_refuse", pending.pk), {"comment": " "})
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    client.post(url("designation_refuse", pending.pk), {"comment": "Compte non pertinent"})
    pending.refresh_from_db()
    assert pending.status == Status.REFUSED


def test_renewal_page_for_the_direction(org, login, accounts):
    active = DesignationFactory(
        profile=org.alice,
        designated_by=org.user("carol"),
        status=Status.ACTIVE,
        accounts=[accounts["facebook"]],
        end_date=timezone.localdate() + datetime.timedelta(days=20),
    )
    assert login(org.user("diane")).get(url("designation_renew", active.pk)).status_code == 403
    client = login(org.user("carol"))
    page = client.get(url("designation_renew", active.pk))
    assert page.status_code == 200
    start = active.end_date + datetime.timedelta(days=1)
    response = client.post(
        url("designation_renew", active.pk), post_form(start=start, accounts=[accounts["facebook"].pk])
    )
    renewal = Designation.objects.get(renewal_of=active)
    assert response["Location"] == renewal.get_absolute_url()
    # The renew button is gone once a renewal is under way.
    assert url("designation_renew", active.pk) not in client.get(url("designation", active.pk)).content.decode()


# --- Lists and query counts ---------------------------------------------------------------------------


def _many(org, accounts, n):
    for _ in range(n):
        profile = StaffProfileFactory(direction=org.care, user=UserFactory())
        DesignationFactory(
            profile=profile, designated_by=org.user("carol"), accounts=[accounts["facebook"], accounts["x"]]
        )


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["roster", "direction_roster", "mine"])
def test_list_pages_cost_the_same_for_few_and_many_rows(org, login, accounts, page):
    user = {"roster": "diane", "direction_roster": "carol", "mine": "alice"}[page]
    DesignationFactory(profile=org.alice, designated_by=org.user("carol"), accounts=[accounts["facebook"]])
    _many(org, accounts, 2)
    few = _count(login(org.user(user)), url(page))
    _many(org, accounts, 30)
    DesignationFactory(
        profile=org.alice,
        designated_by=org.user("carol"),
        accounts=[accounts["x"]],
        start_date=timezone.localdate() + datetime.timedelta(days=400),
    )
    many = _count(login(org.user(user)), url(page))
    assert many <= few


def test_roster_page_query_count_is_pinned(org, login, accounts, django_assert_max_num_queries):
    _many(org, accounts, 20)
    client = login(org.user("diane"))
    with django_assert_max_num_queries(12):
        response = client.get(url("roster") + "?status=pending&platform=facebook&expiring=")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 20


def test_roster_filters(org, login, accounts, pending):
    active = DesignationFactory(
        profile=org.bob,
        designated_by=org.user("carol"),
        status=Status.ACTIVE,
        accounts=[accounts["x"]],
        end_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    client = login(org.user("diane"))

    def refs(query):
        return {d.reference for d in client.get(url("roster") + query).context["designations"]}

    assert refs("") == {pending.reference, active.reference}
    assert refs("?status=active") == {active.reference}
    assert refs("?platform=facebook") == {pending.reference}
    assert refs(f"?account={accounts['x'].pk}") == {active.reference}
    assert refs("?expiring=on") == {active.reference}
    assert refs(f"?direction={org.tech.pk}") == set()
    assert refs("?q=bob") == {active.reference}
    # A forged filter value is reported and ignored, never an error page.
    response = client.get(url("roster") + "?direction=999999&status=nope")
    assert response.status_code == 200
    assert "ignorés" in response.content.decode()


# --- Exports ------------------------------------------------------------------------------------------


@pytest.fixture
def export_rows(org, accounts):
    tricky = StaffProfileFactory(
        direction=org.care, user=UserFactory(last_name='=HYPERLINK("http://x")', first_name="Éloïse")
    )
    return [
        DesignationFactory(profile=org.alice, designated_by=org.user("carol"), accounts=[accounts["facebook"]]),
        DesignationFactory(
            profile=tricky,
            designated_by=org.user("carol"),
            status=Status.ACTIVE,
            accounts=[accounts["facebook"], accounts["x"]],
        ),
    ]


def test_csv_export_opens_and_matches(org, login, export_rows):
    response = login(org.user("diane")).get(url("export", "csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Référence", "Statut", "Nom"]
    by_ref = {row[0]: row for row in rows[1:]}
    assert set(by_ref) == {d.reference for d in export_rows}
    tricky = by_ref[export_rows[1].reference]
    assert tricky[2] == '\'=HYPERLINK("http://x")' and tricky[3] == "Éloïse"
    assert tricky[1] == "Active" and tricky[5] == "DSP"
    assert tricky[7] == "Facebook · CHUMontreal; X · chum_mtl"


def test_xlsx_export_opens_and_matches_with_filters(org, login, export_rows):
    response = login(org.user("diane")).get(url("export", "xlsx") + "?status=active")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Référence"
    assert len(values) == 2
    assert values[1][0] == export_rows[1].reference
    assert values[1][2] == '\'=HYPERLINK("http://x")'
    assert values[1][8].date() == export_rows[1].start_date


def test_export_is_dcai_only_and_format_checked(org, login, export_rows):
    assert login(org.user("carol")).get(url("export", "csv")).status_code == 404
    assert login(org.user("diane")).get(url("export", "pdf")).status_code == 404


# --- Official accounts --------------------------------------------------------------------------------


def test_dcai_manages_accounts_through_the_pages(org, login, accounts):
    client = login(org.user("diane"))
    assert client.get(url("accounts")).status_code == 200
    response = client.post(
        url("account_create"),
        {
            "platform": "tiktok",
            "handle": "chum",
            "url": "https://tiktok.com/@chum",
            "direction": org.dcai.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    account = OfficialAccount.objects.get(platform="tiktok")
    response = client.post(
        url("account_create"),
        {"platform": "tiktok", "handle": "CHUM", "url": "https://tiktok.com/@chum", "direction": org.dcai.pk},
    )
    assert response.status_code == 200 and response.context["form"].errors["handle"]
    client.post(
        url("account_edit", account.pk),
        {"platform": "tiktok", "handle": "chum", "url": "https://tiktok.com/@chum", "direction": org.dcai.pk},
    )
    account.refresh_from_db()
    assert account.is_active is False
    response = client.post(
        url("account_create"),
        {"platform": "x", "handle": "y", "url": "javascript:alert(1)", "direction": org.dcai.pk},
    )
    assert response.status_code == 200 and response.context["form"].errors["url"]
    for user in ("carol", "alice"):
        assert login(org.user(user)).get(url("accounts")).status_code == 404


# --- Home panels and navigation -----------------------------------------------------------------------


def _panels(user):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from portal.roster.home import panels

    request = RequestFactory().get("/")
    request.user = user
    found = panels(request)
    html = "".join(render_to_string(p["template"], {"panel": p, "request": request}) for p in found)
    return found, html


def test_home_panels_by_role(org, accounts, pending, version):
    DesignationFactory(
        profile=org.bob,
        designated_by=org.user("carol"),
        status=Status.ACTIVE,
        accounts=[accounts["x"]],
        end_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    acknowledge(org.user("alice"), version)
    found, html = _panels(org.user("diane"))
    assert [p["count"] for p in found] == [1]
    assert "1 désignation attend votre confirmation" in html
    found, html = _panels(org.user("carol"))
    assert "1 désignation de votre direction se termine" in html
    found, html = _panels(org.user("bob"))
    assert url("mine") in html and "chum_mtl" in html
    assert _panels(org.user("oscar")) == ([], "")


def test_home_panels_cost_a_constant_number_of_queries(org, accounts, django_assert_max_num_queries):
    for _ in range(3):
        DesignationFactory(
            profile=org.carol,
            designated_by=org.user("carol"),
            status=Status.ACTIVE,
            accounts=[accounts["x"], accounts["facebook"]],
        )
    with django_assert_max_num_queries(10):
        found, _html = _panels(org.user("carol"))
    assert len(found[-1]["designations"]) == 3


def test_navigation_by_role(org, login):
    dcai = login(org.user("diane")).get(url("mine")).content.decode()
    assert url("roster") in dcai and url("accounts") in dcai
    head = login(org.user("carol")).get(url("mine")).content.decode()
    assert url("direction_roster") in head and url("roster") + '"' not in head
    alice = login(org.user("alice")).get(url("mine")).content.decode()
    assert url("mine") in alice and url("direction_roster") not in alice


def test_detail_page_query_count_does_not_grow_with_history(org, login, accounts, version):
    designation = DesignationFactory(
        profile=org.alice, designated_by=org.user("carol"), accounts=[accounts["facebook"], accounts["x"]]
    )
    client = login(org.user("diane"))
    few = _count(client, url("designation", designation.pk))
    from portal.roster import services

    for _ in range(3):
        designation.events.create(action="acknowledgement_reminder", actor=org.user("diane"), to_status="pending")
    services.designation_refuse(designation=designation, actor=org.user("diane"), comment="Non")
    many = _count(login(org.user("diane")), url("designation", designation.pk))
    assert many <= few


def test_admin_shows_designations_read_only_and_never_deletes(org, login, pending):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = login(admin_user)
    assert client.get("/admin/roster/designation/").status_code == 200
    page = client.get(f"/admin/roster/designation/{pending.pk}/change/")
    assert page.status_code == 200
    assert pending.reference in page.content.decode()
    assert client.get(f"/admin/roster/designation/{pending.pk}/delete/").status_code == 403
    account = pending.accounts.first()
    assert client.get(f"/admin/roster/officialaccount/{account.pk}/change/").status_code == 200
    assert client.get(f"/admin/roster/officialaccount/{account.pk}/delete/").status_code == 403
